// The storefront widget in a real Chromium on the dev storefront, which
// renders the real extension and signs app-proxy calls like Shopify: a guest
// sees the program, a member sees their points and redeems a reward, the code
// goes on the cart; keyboard only; every language. axe-core runs on each
// state (no serious or critical violation) and each state is saved as a
// screenshot in tests/e2e/artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { reviewTier } from '../../web/loyalty/tiers.js';
import { releaseOrder } from '../../web/loyalty/order-points.js';
import { useBrowser, useTestApp, withProgramSettings } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';
import { credit } from '../integration/jobs/support.js';
import { expectReallyVisible, whyNotVisible } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let demo: { id: string; customerId: string; firstName: string | null };
// The demo shopper redeems some 16 times within about a minute here, beyond the per-customer
// limit (10 a minute; tested in tests/integration/storefront-rate-limits.test.ts): limits off.
const app = useTestApp({ env: { TALLY_WORKER: 'false', TALLY_RATE_LIMITS: 'off' } });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
});

/** Serious and critical axe-core violations on the page (with the panel's state as it is). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  type AxeResult = { passes: unknown[]; violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> };
  const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run());
  // axe really ran its rules (colour contrast, names, ARIA) on the page.
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function shopper(loggedIn: boolean): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (loggedIn) await context.addCookies([{ name: 'tally_dev_customer', value: demo.customerId.split('/').pop()!, url: app.url }]);
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  return { context, page, problems };
}

const numericId = (gid: string) => gid.split('/').pop()!;
const launcher = (page: Page) => page.locator('tally-widget[data-floating] [data-action="toggle"]');
const dialog = (page: Page) => page.getByRole('dialog');
const points = async () => (await app.prisma.member.findUniqueOrThrow({ where: { id: demo.id } })).pointsAvailable;

describe('storefront widget', () => {
  it('shows a guest what the program offers, with join and log-in links', async () => {
    const { context, page, problems } = await shopper(false);
    await page.goto(`${app.url}/dev/storefront/products/rain-jacket`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expectReallyVisible(dialog(page));
    await expect.poll(() => dialog(page).textContent()).toContain('Join Tally Rewards');
    await expect
      .poll(() => dialog(page).getByRole('link', { name: 'Join now' }).getAttribute('href'))
      .toBe('/dev/storefront/account/register');
    expect(
      await dialog(page)
        .getByRole('button', { name: /^Redeem/ })
        .count(),
    ).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/guest.png` });
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await whyNotVisible(page.locator('tally-widget[data-floating] dialog'))).toMatch(/display: none/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a member their points, redeems a reward in one click and applies the code to the cart', async () => {
    const { context, page, problems } = await shopper(true);
    await page.goto(`${app.url}/dev/storefront/products/merino-beanie`);
    const before = await points();
    // First paint: the balance is on the launcher before any request.
    await expect.poll(() => launcher(page).textContent()).toContain(`${before} points`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expectReallyVisible(dialog(page));
    await expect.poll(() => dialog(page).locator('.available').textContent()).toBe(`${before.toLocaleString('en')} points`);
    await expect.poll(() => dialog(page).textContent()).toContain(`Hi ${demo.firstName}`);
    expect(await dialog(page).textContent()).toContain('Recent activity');
    // The tier the engine gives the member, and the way to the next one.
    const { tierId } = await app.prisma.member.findUniqueOrThrow({ where: { id: demo.id } });
    const tier = await app.prisma.tier.findUniqueOrThrow({ where: { id: tierId! } });
    expect(await dialog(page).locator('.tier').textContent()).toBe(`Your tier: ${tier.name}`);
    const higher = await app.prisma.tier.findFirst({
      where: { shop: DEV_SHOP, threshold: { gt: tier.threshold } },
      orderBy: { threshold: 'asc' },
    });
    expect(higher).not.toBeNull();
    expect(await dialog(page).locator('.next-tier').textContent()).toMatch(
      new RegExp(`^Earn [\\d,]+ points? more to reach ${higher!.name}$`),
    );
    // Referrals are on in the demo program: the member's own link, with copy and share.
    const link = await dialog(page).getByLabel('Your referral link').inputValue();
    const fromApi = await (
      await fetch(`${app.url}/apps/tally/member`, { headers: { cookie: `tally_dev_customer=${demo.customerId.split('/').pop()}` } })
    ).json();
    expect(link).toBe(fromApi.member.referral.url);
    expect(await dialog(page).getByRole('button', { name: 'Copy link' }).count()).toBe(1);
    // This browser's device cookie was sent and is remembered as the member's (self-referral checks).
    const device = (await context.cookies()).find((c) => c.name === 'tally_device')?.value;
    expect(device).toMatch(/^[0-9a-f-]{36}$/);
    expect(await app.prisma.memberDevice.count({ where: { shop: DEV_SHOP, memberId: demo.id, deviceId: device } })).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/member.png` });
    expect(await axeViolations(page)).toEqual([]);

    await dialog(page).getByRole('button', { name: 'Redeem Free shipping for 300 points' }).click();
    const code = dialog(page).locator('.code-value');
    await expect.poll(() => code.textContent(), { timeout: 15_000 }).toMatch(/^[A-Z0-9-]{6,}$/);
    const issued = (await code.textContent())!;
    await expectReallyVisible(code);
    await expect.poll(() => dialog(page).locator('.available').textContent()).toBe(`${(before - 300).toLocaleString('en')} points`);
    expect(await points()).toBe(before - 300);
    await page.screenshot({ path: `${ARTIFACTS}/redeemed.png` });
    expect(await axeViolations(page)).toEqual([]);

    await dialog(page).getByRole('link', { name: 'Apply to cart' }).click();
    await page.waitForURL('**/dev/storefront/cart');
    expect(await page.getByTestId('applied-code').textContent()).toBe(issued);
    // The redemption really exists in Shopify's (stand-in) discount codes, restricted to this member.
    const redemption = await app.prisma.redemption.findFirstOrThrow({ where: { shop: DEV_SHOP, code: issued } });
    expect(redemption.memberId).toBe(demo.id);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('redeems every reward type from the panel: a working code for discounts, a confirmation for store credit and donations', async () => {
    const variantId = 'gid://shopify/ProductVariant/5151';
    app.standin!.control.upsertVariant(DEV_SHOP, { id: variantId, title: 'Enamel mug', price: '12.50' });
    const created = await Promise.all(
      [
        { type: 'free-product', name: 'Free enamel mug', config: { pointsCost: 400, variantId } },
        {
          type: 'points-slider',
          name: 'Points slider',
          config: { pointsStep: 100, amountPerStepMinor: 100, minPoints: 100, maxPoints: 1000 },
        },
        { type: 'store-credit', name: 'Store credit 10', config: { pointsCost: 1000, amountMinor: 1000 } },
        { type: 'donation', name: 'Plant a tree', config: { pointsCost: 200, amountMinor: 200, cause: 'One Tree Planted' } },
      ].map((r) => app.prisma.reward.create({ data: { shop: DEV_SHOP, ...r } })),
    );
    await app.prisma.$transaction((tx) =>
      adjust(tx, {
        shop: DEV_SHOP,
        memberId: demo.id,
        points: 10_000,
        reason: 'e2e: every reward',
        actor: 'test',
        idempotencyKey: `e2e-every-reward-${Date.now()}`,
      }),
    );
    const byCode = ['5 off for 500 points', '10% off for 1000 points', 'Free shipping for 300 points', 'Free enamel mug', 'Points slider'];
    const byConfirmation = ['Store credit 10', 'Plant a tree'];
    try {
      for (const name of [...byCode, ...byConfirmation]) {
        const { context, page } = await shopper(true);
        await page.goto(`${app.url}/dev/storefront`);
        await expectReallyVisible(launcher(page));
        await launcher(page).click();
        await expectReallyVisible(dialog(page));
        const redeem = dialog(page).getByRole('button', { name: `Redeem ${name}` });
        await expect.poll(() => redeem.count(), { message: name, timeout: 15_000 }).toBe(1);
        if (name === 'Points slider')
          await dialog(page)
            .getByRole('spinbutton', { name: /Points slider/ })
            .fill('300');
        await redeem.click();
        const redemption = async () =>
          app.prisma.redemption.findFirst({ where: { memberId: demo.id, reward: { name } }, orderBy: { createdAt: 'desc' } });
        if (byCode.includes(name)) {
          const code = dialog(page).locator('.code-value');
          await expect.poll(() => code.textContent(), { message: name, timeout: 15_000 }).toMatch(/^[A-Z0-9-]{6,}$/);
          // A working code: Shopify (the stand-in) holds it, active.
          const issued = (await code.textContent())!;
          await expectReallyVisible(code);
          expect(
            app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === issued),
            name,
          ).toMatchObject({ status: 'ACTIVE' });
          if (name === 'Points slider') expect((await redemption())?.points).toBe(300);
        } else {
          await expect
            .poll(() => dialog(page).textContent(), { message: name, timeout: 15_000 })
            .toContain('Done! Your reward is confirmed.');
          expect((await redemption())?.status, name).toBe('ISSUED');
        }
        await context.close();
      }
      const [credit] = app.standin!.state.storeCredit(DEV_SHOP, demo.customerId);
      expect(Number(credit?.balance)).toBeGreaterThanOrEqual(10);
    } finally {
      await app.prisma.reward.updateMany({ where: { id: { in: created.map((r) => r.id) } }, data: { enabled: false } });
    }
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it('works with the keyboard alone: open, Tab stays inside, redeem, Escape returns focus to the launcher', async () => {
    const { context, page, problems } = await shopper(true);
    await page.goto(`${app.url}/dev/storefront`);
    const focusedIsLauncher = () =>
      page.evaluate(() => document.activeElement?.matches('tally-widget[data-floating] [data-action="toggle"]') ?? false);
    for (let i = 0; i < 30 && !(await focusedIsLauncher()); i++) await page.keyboard.press('Tab');
    expect(await focusedIsLauncher()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog(page).locator('[data-action="redeem"]').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('close');

    // Tab through everything in the panel: focus never leaves it and comes back round.
    const inside = () => page.evaluate(() => Boolean(document.activeElement?.closest('dialog')));
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      expect(await inside()).toBe(true);
      seen.add(await page.evaluate(() => document.activeElement!.outerHTML));
    }
    // ...and visits every control in it: close, each Redeem, links.
    const controls = await page.evaluate(() => document.querySelector('dialog')!.querySelectorAll('a[href],button,input,select').length);
    expect(controls).toBeGreaterThanOrEqual(3);
    expect(seen.size).toBe(controls);
    await page.keyboard.press('Shift+Tab');
    expect(await inside()).toBe(true);

    // Reach a Redeem button by Tab and press Enter: the code is shown and focused.
    for (let i = 0; i < 60; i++) {
      if ((await page.evaluate(() => document.activeElement?.getAttribute('data-action'))) === 'redeem') break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-action')), { timeout: 15_000 }).toBe('copy');
    await page.screenshot({ path: `${ARTIFACTS}/keyboard.png` });
    expect(await axeViolations(page)).toEqual([]);

    await page.keyboard.press('Escape');
    expect(await whyNotVisible(page.locator('tally-widget[data-floating] dialog'))).toMatch(/display: none/);
    expect(await focusedIsLauncher()).toBe(true);
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows a member's recent orders and the points about to expire in the open panel, to the eye, the keyboard and a screen reader", async () => {
    // A shopper whose two orders came through the order webhooks; the first one's points were released.
    const DAY = 86_400_000;
    const c = newCustomer('panel');
    const placed: Array<{ name: string; orderId: string; at: string }> = [];
    for (const [days, lines] of [
      [3, HUNDRED],
      [1, [{ title: 'Mug', priceMinor: 2500 }]],
    ] as const) {
      const o = order({ customer: c, lines: [...lines] });
      const at = new Date(Date.now() - days * DAY).toISOString();
      expect((await send(app.url, delivery('orders/paid', { ...o.payload, processed_at: at, created_at: at })))[0]!.status).toBe(200);
      placed.push({ name: o.payload.name as string, orderId: o.facts.orderId, at });
    }
    await app.prisma.$transaction((tx) => releaseOrder(tx, DEV_SHOP, placed[0]!.orderId));
    const pendingUntil = (
      await app.prisma.order.findUniqueOrThrow({ where: { shop_orderId: { shop: DEV_SHOP, orderId: placed[1]!.orderId } } })
    ).pointsAvailableAt!;
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
    const day = (d: Date | string) => new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(d));
    await withProgramSettings(app, DEV_SHOP, { expiry: { kind: 'after-earning', months: 12 }, expiringSoonDays: 14 }, async () => {
      const expiresAt = new Date(Date.now() + 3 * DAY);
      await credit(app, member.id, 30, new Date(Date.now() - 362 * DAY), expiresAt);

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'tally_dev_customer', value: numericId(c.id), url: app.url }]);
      const page = await context.newPage();
      const { problems } = collectPageProblems(page);
      await page.goto(`${app.url}/dev/storefront`);
      // Opened with the keyboard.
      await launcher(page).focus();
      await page.keyboard.press('Enter');
      await expectReallyVisible(dialog(page));

      const expiring = dialog(page).locator('.expiring');
      await expect.poll(() => expiring.textContent(), { timeout: 15_000 }).toBe(`30 points expire on ${day(expiresAt)}`);
      await expectReallyVisible(expiring);
      // A section a screen reader finds by its heading, with one list item per order.
      const heading = dialog(page).getByRole('heading', { name: 'Your recent orders', level: 3 });
      await heading.scrollIntoViewIfNeeded();
      await expectReallyVisible(heading);
      const items = dialog(page).locator('section.orders').getByRole('list').getByRole('listitem');
      expect((await items.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
        `${placed[1]!.name} ${day(placed[1]!.at)} +25 points pending until ${day(pendingUntil)}`,
        `${placed[0]!.name} ${day(placed[0]!.at)} +100 points available`,
      ]);
      for (let i = 0; i < 2; i++) {
        await items.nth(i).scrollIntoViewIfNeeded();
        await expectReallyVisible(items.nth(i));
      }
      await page.screenshot({ path: `${ARTIFACTS}/member-orders.png` });
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      expect(await whyNotVisible(page.locator('tally-widget[data-floating] dialog'))).toMatch(/display: none/);
      expect(problems).toEqual([]);
      await context.close();
    });
  });

  it('tells a member with pending points when they become available', async () => {
    const { context, page, problems } = await shopper(true);
    const sent = await fetch(`${app.url}/dev/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'order-paid', customerId: demo.customerId }),
    });
    expect(sent.status).toBe(200);
    await page.goto(`${app.url}/dev/storefront`);
    await expectReallyVisible(launcher(page));
    await launcher(page).click();
    await expectReallyVisible(dialog(page));
    await expect
      .poll(() => dialog(page).locator('.pending').textContent())
      .toMatch(/^[\d,]+ points pending, available from \w{3} \d{1,2}, \d{4}$/);
    await page.screenshot({ path: `${ARTIFACTS}/pending.png` });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('expands in place on the account page (member card) and the cart (redeem at cart)', async () => {
    const { context, page, problems } = await shopper(true);
    for (const path of ['/dev/storefront/account', '/dev/storefront/cart']) {
      await page.goto(`${app.url}${path}`);
      const block = page.locator('.app-block tally-widget');
      const toggle = block.locator('[data-action="toggle"]');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await expectReallyVisible(toggle);
      await toggle.click();
      await expect.poll(() => block.locator('.available').textContent()).toBe(`${(await points()).toLocaleString('en')} points`);
      // The account page expands the whole panel; the cart only what belongs at the cart (tests/e2e/storefront-blocks.test.ts).
      expect(await block.locator('section').count()).toBeGreaterThan(path.endsWith('cart') ? 0 : 2);
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await page.screenshot({ path: `${ARTIFACTS}/block-${path.split('/').pop()}.png`, fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('logs in, shows points and tier, redeems and applies the code in every storefront language', async () => {
    const languages: Record<string, { redeem: RegExp; code: string; activity: string; tier: string; apply: string }> = {
      en: {
        redeem: /^Redeem Free shipping/,
        code: 'Your discount code',
        activity: 'Recent activity',
        tier: 'Your tier: ',
        apply: 'Apply to cart',
      },
      'zh-CN': {
        redeem: /^兑换Free shipping/,
        code: '你的Free shipping for 300 points折扣码',
        activity: '最近动态',
        tier: '你的等级：',
        apply: '应用到购物车',
      },
      pl: {
        redeem: /^Odbierz: Free shipping/,
        code: 'Twój kod rabatowy',
        activity: 'Ostatnia aktywność',
        tier: 'Twój poziom: ',
        apply: 'Zastosuj w koszyku',
      },
      es: {
        redeem: /^Canjear Free shipping/,
        code: 'Tu código de descuento',
        activity: 'Actividad reciente',
        tier: 'Tu nivel: ',
        apply: 'Aplicar al carrito',
      },
      fr: {
        redeem: /^Échanger Free shipping/,
        code: 'Votre code de réduction',
        activity: 'Activité récente',
        tier: 'Votre niveau : ',
        apply: 'Appliquer au panier',
      },
      de: {
        redeem: /^Free shipping for 300 points einlösen/,
        code: 'Dein Rabattcode',
        activity: 'Letzte Aktivitäten',
        tier: 'Deine Stufe: ',
        apply: 'Im Warenkorb anwenden',
      },
    };
    // Enough points to redeem once in every language.
    const program = (await app.programs.get(DEV_SHOP))!;
    await app.prisma.$transaction(async (tx) => {
      await adjust(tx, {
        shop: DEV_SHOP,
        memberId: demo.id,
        points: 3000,
        reason: 'e2e balance',
        actor: 'test',
        idempotencyKey: `e2e:${demo.id}`,
      });
      // As the hourly tier review would: the member's tier follows the new lifetime points.
      await reviewTier(tx, program, demo.id, new Date());
    });
    for (const [locale, words] of Object.entries(languages)) {
      const { context, page, problems } = await shopper(false);
      await page.goto(`${app.url}/dev/storefront/account/login?locale=${locale}`);
      await page.locator('main form button').click();
      await page.waitForURL('**/dev/storefront/account');
      await expectReallyVisible(launcher(page));
      await launcher(page).click();
      await expectReallyVisible(dialog(page));
      await expect.poll(() => dialog(page).textContent(), { message: locale }).toContain(words.activity);
      const { tierId } = await app.prisma.member.findUniqueOrThrow({ where: { id: demo.id } });
      const tier = await app.prisma.tier.findUniqueOrThrow({ where: { id: tierId! } });
      expect(await dialog(page).locator('.tier').textContent(), locale).toBe(`${words.tier}${tier.name}`);
      const before = await points();
      await dialog(page).getByRole('button', { name: words.redeem }).click();
      await expect.poll(() => dialog(page).textContent(), { message: locale, timeout: 15_000 }).toContain(words.code);
      expect(await points()).toBe(before - 300);
      const panel = (await dialog(page).textContent())!;
      expect(panel, locale).not.toMatch(/\{\w+\}|translation missing/);
      await page.screenshot({ path: `${ARTIFACTS}/redeemed-${locale}.png` });
      expect(await axeViolations(page), locale).toEqual([]);
      const issued = await dialog(page).locator('.code-value').textContent();
      await dialog(page).getByRole('link', { name: words.apply }).click();
      await page.waitForURL('**/dev/storefront/cart');
      expect(await page.getByTestId('applied-code').textContent(), locale).toBe(issued);
      expect(problems, locale).toEqual([]);
      await context.close();
    }
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
