// The referral walk-through of the dev app, in a real browser: a member's
// link, a friend following it (the landing page sets the first-party
// cookies and shows a working code from the Admin stand-in), the friend's
// simulated first order, and the referrer's points after the pending period.
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();

describe('referral flow in the dev app', () => {
  it('a member shares their link, a friend gets a working code and orders, the referrer is rewarded after the pending period', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/dev/webhooks`);
    await expect.poll(() => page.getByTestId('available').count(), { timeout: 10_000 }).toBe(1);
    const before = Number(await page.getByTestId('available').textContent());

    await page.getByRole('button', { name: "Show the member's referral link" }).click();
    const link = await page.locator('#referral-link').getAttribute('href');
    expect(link).toMatch(/\/dev\/storefront\/apps\/tally\/r\/[A-Z0-9-]+\?shop=/);

    // The friend, in a browser of their own.
    const friendContext = await browser.newContext();
    const friend = await friendContext.newPage();
    const friendProblems = collectPageProblems(friend).problems;
    const notFound: string[] = [];
    friend.on('response', (r) => void (r.status() === 404 && notFound.push(new URL(r.url()).pathname)));
    await friend.goto(link!);
    // The code is made when the friend asks for it, not on a mere visit.
    await friend.getByRole('button', { name: 'Get my gift' }).click();
    await expect.poll(() => friend.locator('#tally-offer').textContent(), { timeout: 15_000 }).toContain('FRIEND-');
    const code = await friend.locator('#tally-code').textContent();
    expect(code).toMatch(/^FRIEND-/);
    expect(await friend.locator('#tally-go').getAttribute('href')).toBe(`https://${DEV_SHOP}/discount/${code}?redirect=%2F`);
    const cookies = Object.fromEntries((await friendContext.cookies()).map((c) => [c.name, c]));
    expect(cookies.tally_ref?.value).toBe(link!.split('/r/')[1]!.split('?')[0]);
    // No device cookie: this page cannot ask Shopify's consent API, so it makes none (storefront-cookies.test.ts).
    expect(cookies.tally_device).toBeUndefined();
    // 30 days, the default: the cookie expires a month from now.
    expect(cookies.tally_ref!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 86_400_000);
    // The code works in Shopify (the stand-in): an active discount for new customers.
    const discount = app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === code);
    expect(discount).toMatchObject({ status: 'ACTIVE', usageLimit: 1, segmentIds: [expect.any(String)] });

    await page.selectOption('#scenario', 'referred-order');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#out').textContent(), { timeout: 10_000 }).toContain('"status": 200');
    await page.getByRole('button', { name: "Show the member's referral link" }).click();
    await expect.poll(() => page.locator('#referral-out').textContent(), { timeout: 10_000 }).toContain('friends joined: 1');
    expect(Number(await page.getByTestId('available').textContent())).toBe(before);

    await page.getByRole('button', { name: "End referred orders' pending period" }).click();
    await expect.poll(() => page.locator('#out').textContent(), { timeout: 10_000 }).toContain('"referralsRewarded": 1');
    await expect.poll(async () => Number(await page.getByTestId('available').textContent()), { timeout: 10_000 }).toBe(before + 500);
    await page.screenshot({ path: 'test-results/screenshots/referral-flow.png', fullPage: true });
    await friend.screenshot({ path: 'test-results/screenshots/referral-landing.png' });
    expect(problems).toEqual([]);
    // The only thing missing is Shopify's own cart API (/cart/update.js), which the dev app has no stand-in for.
    expect(notFound).toEqual(['/cart/update.js']);
    expect(friendProblems.filter((p) => !p.includes('status of 404'))).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
