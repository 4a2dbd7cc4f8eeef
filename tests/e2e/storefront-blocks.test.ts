// The storefront's app blocks and panel as a shopper reads them, in a real
// Chromium on the dev storefront (the real extension, app-proxy calls signed
// like Shopify's): the product block's two sentences, one balance on the page
// after a redemption, the cart block showing what belongs at the cart, the
// code box naming its reward, and the tiers ladder with perks. Everything a
// test calls visible is checked with tests/helpers/visible.ts.
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { STOREFRONT_LOCALES } from '../../web/loyalty/domain/widget.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectReallyVisible, expectVisibleAfterScroll } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';

let demo: { id: string; customerId: string };
const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
});

async function shopper(
  loggedIn: boolean,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  if (loggedIn) await context.addCookies([{ name: 'tally_dev_customer', value: demo.customerId.split('/').pop()!, url: app.url }]);
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  return { context, page, problems };
}

const points = async () => (await app.prisma.member.findUniqueOrThrow({ where: { id: demo.id } })).pointsAvailable;

describe('the product block', () => {
  it('says what the purchase earns and what the member has as two sentences, in every language', async () => {
    for (const { code } of STOREFRONT_LOCALES) {
      const { context, page, problems } = await shopper(true);
      await page.goto(`${app.url}/dev/storefront/products/merino-beanie?locale=${code}`);
      const block = page.locator('.tally-product-points');
      const [earn, balance] = [block.locator('p > span').first(), block.locator('.tally-balance')];
      await expectReallyVisible(earn);
      await expectReallyVisible(balance);
      // Each is a sentence of its own: the first ends with its full stop, the balance starts on its own line.
      expect((await earn.innerText()).trim(), code).toMatch(/[.。]$/);
      expect((await balance.innerText()).trim(), code).toMatch(/[.。]$/);
      expect((await balance.innerText()).trim(), code).toContain(String(await points()));
      const [a, b] = [(await earn.boundingBox())!, (await balance.boundingBox())!];
      expect(b.y, code).toBeGreaterThanOrEqual(a.y + a.height - 1);
      expect(await block.innerText(), code).not.toMatch(/translation missing|\{\{/);
      if (code === 'en' || code === 'zh-CN') await block.screenshot({ path: `${ARTIFACTS}/product-points-${code}.png` });
      expect(problems, code).toEqual([]);
      await context.close();
    }
  });
});

const launcher = (page: Page) => page.locator('tally-widget[data-floating] .launcher');
const dialog = (page: Page) => page.getByRole('dialog');
const en = (n: number) => `${n.toLocaleString('en')} points`;

/** A cart holding the rain jacket ($129.00), as the shopper's "Add to cart" makes it. */
async function fillCart(page: Page) {
  await page.goto(`${app.url}/dev/storefront/products/rain-jacket`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.waitForURL('**/dev/storefront/cart');
}

describe('one balance on the page', () => {
  it('after redeeming in the cart block: the cart block, its panel and the launcher all say the new balance', async () => {
    const { context, page, problems } = await shopper(true);
    await fillCart(page);
    const before = await points();
    const block = page.locator('.app-block tally-widget');
    await expectVisibleAfterScroll(block.locator('[data-tally-points]'));
    expect(await block.locator('[data-tally-points]').textContent()).toBe(`${before} points`);
    await block.locator('[data-action="toggle"]').click();
    await block.getByRole('button', { name: 'Redeem Free shipping for 300 points' }).click();
    await expect.poll(() => block.locator('.code-value').textContent(), { timeout: 15_000 }).toMatch(/^[A-Z0-9-]{6,}$/);
    const after = before - 300;
    expect(await points()).toBe(after);
    // Every balance on the page, painted by Liquid or by the panel, says the same.
    await expect.poll(() => block.locator('p [data-tally-points]').textContent()).toBe(en(after));
    expect(await block.locator('.available').textContent()).toBe(en(after));
    expect(await launcher(page).locator('[data-tally-points]').textContent()).toBe(en(after));
    await expectVisibleAfterScroll(block.locator('p [data-tally-points]'));
    await page.screenshot({ path: `${ARTIFACTS}/cart-after-redeem.png`, fullPage: true });
    // The launcher's panel, opened afterwards, too.
    await launcher(page).click();
    await expect.poll(() => dialog(page).locator('.available').textContent()).toBe(en(after));
    await expectReallyVisible(dialog(page).locator('.available'));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('after redeeming in the launcher on the account page: the member card and the launcher follow', async () => {
    const { context, page, problems } = await shopper(true);
    await page.goto(`${app.url}/dev/storefront/account`);
    const before = await points();
    const card = page.locator('.app-block tally-widget [data-tally-points="available"]');
    await expectReallyVisible(card);
    await launcher(page).click();
    await dialog(page).getByRole('button', { name: 'Redeem Free shipping for 300 points' }).click();
    await expect.poll(() => dialog(page).locator('.code-value').textContent(), { timeout: 15_000 }).toMatch(/^[A-Z0-9-]{6,}$/);
    const after = before - 300;
    await expect.poll(() => card.textContent()).toBe(en(after));
    expect(await launcher(page).locator('[data-tally-points]').textContent()).toBe(en(after));
    expect(await dialog(page).locator('.available').textContent()).toBe(en(after));
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the cart block', () => {
  it('shows only what belongs at the cart: the balance, the rewards that fit this cart, and the code for this cart, named', async () => {
    // A code this $129 cart is too small for, and store credit (not a code for the cart): neither is offered here.
    const created = await Promise.all([
      app.prisma.reward.create({
        data: {
          shop: DEV_SHOP,
          type: 'fixed-amount',
          name: 'Big basket 50 off',
          config: { pointsCost: 100, amountMinor: 5000, minimumSubtotalMinor: 100_000 },
        },
      }),
      app.prisma.reward.create({
        data: { shop: DEV_SHOP, type: 'store-credit', name: 'Store credit 1', config: { pointsCost: 100, amountMinor: 100 } },
      }),
    ]);
    try {
      const { context, page, problems } = await shopper(true);
      await fillCart(page);
      const block = page.locator('.app-block tally-widget');
      await block.locator('[data-action="toggle"]').click();
      await expect.poll(() => block.locator('.available').textContent()).toBe(en(await points()));
      const panel = block.locator('[data-body]');
      const text = (await panel.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain('Rewards for this cart');
      expect(text).toContain('Free shipping for 300 points');
      expect(text).not.toContain('Big basket 50 off');
      expect(text).not.toContain('Store credit 1');
      for (const elsewhere of ['Refer a friend', 'Recent activity', 'Ways to earn', 'Your referral link', 'Tiers'])
        expect(text).not.toContain(elsewhere);
      await block.getByRole('button', { name: 'Redeem Free shipping for 300 points' }).click();
      const box = block.locator('.code');
      await expect.poll(() => box.locator('.code-value').textContent(), { timeout: 15_000 }).toMatch(/^[A-Z0-9-]{6,}$/);
      expect(await box.innerText()).toContain('Your discount code for Free shipping for 300 points');
      await expectVisibleAfterScroll(box.locator('.code-value'));
      await page.screenshot({ path: `${ARTIFACTS}/cart-block.png`, fullPage: true });
      const issued = await box.locator('.code-value').textContent();
      await box.getByRole('link', { name: 'Apply to cart' }).click();
      await page.waitForURL('**/dev/storefront/cart');
      expect(await page.getByTestId('applied-code').textContent()).toBe(issued);
      // Back at the cart, the block says which code is on it.
      const applied = page.locator('.app-block tally-widget [data-applied]');
      await expectVisibleAfterScroll(applied);
      expect(await applied.textContent()).toBe(`Code ${issued} is on this cart.`);
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await app.prisma.reward.updateMany({ where: { id: { in: created.map((r) => r.id) } }, data: { enabled: false } });
    }
  });
});

describe('tiers in the panel', () => {
  it('shows the member their tier perks and the ladder of tiers (names, thresholds, perks, where they are); guests see the ladder', async () => {
    const tiers = await app.prisma.tier.findMany({ where: { shop: DEV_SHOP }, orderBy: { threshold: 'asc' } });
    const { tierId } = await app.prisma.member.findUniqueOrThrow({ where: { id: demo.id } });
    const held = tiers.find((t) => t.id === tierId)!;
    const top = tiers.at(-1)!;
    expect(held.id).not.toBe(top.id);
    const saved = new Map(tiers.map((t) => [t.id, t.perks as object]));
    await app.prisma.tier.update({
      where: { id: held.id },
      data: { perks: { ...(held.perks as object), multiplier: '1.25', birthdayBonus: 100 } },
    });
    await app.prisma.tier.update({
      where: { id: top.id },
      data: { perks: { ...(top.perks as object), multiplier: '1.5', freeShipping: true } },
    });
    app.programs.forget(DEV_SHOP);
    try {
      for (const loggedIn of [true, false]) {
        const { context, page, problems } = await shopper(loggedIn, { width: 390, height: 844 });
        await page.goto(`${app.url}/dev/storefront`);
        await launcher(page).click();
        const ladder = dialog(page).locator('.ladder');
        await expect.poll(() => ladder.locator('li.rung').count()).toBe(tiers.length);
        const rungs = await ladder.locator('li.rung .name').allTextContents();
        expect(rungs).toEqual(tiers.map((t) => t.name));
        const text = (await ladder.innerText()).replace(/\s+/g, ' ');
        expect(text).toContain('Where every member starts');
        expect(text).toContain(`From ${tiers[1]!.threshold.toLocaleString('en')} points earned`);
        expect(text).toContain('1.5× points on every order');
        expect(text).toContain('Free shipping');
        const here = ladder.locator('[aria-current="step"]');
        if (loggedIn) {
          expect(await here.locator('.name').textContent()).toBe(held.name);
          await expectVisibleAfterScroll(here.locator('.you'));
          expect(await here.locator('.you').textContent()).toBe('You are here');
          const perks = (await dialog(page).locator('.tiers').innerText()).replace(/\s+/g, ' ');
          expect(perks).toContain('Your perks');
          expect(perks).toContain('1.25× points on every order');
          expect(perks).toContain('100 points extra on your birthday');
          await expectVisibleAfterScroll(dialog(page).locator('.tiers .perks'));
        } else {
          expect(await here.count()).toBe(0);
          await expectVisibleAfterScroll(ladder.locator('li.rung').last());
        }
        await page.screenshot({ path: `${ARTIFACTS}/ladder-${loggedIn ? 'member' : 'guest'}.png` });
        expect(problems).toEqual([]);
        await context.close();
      }
    } finally {
      for (const [id, perks] of saved) await app.prisma.tier.update({ where: { id }, data: { perks } });
      app.programs.forget(DEV_SHOP);
    }
  });
});
