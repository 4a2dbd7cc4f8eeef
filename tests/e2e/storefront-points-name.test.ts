// Settings' name for points ("stars") as the shopper reads it, in a real
// Chromium on the dev storefront (the real extension, the shop metafield
// $app:tally.points_name as Tally syncs it, app-proxy calls signed like
// Shopify's): the launcher's balance, the product block, the cart block, the
// member card and the panel all count "stars", in every storefront language.
// Everything called visible is checked with tests/helpers/visible.ts.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { STOREFRONT_LOCALES } from '../../web/loyalty/domain/widget.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectReallyVisible, expectVisibleAfterScroll } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();
let demo: { id: string; customerId: string; pointsAvailable: number; pointsPending: number };
let settings: object;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
  settings = (await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } })).settings as object;
  await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { settings: { ...settings, currencyName: 'stars' } } });
  app.programs.forget(DEV_SHOP);
});

afterAll(async () => {
  await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { settings } });
  app.programs.forget(DEV_SHOP);
});

async function shopper(locale = 'en') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([
    { name: 'tally_dev_customer', value: demo.customerId.split('/').pop()!, url: app.url },
    { name: 'tally_dev_locale', value: locale, url: app.url },
  ]);
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  return { context, page, problems };
}

const stars = (n: number) => `${n} stars`;
/** Liquid paints 1038, the script the locale's 1,038 or 1 038: compared without digit grouping. */
const ungrouped = async (locator: Locator) => (await locator.textContent())?.replace(/(\d)[,.\s\u00a0\u202f](?=\d{3}\b)/g, '$1');
const launcherBalance = (page: Page) => page.locator('tally-widget[data-floating] .launcher [data-tally-points]');

describe("Settings' name for points on the storefront", () => {
  it('the launcher, the product block and the panel count stars', async () => {
    const { context, page, problems } = await shopper();
    await page.goto(`${app.url}/dev/storefront/products/merino-beanie`);
    await expectReallyVisible(launcherBalance(page));
    expect(await ungrouped(launcherBalance(page))).toBe(stars(demo.pointsAvailable));

    const block = page.locator('.tally-product-points');
    await expectReallyVisible(block.locator('p > span').first());
    expect(await block.locator('p > span').first().innerText()).toMatch(/^Earn \d+ stars with this purchase\.$/);
    await expectReallyVisible(block.locator('[data-tally-points]'));
    expect(await ungrouped(block.locator('[data-tally-points]'))).toBe(stars(demo.pointsAvailable));

    await page.locator('tally-widget[data-floating] .launcher').click();
    const available = page.getByRole('dialog').locator('.available');
    await expect.poll(() => ungrouped(available)).toBe(stars(demo.pointsAvailable));
    await expectReallyVisible(available);
    // The rewards' own names ("Free shipping for 300 points") are the merchant's words, left as typed.
    const rewardNames = (await app.prisma.reward.findMany({ where: { shop: DEV_SHOP } })).map((r) => r.name);
    const panel = rewardNames.reduce(
      (text, name) => text.replaceAll(name, ''),
      (await page.getByRole('dialog').innerText()).replace(/\s+/g, ' '),
    );
    expect(panel).toMatch(/\d+ stars for every \$1\.00 spent/);
    expect(panel).toMatch(/Earn \d+ stars more to reach/);
    expect(panel).toMatch(/From [\d,]+ stars earned/);
    expect(panel).not.toMatch(/\bpoints?\b/i);
    expect(panel).not.toMatch(/[{}]/);
    await page.screenshot({ path: `${ARTIFACTS}/points-name-panel.png` });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the cart block and the member card count stars', async () => {
    const { context, page, problems } = await shopper();
    await page.goto(`${app.url}/dev/storefront/products/rain-jacket`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForURL('**/dev/storefront/cart');
    const cartBalance = page.locator('.app-block tally-widget p [data-tally-points]');
    await expectVisibleAfterScroll(cartBalance);
    expect(await ungrouped(cartBalance)).toBe(stars(demo.pointsAvailable));
    const heading = page.locator('.app-block tally-widget h2');
    await expectVisibleAfterScroll(heading);
    expect(await heading.innerText()).toBe('Use your stars');
    await page.screenshot({ path: `${ARTIFACTS}/points-name-cart.png`, fullPage: true });

    await page.goto(`${app.url}/dev/storefront/account`);
    const card = page.locator('.app-block tally-widget');
    await expectReallyVisible(card.locator('[data-tally-points="available"]'));
    expect(await ungrouped(card.locator('[data-tally-points="available"]'))).toBe(stars(demo.pointsAvailable));
    expect(await ungrouped(card.locator('[data-tally-points="pending"]'))).toBe(stars(demo.pointsPending));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('guests read the name too: the cart block asks them to log in to use their stars', async () => {
    const { context, page, problems } = await shopper();
    await context.clearCookies({ name: 'tally_dev_customer' });
    await page.goto(`${app.url}/dev/storefront/cart`);
    const block = page.locator('.app-block tally-widget');
    await expectVisibleAfterScroll(block.locator('p').first());
    expect(await block.locator('h2').innerText()).toBe('Use your stars');
    expect(await block.locator('p').first().innerText()).toBe('Log in to use your stars on this order.');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('every storefront language uses the name (no translated "points" in any balance)', async () => {
    for (const { code } of STOREFRONT_LOCALES) {
      const { context, page, problems } = await shopper(code);
      await page.goto(`${app.url}/dev/storefront/products/merino-beanie?locale=${code}`);
      await expectReallyVisible(launcherBalance(page));
      expect(await ungrouped(launcherBalance(page)), code).toBe(stars(demo.pointsAvailable));
      const earn = page.locator('.tally-product-points p > span').first();
      await expectReallyVisible(earn);
      expect(await earn.innerText(), code).toMatch(/\d stars/);
      await page.locator('tally-widget[data-floating] .launcher').click();
      const available = page.getByRole('dialog').locator('.available');
      await expect.poll(() => ungrouped(available), { message: code }).toBe(stars(demo.pointsAvailable));
      if (code === 'pl') await page.screenshot({ path: `${ARTIFACTS}/points-name-panel-pl.png` });
      expect(problems, code).toEqual([]);
      await context.close();
    }
  });
});
