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
import { expectReallyVisible } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';

let demo: { id: string; customerId: string };
const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP }, orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }] });
});

async function shopper(loggedIn: boolean, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
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
