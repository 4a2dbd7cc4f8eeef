// The widget's personal parts in a real Chromium on the dev storefront (the
// real extension, app proxy calls signed like Shopify's, the real survey and
// recommendation routes and database):
// - a survey due shows a badge on the launcher (really visible, named, clear
//   of the launcher's icon) and a card in the panel, answered with the
//   keyboard alone: the answer is in the database, the points in the balance;
// - the widget works on without the survey when its request fails;
// - the member's recommended rewards come first, each with its reason in the
//   shopper's language;
// - a reward that came within reach since the panel was last opened nudges
//   from the launcher until the panel opens; nothing is remembered without
//   the shopper's consent.
// axe-core runs on each state; screenshots go to tests/e2e/artifacts/.
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { DEFAULT_WIDGET_SETTINGS, LAUNCHER_POSITIONS } from '../../web/loyalty/domain/widget.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectReallyVisible, whyNotVisible } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const app = useTestApp({ env: { TALLY_WORKER: 'false', TALLY_RATE_LIMITS: 'off' }, checkLedger: true });
const browser = useBrowser();

type Shopper = { id: string; customerId: string };
let demo: Shopper;
/** A member who never redeemed: their recommendations come from their balance alone. */
let fresh: Shopper;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
  const redeemed = (await app.prisma.redemption.findMany({ where: { shop: DEV_SHOP }, select: { memberId: true } })).map((r) => r.memberId);
  fresh = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP, id: { notIn: [...redeemed, demo.id] } },
    orderBy: { customerId: 'asc' },
  });
});

const surveys: string[] = [];
afterEach(async () => {
  await app.prisma.survey.updateMany({ where: { id: { in: surveys.splice(0) } }, data: { status: 'archived' } });
});

/** An NPS survey asked in the widget, as the merchant's manual trigger leaves it for every member. */
async function npsSurvey(): Promise<string> {
  const { id } = await app.prisma.survey.create({
    data: { shop: DEV_SHOP, type: 'nps', name: 'e2e NPS', pointsForAnswer: 50, channels: ['widget'] },
  });
  surveys.push(id);
  return id;
}

const numericId = (gid: string) => gid.split('/').pop()!;
async function shopper(who: Shopper, init?: () => void): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'tally_dev_customer', value: numericId(who.customerId), url: app.url }]);
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  return { context, page, problems };
}

/** What the storefront's app proxy answers this shopper (signed by the dev storefront as Shopify would). */
async function proxy<T>(who: Shopper, path: string): Promise<T> {
  const response = await fetch(`${app.url}/apps/tally${path}`, { headers: { cookie: `tally_dev_customer=${numericId(who.customerId)}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const launcher = (page: Page) => page.locator('tally-widget[data-floating] .launcher');
const badge = (page: Page, kind: 'survey' | 'nudge') => launcher(page).locator(`[data-prompt="${kind}"]`);
const dialog = (page: Page) => page.getByRole('dialog');
const balance = async (who: Shopper) => (await app.prisma.member.findUniqueOrThrow({ where: { id: who.id } })).pointsAvailable;

/** Sets a member's available points through the ledger (an adjustment), so the doctor still balances. */
async function setBalance(who: Shopper, points: number) {
  const delta = points - (await balance(who));
  if (delta === 0) return;
  await app.prisma.$transaction((tx) =>
    adjust(tx, {
      shop: DEV_SHOP,
      memberId: who.id,
      points: delta,
      reason: 'e2e: known balance',
      actor: 'test',
      idempotencyKey: `e2e-bal-${Date.now()}-${Math.random()}`,
    }),
  );
}

/**
 * A launcher badge as a shopper sees it: opaque and displayed, at least 16 px,
 * on screen, the element at its own centre (whyNotVisible), and clear of the
 * launcher's icon, which is itself still what its own centre shows.
 */
async function expectBadgeSeen(page: Page, kind: 'survey' | 'nudge') {
  const el = badge(page, kind);
  await expectReallyVisible(el, 10_000);
  const style = await el.evaluate((b) => {
    const s = getComputedStyle(b);
    return { opacity: Number(s.opacity), visibility: s.visibility };
  });
  expect(style).toEqual({ opacity: 1, visibility: 'visible' });
  const box = (await el.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(16);
  expect(box.height).toBeGreaterThanOrEqual(16);
  const icon = launcher(page).locator('svg');
  await expectReallyVisible(icon);
  const iconBox = (await icon.boundingBox())!;
  const overlaps =
    box.x < iconBox.x + iconBox.width &&
    iconBox.x < box.x + box.width &&
    box.y < iconBox.y + iconBox.height &&
    iconBox.y < box.y + box.height;
  expect(overlaps, `${kind} badge ${JSON.stringify(box)} over the icon ${JSON.stringify(iconBox)}`).toBe(false);
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return { tag: el?.tagName.toLowerCase(), type: el?.type, name: el?.name, value: el?.value, cls: el?.className };
  });

async function tabUntil(page: Page, done: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string) {
  for (let i = 0; i < 40; i++) {
    if (done(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what}`);
}

describe('survey in the widget', () => {
  it('asks in the storefront language: the badge and the scale are named in German, the question is the server’s German', async () => {
    await npsSurvey();
    const { context, page, problems } = await shopper(demo);
    await page.goto(`${app.url}/dev/storefront?locale=de`);
    await expectBadgeSeen(page, 'survey');
    expect(await badge(page, 'survey').getAttribute('aria-label')).toBe('Eine kurze Frage wartet auf dich');
    const { survey } = await proxy<{ survey: { questions: Array<{ text: string }> } }>(demo, '/surveys/next?locale=de');
    await launcher(page).click();
    const card = dialog(page).locator('.survey');
    await expectReallyVisible(card.locator('legend'));
    expect(await card.locator('legend').textContent()).toBe(survey.questions[0]!.text);
    await expect.poll(() => card.getByRole('radio', { name: '7 von 10' }).count()).toBe(1);
    expect(await card.locator('h3').textContent()).toBe('Kurze Frage');
    await page.screenshot({ path: `${ARTIFACTS}/survey-card-de.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is answered with the keyboard alone: the answer recorded, 50 points in the balance, a thank-you, the badge gone', async () => {
    const surveyId = await npsSurvey();
    const before = await balance(demo);
    const { context, page, problems } = await shopper(demo);
    await page.goto(`${app.url}/dev/storefront`);
    await expectBadgeSeen(page, 'survey');
    // The launcher's accessible name says a survey waits (the badge is part of the button).
    await expect.poll(() => page.getByRole('button', { name: /A quick question is waiting for you/ }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/survey-launcher-badge.png` });
    await page.screenshot({
      path: `${ARTIFACTS}/survey-launcher-badge-zoom.png`,
      clip: { x: 1280 - 420, y: 900 - 120, width: 420, height: 120 },
    });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabUntil(page, (f) => f.cls === 'launcher', 'the launcher');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog(page).locator('.survey input[type=radio]').count(), { timeout: 10_000 }).toBe(11);
    await tabUntil(page, (f) => f.type === 'radio' && f.name === 'nps', 'the score scale');
    // Tab lands on the group's first score; the arrow keys choose.
    expect((await focused(page)).value).toBe('0');
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({ type: 'radio', value: '9' });
    expect(await dialog(page).locator('input[name=nps]:checked').getAttribute('value')).toBe('9');
    // The focused score is visibly marked: an outline on its number.
    const outline = await page.evaluate(() => {
      const s = getComputedStyle((document.activeElement as HTMLElement).nextElementSibling!);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    expect(outline).toBe('solid 3px');
    await page.screenshot({ path: `${ARTIFACTS}/survey-card-chosen.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.keyboard.press('Tab');
    expect((await focused(page)).tag).toBe('textarea');
    await page.keyboard.type('Quick delivery');
    await page.keyboard.press('Tab');
    expect((await focused(page)).tag).toBe('button');
    await page.keyboard.press('Enter');

    const thanks = dialog(page).locator('.survey[role=status]');
    await expect.poll(() => thanks.textContent(), { timeout: 15_000 }).toBe('Thank you for your answer!+50 points');
    await expectReallyVisible(thanks);
    // Focus stays in the panel, on the thank-you.
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('survey'))).toBe(true);
    const response = await app.prisma.surveyResponse.findFirstOrThrow({ where: { surveyId, memberId: demo.id } });
    expect(response).toMatchObject({ answers: { nps: 9 }, comment: 'Quick delivery', channel: 'widget', pointsAwarded: 50 });
    expect(await balance(demo)).toBe(before + 50);
    await expect.poll(() => dialog(page).locator('.available').textContent()).toBe(`${(before + 50).toLocaleString('en')} points`);
    await expect.poll(() => badge(page, 'survey').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/survey-thanks.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Answered: the next page asks nothing.
    await page.goto(`${app.url}/dev/storefront/cart`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expect.poll(() => dialog(page).locator('.available').count()).toBe(1);
    expect(await dialog(page).locator('.survey').count()).toBe(0);
    expect(await badge(page, 'survey').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says so when the answer cannot be sent, keeps the score chosen, and sends it on the next try', async () => {
    const surveyId = await npsSurvey();
    const { context, page, problems } = await shopper(demo);
    await page.goto(`${app.url}/dev/storefront`);
    await expectBadgeSeen(page, 'survey');
    await launcher(page).click();
    const card = dialog(page).locator('.survey');
    await expect.poll(() => card.getByRole('radio', { name: '3 out of 10' }).count(), { timeout: 10_000 }).toBe(1);
    await card.locator('label', { has: page.getByRole('radio', { name: '3 out of 10' }) }).click();
    await page.route('**/apps/tally/surveys/*/responses', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{}' }),
    );
    await card.getByRole('button', { name: 'Send answer' }).click();
    const alert = card.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe("We couldn't send your answer. Please try again.");
    await expectReallyVisible(alert);
    expect(await card.locator('input[name=nps]:checked').getAttribute('value')).toBe('3');
    expect(await card.getByRole('button', { name: 'Send answer' }).isEnabled()).toBe(true);
    expect(await app.prisma.surveyResponse.count({ where: { surveyId } })).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/survey-error.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.unroute('**/apps/tally/surveys/*/responses');
    await card.getByRole('button', { name: 'Send answer' }).click();
    await expect.poll(() => dialog(page).locator('.survey[role=status]').textContent(), { timeout: 15_000 }).toContain('+50 points');
    expect((await app.prisma.surveyResponse.findFirstOrThrow({ where: { surveyId, memberId: demo.id } })).answers).toEqual({ nps: 3 });
    expect(
      problems.filter((p) => !p.includes('500')),
      problems.join('\n'),
    ).toEqual([]);
    await context.close();
  });

  it('puts the badge clear of the icon in both launcher positions, on desktop and mobile', async () => {
    await npsSurvey();
    const saved = (await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } })).widget;
    try {
      for (const position of LAUNCHER_POSITIONS) {
        const widget = { ...DEFAULT_WIDGET_SETTINGS, launcher: { ...DEFAULT_WIDGET_SETTINGS.launcher, position, icon: 'heart' } };
        await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { widget } });
        app.programs.forget(DEV_SHOP);
        for (const viewport of [
          { width: 1280, height: 900 },
          { width: 390, height: 844 },
        ]) {
          const context = await browser.newContext({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
          await context.addCookies([{ name: 'tally_dev_customer', value: numericId(demo.customerId), url: app.url }]);
          const page = await context.newPage();
          const { problems } = collectPageProblems(page);
          await page.goto(`${app.url}/dev/storefront/products/rain-jacket`);
          await expectBadgeSeen(page, 'survey');
          // On the launcher's corner, away from the screen's edge.
          const { x, width } = (await badge(page, 'survey').boundingBox())!;
          expect(x >= 0 && x + width <= viewport.width, `${position} ${viewport.width}`).toBe(true);
          await page.screenshot({ path: `${ARTIFACTS}/survey-badge-${position}-${viewport.width}.png` });
          expect(problems, `${position} ${viewport.width}`).toEqual([]);
          await context.close();
        }
      }
    } finally {
      await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { widget: saved as object } });
      app.programs.forget(DEV_SHOP);
    }
  });

  it('never stands in the way: when the survey request fails the panel works, without badge or card', async () => {
    await npsSurvey();
    const { context, page, problems } = await shopper(demo);
    let asked = 0;
    await page.route('**/apps/tally/surveys/next*', (route) => {
      asked++;
      return route.fulfill({ status: 500, contentType: 'application/json', body: '{}' });
    });
    await page.goto(`${app.url}/dev/storefront`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expect.poll(() => dialog(page).locator('[data-action="redeem"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // Asked, and failed: no card, no badge.
    expect(asked).toBeGreaterThan(0);
    expect(await dialog(page).locator('.survey').count()).toBe(0);
    expect(await badge(page, 'survey').count()).toBe(0);
    // The only trace is the browser's own line about the failed request.
    expect(
      problems.every((p) => p.includes('500')),
      problems.join('\n'),
    ).toBe(true);
    await context.close();
  });
});

/** Each kind's reason as a shopper reads it, per language (the points already formatted). */
const REASONS: Record<string, Record<string, (r: { points: string; segment: string }) => string>> = {
  en: {
    affordable: () => 'You can get this now',
    close: ({ points }) => `You're ${points} away`,
    like_before: () => 'Like the one you redeemed before',
    collection: () => 'From a collection you bought from',
    segment: ({ segment }) => `Only for our ${segment}`,
  },
  de: {
    affordable: () => 'Jetzt einlösbar',
    close: ({ points }) => `Nur noch ${points} entfernt`,
    like_before: () => 'Wie die Prämie, die du schon eingelöst hast',
    collection: () => 'Aus einer Kollektion, in der du gekauft hast',
    segment: ({ segment }) => `Nur für unsere ${segment}`,
  },
};
const POINTS: Record<string, (n: number) => string> = {
  en: (n) => `${n.toLocaleString('en')} points`,
  de: (n) => `${n.toLocaleString('de')} Punkte`,
};

type Rec = { rewardId: string; kind: string; reason: string; pointsAway?: number; segmentName?: string };

describe('recommended rewards', () => {
  it('come first in the panel, in the order the server gives, each with its reason, in English and German', async () => {
    // A known balance between the rewards' costs: some affordable, some a known number of points away.
    const costs = (await app.prisma.reward.findMany({ where: { shop: DEV_SHOP, enabled: true } }))
      .map((r) => (r.config as { pointsCost?: number }).pointsCost)
      .filter((c): c is number => typeof c === 'number')
      .sort((a, b) => a - b);
    const known = costs[0]! + 100;
    expect(costs.some((c) => c > known)).toBe(true);
    await setBalance(fresh, known);
    const { recommendations } = await proxy<{ recommendations: Rec[] }>(fresh, '/member');
    const { rewards } = await proxy<{ rewards: Array<{ id: string; name: string; pointsCost?: number }> }>(fresh, '/rewards');
    expect(recommendations.map((r) => r.kind)).toContain('affordable');
    expect(recommendations.map((r) => r.kind)).toContain('close');
    const name = (id: string) => rewards.find((r) => r.id === id)!.name;
    for (const rec of recommendations.filter((r) => r.kind === 'close'))
      expect(rec.pointsAway).toBe(rewards.find((r) => r.id === rec.rewardId)!.pointsCost! - known);

    for (const locale of ['en', 'de']) {
      const { context, page, problems } = await shopper(fresh);
      await page.goto(`${app.url}/dev/storefront?locale=${locale}`);
      await expectReallyVisible(launcher(page));
      await launcher(page).click();
      const picked = dialog(page).locator('ul.picked > li');
      await expect.poll(() => picked.count(), { message: locale, timeout: 10_000 }).toBe(recommendations.length);
      const shown = await picked.evaluateAll((rows) =>
        rows.map((li) => ({ name: li.querySelector('.name')!.textContent, reason: li.querySelector('.reason')!.textContent })),
      );
      expect(shown, locale).toEqual(
        recommendations.map((rec) => ({
          name: name(rec.rewardId),
          reason: REASONS[locale]![rec.kind]!({ points: POINTS[locale]!(rec.pointsAway ?? 0), segment: rec.segmentName ?? '' }),
        })),
      );
      // The group heads the rewards section, above "ready" and "almost there".
      const headings = await dialog(page).locator('section h4').allTextContents();
      expect(headings[0], locale).toBe(locale === 'en' ? 'Picked for you' : 'Für dich ausgewählt');
      await expectReallyVisible(picked.first().locator('.reason'));
      await picked.first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${ARTIFACTS}/recommendations-${locale}.png` });
      expect(await seriousA11yViolations(page), locale).toEqual([]);
      expect(problems, locale).toEqual([]);
      await context.close();
    }
  });
});

describe('the launcher nudge for a reward within reach', () => {
  it('appears after the balance crossed a reward’s cost between two visits, and clears when the panel opens', async () => {
    const rewards = (await app.prisma.reward.findMany({ where: { shop: DEV_SHOP, enabled: true } }))
      .map((r) => ({ id: r.id, cost: (r.config as { pointsCost?: number }).pointsCost }))
      .filter((r): r is { id: string; cost: number } => typeof r.cost === 'number')
      .sort((a, b) => a.cost - b.cost);
    const target = rewards[1]!; // the second cheapest: out of reach at first, then within it
    await setBalance(fresh, target.cost - 50);
    const { context, page, problems } = await shopper(fresh);

    // First visit: the panel shows the rewards; nothing to nudge about.
    await page.goto(`${app.url}/dev/storefront`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expect.poll(() => dialog(page).locator('.available').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('tally_seen'))).toContain(target.id);
    await page.keyboard.press('Escape');
    expect(await badge(page, 'nudge').count()).toBe(0);

    // Between visits the balance crosses the reward's cost.
    await setBalance(fresh, target.cost + 10);
    await page.goto(`${app.url}/dev/storefront/products/rain-jacket`);
    await expectBadgeSeen(page, 'nudge');
    expect(await badge(page, 'nudge').getAttribute('aria-label')).toBe('A new reward is within your reach');
    await expect.poll(() => page.getByRole('button', { name: /A new reward is within your reach/ }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/nudge-launcher.png` });
    await page.screenshot({ path: `${ARTIFACTS}/nudge-launcher-zoom.png`, clip: { x: 1280 - 420, y: 900 - 120, width: 420, height: 120 } });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await launcher(page).click();
    expect(await whyNotVisible(badge(page, 'nudge'))).toBe('no element matches');
    await expect
      .poll(
        () =>
          dialog(page)
            .getByRole('button', { name: /^Redeem/ })
            .count(),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(1);
    await page.keyboard.press('Escape');
    // Seen: the next page does not nudge again.
    await page.goto(`${app.url}/dev/storefront`);
    await expectReallyVisible(launcher(page));
    await page.waitForFunction(() => customElements.get('tally-widget'));
    await page.waitForTimeout(500);
    expect(await badge(page, 'nudge').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('remembers nothing where the shopper has not consented to preferences (Customer Privacy API)', async () => {
    await setBalance(fresh, 100);
    const { context, page, problems } = await shopper(fresh, () => {
      (window as unknown as { Shopify: object }).Shopify = {
        customerPrivacy: { analyticsProcessingAllowed: () => false, preferencesProcessingAllowed: () => false },
      };
    });
    await page.goto(`${app.url}/dev/storefront`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expect.poll(() => dialog(page).locator('.available').count(), { timeout: 10_000 }).toBe(1);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => localStorage.getItem('tally_seen'))).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });
});
