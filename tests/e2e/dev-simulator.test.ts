// The merchant's walk-through in the dev app, in a real browser: simulate an
// order, see the points pending, release them, refund half the order and see
// exactly half the points clawed back.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { DEMO_CUSTOMER } from '../../dev/routes/simulator-page.js';
import { adminApi } from '../helpers/admin.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { shopToday } from '../helpers/days.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();

const send = async (page: Page, scenario: string) => {
  await page.selectOption('#scenario', scenario);
  await page.getByRole('button', { name: 'Send' }).click();
};
const figure = async (page: Page, id: 'available' | 'pending') => Number(await page.getByTestId(id).textContent());

describe('webhook simulator page', () => {
  it('walks an order from pending to released to half refunded', async () => {
    const page = await browser.newPage();
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/dev/webhooks`);
    await expect.poll(() => page.getByTestId('available').count()).toBe(1);
    const start = { available: await figure(page, 'available'), pending: await figure(page, 'pending') };

    const send = async (scenario: string) => {
      await page.selectOption('#scenario', scenario);
      await page.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => page.locator('#out').textContent()).toContain('"status": 200');
    };
    await send('order-paid');
    // 94.00 of goods at 1 point per unit; tax and shipping do not earn.
    await expect.poll(() => figure(page, 'pending')).toBe(start.pending + 94);

    await page.getByRole('button', { name: 'Release pending points now' }).click();
    await expect.poll(() => figure(page, 'available')).toBe(start.available + 94);
    await expect.poll(() => figure(page, 'pending')).toBe(start.pending);

    await send('refund-partial');
    await expect.poll(() => figure(page, 'available')).toBe(start.available + 47);
    await page.screenshot({ path: 'test-results/screenshots/dev-simulator.png', fullPage: true });
    expect(problems).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });

  it("sends an order that uses the member's Tally code: the code is used and the dashboard's revenue with rewards moves", async () => {
    const admin = adminApi(app.url);
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: DEMO_CUSTOMER } } });
    const page = await browser.newPage();
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/dev/webhooks`);
    await expect.poll(() => page.getByTestId('available').count()).toBe(1);

    // No code yet: the page says what to do first, and nothing is sent.
    await send(page, 'order-with-reward-code');
    await expect.poll(() => page.locator('#out').textContent()).toContain('redeem a reward first');

    await admin('POST', `/members/${member.id}/adjustments`, { points: 500, reason: 'e2e: a code to use' });
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const issued = await admin('POST', `/members/${member.id}/redemptions`, { rewardId: reward.id });
    expect(issued.body.redemption.status).toBe('ISSUED');
    const today = await shopToday(app.prisma);
    const before = (await admin('GET', `/dashboard?from=${today}&to=${today}`)).body.totals;

    await send(page, 'order-with-reward-code');
    await expect.poll(() => page.locator('#out').textContent()).toContain('"status": 200');
    const used = await app.prisma.redemption.findUniqueOrThrow({ where: { id: issued.body.redemption.id } });
    expect(used.status).toBe('USED');
    const order = await app.prisma.order.findFirstOrThrow({ where: { shop: DEV_SHOP, orderId: used.orderId! } });
    const after = (await admin('GET', `/dashboard?from=${today}&to=${today}`)).body.totals;
    expect(after.rewardOrders).toBe(before.rewardOrders + 1);
    expect(after.rewardRevenueMinor).toBe(before.rewardRevenueMinor + order.totalMinor);
    expect(order.totalMinor).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/screenshots/dev-simulator-reward-code.png', fullPage: true });
    expect(problems.filter((p) => !p.includes('409'))).toEqual([]);
    expect((await checkLedger(app.prisma)).offenders).toEqual([]);
  });
});
