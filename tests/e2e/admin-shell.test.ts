// The admin shell in a real Chromium against a running Tally (test mode
// serves the production build; `npm test` builds it first).
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { orderPayload } from '../../dev/payloads.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { delivery, send } from '../helpers/webhooks.js';

const SCREENSHOTS = 'test-results/screenshots';

const app = useTestApp({ frontend: true });
const browser = useBrowser();
beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

describe('admin shell', () => {
  it("renders the dashboard with the demo shop's real figures, and they move after a webhook", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/?shop=${DEV_SHOP}`);
    const dashboard = page.getByTestId('dashboard');
    await expect.poll(() => dashboard.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');

    const members = await app.prisma.member.count({ where: { shop: DEV_SHOP } });
    expect(members).toBeGreaterThan(20);
    expect(await page.getByTestId('stat-members').getAttribute('data-value')).toBe(String(members));
    await expect.poll(() => page.getByRole('heading', { name: 'Tally Rewards' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOTS}/admin-dashboard.png`, fullPage: true });

    // A paid order's points are pending: outstanding (available + pending) grows by them.
    const outstanding = Number(await page.getByTestId('stat-points-outstanding').getAttribute('data-value'));
    const [res] = await send(app.url, delivery('orders/paid', orderPayload({ customer: { id: 'gid://shopify/Customer/9100000000003' } })));
    expect(res!.status).toBe(200);
    await page.reload();
    await expect
      .poll(async () => Number(await page.getByTestId('stat-points-outstanding').getAttribute('data-value')), { timeout: 20_000 })
      .toBeGreaterThan(outstanding);
    expect(problems).toEqual([]);
  });
});
