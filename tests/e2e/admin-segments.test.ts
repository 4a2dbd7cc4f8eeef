// The Segments page in a real Chromium: the eleven RFM segments, the builder
// whose count and sample of members follow each change of its conditions
// (POST /segments/preview), a saved segment in the list, its Shopify sync
// switch; the member page's Segments card. Visible as a person sees it
// (computed style, size, elementFromPoint), axe clean.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { refreshMemberships } from '../../web/segments/membership.js';
import { recomputeRfm } from '../../web/segments/rfm.js';
import { recordResponse } from '../../web/surveys/responses.js';
import { adminApi } from '../helpers/admin.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { SCREENSHOT_ARTIFACTS_DIR } from '../helpers/screenshots.js';
import { expectReallyVisible, expectVisibleAfterScroll } from '../helpers/visible.js';

const app = useTestApp({ frontend: true });
const browser = useBrowser();
const api = () => adminApi(app.url, DEV_SHOP);

beforeAll(() => mkdirSync(SCREENSHOT_ARTIFACTS_DIR, { recursive: true }));

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
  return { page, problems };
}

/** What the preview endpoint counts for `rules`: the number the page must show. */
const countOf = async (rules: unknown) => {
  const res = await api()('POST', '/segments/preview', { rules });
  expect(res.status, res.text).toBe(200);
  return res.body.count as number;
};

describe('Segments page', () => {
  it('builds a segment with the live count and sample following the conditions, saves it, axe clean', async () => {
    const { page, problems } = await open('/segments');
    const champions = page.getByTestId('rfm-champions');
    await champions.waitFor({ timeout: 30_000 });
    await expectReallyVisible(champions);
    expect(await champions.textContent()).toBe('Champions');
    expect(await page.locator('[data-testid^="rfm-"]').count()).toBe(11);
    // The navigation names the page.
    await expectReallyVisible(page.getByRole('link', { name: 'Segments' }).first());
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'New segment' }).click();
    const count = page.getByTestId('segment-preview-count');
    await expectReallyVisible(count);
    // The first condition: points available at least 500.
    const at500 = await countOf({ all: [{ field: 'pointsAvailable', op: 'gte', value: 500 }] });
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe(`${at500} members match`);

    // Lowering the threshold changes the count as it is typed.
    const value = page.getByLabel('Value of condition 1');
    await value.fill('1');
    const at1 = await countOf({ all: [{ field: 'pointsAvailable', op: 'gte', value: 1 }] });
    expect(at1).toBeGreaterThan(at500);
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe(`${at1} members match`);
    const sample = page.getByTestId('segment-preview-sample');
    await expectVisibleAfterScroll(sample);
    expect(await sample.locator('li').count()).toBe(Math.min(10, at1));
    const firstName = sample.locator('li span').first();
    await expectReallyVisible(firstName);
    const style = await firstName.evaluate((el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return { color: s.color, fontSize: parseFloat(s.fontSize), width: r.width, height: r.height };
    });
    expect(style.fontSize).toBeGreaterThanOrEqual(12);
    expect(style.width).toBeGreaterThan(20);
    expect(style.color).not.toBe('rgba(0, 0, 0, 0)');

    // A second condition joined by "all": fewer or as many members.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Value of condition 2').fill('2');
    const both = await countOf({
      all: [
        { field: 'pointsAvailable', op: 'gte', value: 1 },
        { field: 'ordersCount', op: 'gte', value: 2 },
      ],
    });
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe(`${both} members match`);
    // "any" instead: more or as many.
    await page.getByLabel('Members match').selectOption('any');
    const either = await countOf({
      any: [
        { field: 'pointsAvailable', op: 'gte', value: 1 },
        { field: 'ordersCount', op: 'gte', value: 2 },
      ],
    });
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe(`${either} members match`);
    expect(either).toBeGreaterThanOrEqual(both);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/segments-builder.png`, fullPage: true });

    // Saved: it is listed with its count, and synced to Shopify when asked.
    await page.getByLabel('Name', { exact: true }).fill('Active buyers');
    await page.getByLabel('Sync to Shopify', { exact: true }).check();
    await page.getByRole('button', { name: 'Save segment' }).click();
    const row = page.getByTestId('segment-active-buyers');
    await row.waitFor({ timeout: 15_000 });
    await expectVisibleAfterScroll(row);
    const saved = (await api()('GET', '/segments')).body.segments.find((s: { handle: string }) => s.handle === 'active-buyers');
    expect(saved).toMatchObject({ name: 'Active buyers', members: either, syncToShopify: true, rules: { any: expect.any(Array) } });
    expect(await page.getByRole('checkbox', { name: 'Sync Active buyers to Shopify' }).isChecked()).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('builds a segment of NPS detractors from members’ latest answers, counted as the API counts it', async () => {
    // Three members answer an NPS survey: two detractors (3, then one who changes 9 → 6), one promoter.
    const created = await api()('POST', '/surveys', { type: 'nps', name: 'Segments NPS', trigger: { kind: 'manual' } });
    expect(created.status, created.text).toBe(201);
    const members = await app.prisma.member.findMany({ where: { shop: DEV_SHOP, redactedAt: null }, orderBy: { id: 'asc' }, take: 3 });
    const answer = (memberId: string, nps: number) =>
      recordResponse(
        { pool: app.db.pool, programs: app.programs },
        { shop: DEV_SHOP, surveyId: created.body.survey.id, respondent: { memberId }, answers: { nps }, channel: 'admin' },
      );
    await answer(members[0]!.id, 3);
    await answer(members[1]!.id, 9);
    await answer(members[1]!.id, 6);
    await answer(members[2]!.id, 10);
    const detractors = await countOf({ all: [{ field: 'npsBand', op: 'eq', value: 'detractor' }] });
    expect(detractors).toBe(2);

    const { page, problems } = await open('/segments');
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByLabel('Field of condition 1').selectOption('npsBand');
    const band = page.getByLabel('Value of condition 1');
    await expectReallyVisible(band.locator('xpath=..'));
    expect(await band.inputValue()).toBe('detractor');
    const count = page.getByTestId('segment-preview-count');
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('2 members match');
    await band.selectOption('promoter');
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('1 member matches');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the member page shows the member's segments and RFM scores", async () => {
    // What the nightly refresh does (the job's two steps), so the demo members have scores and segments now.
    await recomputeRfm(app.db.pool, DEV_SHOP);
    await refreshMemberships(app.db.pool, DEV_SHOP);
    const segments = (await api()('GET', '/segments')).body.segments as Array<{
      id: string;
      handle: string;
      name: string;
      members: number;
    }>;
    const rfm = segments.find((s) => s.id.startsWith('rfm:') && s.members > 0)!;
    const memberId = (await api()('GET', `/segments/${rfm.id}/members?limit=1`)).body.members[0].id as string;
    const { page, problems } = await open(`/members/${memberId}`);
    const card = page.getByTestId('member-rfm');
    await card.waitFor({ timeout: 30_000 });
    await expectVisibleAfterScroll(card);
    expect(await card.textContent()).toMatch(new RegExp(`^RFM: ${rfm.name} \\(R \\d · F \\d · M \\d\\)$`));
    const badge = page.getByText(rfm.name, { exact: true }).last();
    await expectVisibleAfterScroll(badge);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
