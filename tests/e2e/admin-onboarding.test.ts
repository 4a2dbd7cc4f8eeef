// Onboarding as a new store owner sees it, in a real Chromium: a finished
// step's header is the check icon right before its title (not an icon
// stretched across the card), the "switch the widget on" step is remembered
// by the shop (a reload, another browser), and the dashboard keeps asking for
// the app embed until the storefront widget is seen.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectReallyVisible } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const SHOP = 'first-run.myshopify.com';

const app = useTestApp({ frontend: true });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await app.prisma.shop.create({ data: { domain: SHOP, name: 'First Run', currencyCode: 'EUR' } });
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The theme editor is Shopify's: a new tab that goes nowhere here.
  await page
    .context()
    .route(/^https:\/\/first-run\.myshopify\.com\//, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Theme editor</title>' }),
    );
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${SHOP}`);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

/** The header of a finished step as the eye reads it: a small check, then the title right after it, at the card's left. */
async function expectStepHeaderReadable(page: Page, testId: string) {
  const step = page.getByTestId(testId);
  const icon = step.locator('.Polaris-Icon').first();
  const title = step.getByRole('heading').first();
  await expectReallyVisible(icon);
  await expectReallyVisible(title);
  const [iconBox, titleBox, cardBox] = await Promise.all([icon.boundingBox(), title.boundingBox(), step.boundingBox()]);
  expect(iconBox!.width, 'the check icon is icon-sized').toBeLessThanOrEqual(24);
  expect(iconBox!.height).toBeLessThanOrEqual(24);
  expect(iconBox!.x - cardBox!.x, 'the icon starts the header, at the card’s padding').toBeLessThan(40);
  const gap = titleBox!.x - (iconBox!.x + iconBox!.width);
  expect(gap, 'the title follows the icon').toBeGreaterThanOrEqual(0);
  expect(gap).toBeLessThan(16);
  expect(Math.abs(titleBox!.y + titleBox!.height / 2 - (iconBox!.y + iconBox!.height / 2)), 'icon and title on one line').toBeLessThan(6);
}

describe('onboarding', () => {
  it('shows a finished step as a check before its title, and remembers step 2 for the shop', async () => {
    const { page, problems } = await open('/onboarding');
    await page.getByTestId('onboarding').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Create my program' }).click();
    await expect.poll(() => page.getByTestId('step-program').getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    await expectStepHeaderReadable(page, 'step-program');

    const popup = page.waitForEvent('popup');
    await page.getByRole('link', { name: 'Open theme editor' }).click();
    await (await popup).close();
    await expect.poll(() => page.getByTestId('step-widget').getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    await expectStepHeaderReadable(page, 'step-widget');
    await shot(page, 'onboarding-steps-done');

    // Another browser (a colleague, a reload): step 2 is still done, 2 of 3.
    const again = await open('/onboarding');
    await again.page.getByTestId('step-program').waitFor({ timeout: 20_000 });
    expect(await again.page.getByTestId('step-widget').getAttribute('data-done')).toBe('true');
    expect(await again.page.getByTestId('onboarding').getAttribute('data-progress')).toBe('67');
    expect((await app.prisma.program.findUniqueOrThrow({ where: { shop: SHOP } })).embedOpenedAt).not.toBeNull();
    expect([...problems, ...again.problems]).toEqual([]);
    await again.page.close();
    await page.close();
  });

  it('after Finish setup, the dashboard asks for the app embed until the storefront widget is seen', async () => {
    const { page, problems } = await open('/onboarding');
    await page.getByRole('button', { name: 'Finish setup' }).click();
    await expect.poll(() => page.getByTestId('dashboard').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
    const banner = page.getByTestId('embed-off');
    await expectReallyVisible(banner.getByText("Customers can't see your program yet"));
    const link = banner.getByRole('link', { name: 'Open theme editor' });
    await expectReallyVisible(link);
    expect(await link.getAttribute('href')).toBe(
      `https://${SHOP}/admin/themes/current/editor?context=apps&activateAppId=tally-dev-api-key%2Fapp-embed`,
    );
    await shot(page, 'dashboard-embed-off');

    // The storefront widget asks for the shopper (as a guest): the embed is on.
    const query = signedProxyQuery({ shop: SHOP, extra: { device: 'c0ffee00-0000-4000-8000-000000000001' } }, DEV_API_SECRET);
    expect((await fetch(`${app.url}/proxy/member?${query}`)).status).toBe(200);
    await expect
      .poll(async () => (await app.prisma.program.findUniqueOrThrow({ where: { shop: SHOP } })).embedSeenAt, { timeout: 5_000 })
      .not.toBeNull();
    await page.reload();
    await expect.poll(() => page.getByTestId('dashboard').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
    expect(await page.getByTestId('embed-off').count()).toBe(0);
    await shot(page, 'dashboard-embed-on');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows first-run onboarding in development: the fresh shop from the simulator page, and the demo shop after Reset onboarding', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/dev/webhooks`);
    await page.getByRole('link', { name: 'Open the admin as Fresh Store' }).click();
    await page.getByTestId('onboarding').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('shop')).toBe('tally-fresh.myshopify.com');
    expect(await page.getByTestId('step-program').getAttribute('data-done')).toBe('false');
    await expectReallyVisible(page.getByRole('button', { name: 'Create my program' }));
    await shot(page, 'onboarding-fresh-shop');

    await page.goto(`${app.url}/dev/webhooks`);
    await page.locator(`li[data-shop="${DEV_SHOP}"]`).getByRole('button', { name: 'Reset onboarding' }).click();
    await expect.poll(() => page.locator('#out').textContent()).toContain(`/onboarding?shop=${DEV_SHOP}`);
    await page.locator(`li[data-shop="${DEV_SHOP}"]`).getByRole('link').click();
    await expect.poll(() => page.getByTestId('dashboard').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
    await expectReallyVisible(page.getByTestId('finish-onboarding').getByRole('link', { name: 'Continue setup' }));
    await page.getByTestId('finish-onboarding').getByRole('link', { name: 'Continue setup' }).click();
    await page.getByTestId('onboarding').waitFor();
    expect(await page.getByTestId('onboarding').getAttribute('data-progress')).toBe('33');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('leads from the top bar to the development shops, and reopens the admin as the one chosen', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/members?shop=${DEV_SHOP}`);
    const current = page.getByTestId('dev-shop').getByRole('link', { name: DEV_SHOP });
    await current.waitFor({ timeout: 20_000 });
    await expectReallyVisible(current);
    await current.click();
    await page.getByRole('link', { name: 'Open the admin as Fresh Store' }).click();
    await page.getByTestId('onboarding').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('shop')).toBe('tally-fresh.myshopify.com');
    await expectReallyVisible(page.getByTestId('dev-shop').getByRole('link', { name: 'tally-fresh.myshopify.com' }));
    await shot(page, 'dev-shop-switched');
    expect(problems).toEqual([]);
    await page.close();
  });
});
