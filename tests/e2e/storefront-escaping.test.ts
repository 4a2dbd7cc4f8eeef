// Merchant and shopper text can never run as script (issue 13, items 3, 6, 12),
// in a real Chromium: the admin's widget preview with a hostile text in every
// widget text field, and the development storefront's pages with a hostile
// discount code and customer name. A dialog opened by the page is the proof
// of a script having run; the text must also be shown as written.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { expectReallyVisible } from '../helpers/visible.js';

const ATTACK = '</script><img src=x onerror=alert(1)>';
// The launcher label holds 30 characters at most: the tag alone still fits.
const SHORT_ATTACK = '<img src=x onerror=alert(2)>';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();

/** A page whose every dialog (alert, confirm, prompt) is recorded and dismissed. */
async function watchedPage(): Promise<{ page: Page; dialogs: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, dialogs, close: () => context.close() };
}

const hostileSettings = {
  enabled: true,
  launcher: { position: 'bottom-right', icon: 'gift', label: SHORT_ATTACK, offset: 20, showOnMobile: true },
  colors: { accent: '#1f3fbf', text: '#ffffff' },
  texts: { guestTitle: ATTACK, guestBody: ATTACK, memberTitle: ATTACK },
};

describe('widget preview (admin Widget page)', () => {
  for (const audience of ['guest', 'member'] as const) {
    it(`runs no script written into any widget text field (${audience})`, async () => {
      const { page, dialogs, close } = await watchedPage();
      await page.goto(`${app.url}/widget-preview?shop=${DEV_SHOP}`);
      // Exactly what the Widget page posts to the preview as the merchant types.
      await page.evaluate(
        (settings) =>
          window.postMessage({ type: 'tally:widget-settings', settings, audience: settings.audience, locale: 'en' }, location.origin),
        {
          ...hostileSettings,
          audience,
        },
      );
      const launcher = page.locator('#root tally-widget[data-floating] .launcher');
      await expect.poll(() => page.locator('#root').getAttribute('data-audience')).toBe(audience);
      await expectReallyVisible(launcher);
      await expect.poll(() => launcher.textContent()).toContain(SHORT_ATTACK);
      // onerror fires once a broken image fails: give it the time it would need.
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      await launcher.click();
      const panel = page.getByRole('dialog');
      await expectReallyVisible(panel);
      await expect.poll(() => panel.locator('h2').textContent()).toBe(ATTACK);
      if (audience === 'guest') await expect.poll(() => panel.textContent()).toContain(`${ATTACK}`);
      else await expect.poll(() => panel.locator('.available').count()).toBe(1);
      expect(await page.locator('#root img').count()).toBe(0);
      await page.screenshot({ path: `test-results/screenshots/widget-preview-hostile-${audience}.png` });
      expect(dialogs).toEqual([]);
      await close();
    });
  }

  it('may be framed by the shop admin and admin.shopify.com, as the admin pages may', async () => {
    const res = await fetch(`${app.url}/widget-preview?shop=${DEV_SHOP}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(`frame-ancestors 'self' https://${DEV_SHOP} https://admin.shopify.com;`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Without a (valid) shop only the Widget page itself may frame it.
    for (const query of ['', '?shop=evil.example.com', '?shop=a.myshopify.com%20https://evil.example.com']) {
      const plain = await fetch(`${app.url}/widget-preview${query}`);
      expect(plain.headers.get('content-security-policy')).toBe("frame-ancestors 'self';");
    }
  });
});

describe('development storefront', () => {
  it('shows a hostile discount code from a /discount link as text, running nothing', async () => {
    const { page, dialogs, close } = await watchedPage();
    await page.goto(`${app.url}/discount/${encodeURIComponent(ATTACK)}?redirect=/dev/storefront/cart`);
    const applied = page.getByTestId('applied-code');
    await expectReallyVisible(applied);
    expect(await applied.textContent()).toBe(ATTACK);
    await page.waitForTimeout(300);
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await close();
  });

  it('shows a hostile customer name as text on every page that prints it, running nothing', async () => {
    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP },
      orderBy: [{ pointsAvailable: 'desc' }, { customerId: 'asc' }],
    });
    await app.prisma.member.update({ where: { id: member.id }, data: { firstName: ATTACK, lastName: SHORT_ATTACK } });
    try {
      const { page, dialogs, close } = await watchedPage();
      // Logged out, the login page names the demo member; logged in, the bar and the account page name the customer.
      await page.goto(`${app.url}/dev/storefront/account/login`);
      await expect.poll(() => page.locator('main button.add').textContent()).toBe(`Continue as ${ATTACK} ${SHORT_ATTACK}`);
      await page.locator('main button.add').click();
      await page.waitForURL(/\/dev\/storefront\/account$/);
      await expect.poll(() => page.locator('.devbar').textContent()).toContain(`Logged in as ${ATTACK} ${SHORT_ATTACK}`);
      await expect.poll(() => page.locator('main > p').first().textContent()).toBe(`Welcome back, ${ATTACK}.`);
      await page.waitForTimeout(300);
      expect(await page.locator('body > .devbar img, main > p img').count()).toBe(0);
      expect(dialogs).toEqual([]);
      await close();
    } finally {
      await app.prisma.member.update({ where: { id: member.id }, data: { firstName: member.firstName, lastName: member.lastName } });
    }
  });
});
