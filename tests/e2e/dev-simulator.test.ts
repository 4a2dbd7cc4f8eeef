// The merchant's walk-through in the dev app, in a real browser: simulate an
// order, see the points pending, release them, refund half the order and see
// exactly half the points clawed back.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();

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
});
