// The admin Referrals page in a real Chromium (test mode serves the
// production build; `npm test` builds it first): settings saved with field
// errors shown inline, a blocked referral with its reason approved, and the
// top referrers.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { releaseDuePoints } from '../../web/jobs/release-pending-points.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';

const app = useTestApp({ frontend: true, env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync('test-results/screenshots', { recursive: true });
});

async function proxy(method: string, path: string, customerId: string | null, body?: unknown) {
  const q = signedProxyQuery({ shop: DEV_SHOP, customerId: customerId?.split('/').pop() ?? null }, DEV_API_SECRET);
  const res = await fetch(`${app.url}/proxy${path}?${q}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

/** A member whose friend's order is blocked: the member used their own link. */
async function blockedReferral() {
  const c = newCustomer('selfref');
  await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email, firstName: 'Sam', lastName: 'Selfish' } });
  const { member } = await proxy('GET', '/member', c.id);
  const visit = await proxy('POST', '/referrals/visits', null, { code: member.referral.code, deviceId: randomUUID() });
  await send(
    app.url,
    delivery('orders/paid', order({ customer: { id: c.id, email: c.email }, lines: HUNDRED, discountCode: visit.offer.code }).payload),
  );
  return c;
}

describe('admin Referrals page', () => {
  it('saves settings, shows why a referral was blocked, and approves it', async () => {
    await blockedReferral();
    await releaseDuePoints(app.prisma, new Date(Date.now() + 31 * 86_400_000));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/referrals?shop=${DEV_SHOP}`);
    await expect.poll(() => page.getByLabel('Points for the member').count(), { timeout: 20_000 }).toBe(1);

    // A bad value is refused with the field's own message, and nothing is saved.
    const before = (await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } })).settings;
    await page.getByLabel('Points for the member').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByText('Give the referrer points, a reward, or both', { exact: false }).count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect((await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } })).settings).toEqual(before);
    await page.getByLabel('Points for the member').fill('750');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('referral-settings-saved').count(), { timeout: 10_000 }).toBe(1);
    const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
    expect((program.settings as { referrals: { referrerPoints: number } }).referrals.referrerPoints).toBe(750);

    const list = page.getByTestId('referral-list');
    await expect.poll(() => list.getByText('Needs review').count(), { timeout: 10_000 }).toBe(1);
    expect(await list.getByText('same customer account', { exact: false }).count()).toBe(1);
    await page.screenshot({ path: 'test-results/screenshots/admin-referrals.png', fullPage: true });
    await list.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => list.getByText('Rewarded').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('top-referrers').getByText('Sam Selfish').count(), { timeout: 10_000 }).toBe(1);
    // The bad value was refused in the browser, with the server's own schema: no request failed.
    expect(problems).toEqual([]);
  });
});
