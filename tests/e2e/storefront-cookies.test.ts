// Tally's storefront cookies in a real Chromium (issue 13, item 11):
// tally_device and tally_ref are SameSite=Lax, Secure on https, live 13 months
// (the device) and the program's referral window (the referral); the widget
// makes no device cookie before the shopper's consent where Shopify's
// Customer Privacy API says consent is required, and makes it once the
// banner's visitorConsentCollected event says it was given; the referral
// landing page runs under a CSP with nosniff.
//
// https: the storefront is served on https://<shop> by routing the browser's
// requests for that origin to the running Tally (the development storefront
// and its app proxy), so the browser applies its real https cookie rules.
// Shopify's Customer Privacy API is not available offline: the page gets an
// object with the API's methods, answering as the shop's banner would.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectReallyVisible } from '../helpers/visible.js';

const SHOP_ORIGIN = `https://${DEV_SHOP}`;
const DAY_MS = 86_400_000;

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();
let demo: { id: string; customerId: string };
beforeAll(async () => {
  demo = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP },
    orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
  });
});

/** A browser whose requests to https://<shop> are answered by the running Tally, as the storefront on the shop's domain. */
async function storefrontOnHttps(
  options: { consent?: 'required' | 'none' } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(`${SHOP_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const answer = await route.fetch({ url: `${app.url}${url.pathname}${url.search}` });
    await route.fulfill({ response: answer });
  });
  if (options.consent === 'required') {
    // As Shopify's API answers where consent is required and the shopper has not (yet) accepted.
    await context.addInitScript(() => {
      const w = window as unknown as { Shopify: object; tallyTestConsent: boolean };
      w.tallyTestConsent = false;
      w.Shopify = { customerPrivacy: { analyticsProcessingAllowed: () => w.tallyTestConsent, userCanBeTracked: () => w.tallyTestConsent } };
    });
  }
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  return { context, page, problems };
}

const cookie = async (context: BrowserContext, name: string) => (await context.cookies()).find((c) => c.name === name);
const launcher = (page: Page) => page.locator('tally-widget[data-floating] [data-action="toggle"]');

async function openPanelAsMember(context: BrowserContext, page: Page) {
  await context.addCookies([{ name: 'tally_dev_customer', value: demo.customerId.split('/').pop()!, url: SHOP_ORIGIN }]);
  await page.goto(`${SHOP_ORIGIN}/dev/storefront/products/rain-jacket`);
  await launcher(page).click();
  const panel = page.getByRole('dialog');
  await expectReallyVisible(panel);
  await expect.poll(() => panel.locator('.available').count(), { timeout: 15_000 }).toBe(1);
}

describe('storefront cookies', () => {
  it('the widget keeps its device id in a Secure, SameSite=Lax cookie for 13 months on https', async () => {
    const { context, page, problems } = await storefrontOnHttps();
    await openPanelAsMember(context, page);
    const device = await cookie(context, 'tally_device');
    expect(device).toMatchObject({ secure: true, sameSite: 'Lax', path: '/' });
    expect(device!.value).toMatch(/^[0-9a-f-]{36}$/);
    const lifetime = device!.expires * 1000 - Date.now();
    expect(lifetime).toBeGreaterThan(394 * DAY_MS);
    expect(lifetime).toBeLessThan(396 * DAY_MS);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('makes no device cookie before consent where consent is required, and makes it once the shopper accepts', async () => {
    const { context, page, problems } = await storefrontOnHttps({ consent: 'required' });
    const devices = () => app.prisma.memberDevice.count({ where: { shop: DEV_SHOP, memberId: demo.id } });
    const before = await devices();
    await openPanelAsMember(context, page);
    expect(await cookie(context, 'tally_device')).toBeUndefined();
    expect(await devices()).toBe(before);
    // The store's banner: the shopper accepts, Shopify's API says so and fires its event.
    await page.evaluate(() => {
      (window as unknown as { tallyTestConsent: boolean }).tallyTestConsent = true;
      document.dispatchEvent(new CustomEvent('visitorConsentCollected', { detail: { analyticsAllowed: true } }));
    });
    await expect.poll(async () => (await cookie(context, 'tally_device'))?.value).toMatch(/^[0-9a-f-]{36}$/);
    // The widget fetched the member's data again with it: Tally remembers this browser as the member's.
    const device = (await cookie(context, 'tally_device'))!.value;
    await expect.poll(() => app.prisma.memberDevice.count({ where: { shop: DEV_SHOP, memberId: demo.id, deviceId: device } })).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the referral landing page: CSP and nosniff, tally_ref Secure and Lax for the referral window, no device cookie made without consent', async () => {
    const member = await (
      await fetch(`${app.url}/apps/tally/member`, { headers: { cookie: `tally_dev_customer=${demo.customerId.split('/').pop()}` } })
    ).json();
    const code: string = member.member.referral.code;
    const landing = `${SHOP_ORIGIN}/apps/tally/r/${code}`;

    const direct = await fetch(`${app.url}/apps/tally/r/${code}`);
    expect(direct.headers.get('x-content-type-options')).toBe('nosniff');
    expect(direct.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; script-src 'sha256-[\w+/=]+'; style-src 'sha256-[\w+/=]+'; connect-src 'self';/,
    );

    const { context, page, problems } = await storefrontOnHttps();
    await page.goto(landing);
    // The page's own script ran under its CSP: the gift is described, and claimed the code arrives.
    await expect.poll(() => page.locator('#tally-offer').textContent(), { timeout: 15_000 }).toContain('first order');
    expect(await page.locator('#tally-code').count()).toBe(0);
    await page.screenshot({ path: 'test-results/screenshots/referral-landing-unclaimed.png' });
    await page.getByRole('button', { name: 'Get my gift' }).click();
    await expect.poll(() => page.locator('#tally-offer').textContent(), { timeout: 15_000 }).toContain('FRIEND-');
    const ref = await cookie(context, 'tally_ref');
    expect(ref).toMatchObject({ value: code, secure: true, sameSite: 'Lax' });
    // The demo program's referral window: 30 days.
    expect(ref!.expires * 1000 - Date.now()).toBeGreaterThan(29 * DAY_MS);
    expect(ref!.expires * 1000 - Date.now()).toBeLessThan(31 * DAY_MS);
    // This page is outside the theme, where Shopify's consent API is absent: it makes no device id of its own.
    expect(await cookie(context, 'tally_device')).toBeUndefined();
    // A browser that already has one (made by the widget with consent) keeps it: the visit is recorded with it.
    await context.addCookies([{ name: 'tally_device', value: 'kept-device-1234', url: SHOP_ORIGIN, secure: true, sameSite: 'Lax' }]);
    await page.reload();
    await page.getByRole('button', { name: 'Get my gift' }).click();
    await expect.poll(() => page.locator('#tally-offer').textContent(), { timeout: 15_000 }).toContain('FRIEND-');
    expect((await cookie(context, 'tally_device'))?.value).toBe('kept-device-1234');
    expect(await app.prisma.referral.count({ where: { shop: DEV_SHOP, code, deviceId: 'kept-device-1234' } })).toBe(1);
    // The only thing missing is Shopify's own cart API (/cart/update.js), which the dev storefront has no stand-in for.
    expect(problems.filter((p) => !p.includes('/cart/update.js') && !/404/.test(p))).toEqual([]);
    await context.close();
  });
});
