// The Analytics page in a real Chromium, on orders delivered as Shopify sends
// them (signed webhooks, dated months back): the tiles show the API's figures
// for all customers, members and non-members with the change against the
// previous period; "How is this calculated?" opens the formula (both forms
// where the seed's differs); the charts and the cohort heatmap are drawn and
// visible; the heatmap is reachable by keyboard; the CSV downloads hold the
// tables; axe finds nothing serious. A shop without orders gets the empty state.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { currencyDigits } from '../../web/loyalty/domain/money.js';
import { addShops, useBrowser, useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { newCustomer, order } from '../helpers/orders.js';
import { SCREENSHOT_ARTIFACTS_DIR, stillScreenshot } from '../helpers/screenshots.js';
import { expectReallyVisible, expectVisibleAfterScroll, whyNotVisible, expectChartDrawn } from '../helpers/visible.js';
import { deliverOk } from '../helpers/webhooks.js';

const EMPTY_SHOP = 'analytics-empty.myshopify.com';
const DAY = 86_400_000;
const app = useTestApp({ frontend: true });
const browser = useBrowser();

/** An order of `minor` (before tax and shipping) processed `daysAgo` days ago, by a customer or a guest (an email only). */
function pastOrder(buyer: { customer: { id: string; email?: string } } | { guest: string }, daysAgo: number, minor: number) {
  const customer = 'customer' in buyer ? buyer.customer : null;
  const { payload } = order({
    customer,
    updatedAt: new Date(Date.now() - daysAgo * DAY),
    lines: [{ title: 'Tea', priceMinor: minor, quantity: 1 }],
  });
  return 'guest' in buyer ? { ...payload, email: buyer.guest, contact_email: buyer.guest } : payload;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_ARTIFACTS_DIR, { recursive: true });
  await addShops(app, [[EMPTY_SHOP, 'EUR', 'Europe/Warsaw']]);
  // Members (customers of the demo shop; a customer's order enrols them) and non-members (guests, known by their
  // email only), over nine months: repeat buyers in this range and the one before it, and customers who stop.
  const members = await app.prisma.member.findMany({
    where: { shop: DEV_SHOP, customerId: { startsWith: 'gid://shopify/Customer/' } },
    orderBy: { customerId: 'asc' },
    take: 6,
  });
  const guests = Array.from({ length: 6 }, () => newCustomer('guest').email);
  const schedule = [[250, 120, 60, 20, 3], [200, 95, 40], [150, 70, 10], [110], [80, 33, 8], [45]];
  for (const [i, days] of schedule.entries()) {
    const member = members[i]!;
    for (const [k, d] of days.entries())
      await deliverOk(
        app.url,
        DEV_SHOP,
        'orders/paid',
        pastOrder({ customer: { id: member.customerId, email: member.email ?? undefined } }, d, 4000 + 1500 * k + 300 * i),
      );
    const guest = guests[i]!;
    for (const [k, d] of days.slice(0, Math.max(1, days.length - 2)).entries())
      await deliverOk(app.url, DEV_SHOP, 'orders/paid', pastOrder({ guest }, d + 2, 3500 + 700 * k + 200 * i));
  }
}, 120_000);

async function open(path: string, shop = DEV_SHOP): Promise<{ page: Page; problems: string[]; asked: (name: string) => string }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC', locale: 'en-US', acceptDownloads: true });
  const { problems } = collectPageProblems(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${app.url}${path}?shop=${shop}`);
  /** The query of the page's first request to the analytics API's `name`. */
  const asked = (name: string) => {
    const url = requests.find((u) => u.includes(`/api/admin/analytics/${name}?`));
    if (!url) throw new Error(`the page did not ask for ${name}`);
    return new URL(url).search;
  };
  return { page, problems, asked };
}

/** The CSV a download button saves, as rows of fields (no quoted fields in these tables). */
async function downloadedCsv(page: Page, testId: string): Promise<{ name: string; rows: string[][] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).getByRole('button').click()]);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.charCodeAt(0), 'a BOM, so spreadsheets read UTF-8').toBe(0xfeff);
  expect(text.endsWith('\r\n')).toBe(true);
  return {
    name: download.suggestedFilename(),
    rows: text
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(',')),
  };
}

describe('admin Analytics page', () => {
  it('shows the API’s figures for members and non-members with their change, formulas, charts, the cohort heatmap and CSV', async () => {
    const { page, problems, asked } = await open('/analytics');
    const root = page.getByTestId('analytics');
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    const api = adminApi(app.url);
    const summary = await api('GET', `/analytics/summary${asked('summary')}`);
    expect(summary.status).toBe(200);
    const s = summary.body;
    expect(s.all.orders, `the seeded orders are in the range ${asked('summary')}`).toBeGreaterThan(5);
    expect(s.members.orders).toBeGreaterThan(0);
    expect(s.nonMembers.orders).toBeGreaterThan(0);

    // Tiles: the figure of each segment is the API's, written as the shop writes money.
    const orders = page.getByTestId('tile-orders');
    await expectReallyVisible(orders);
    for (const segment of ['all', 'members', 'nonMembers'] as const)
      expect(await orders.locator(`[data-testid="figure"][data-segment="${segment}"]`).getAttribute('data-value'), segment).toBe(
        String(s[segment].orders),
      );
    const money = (minor: number) =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: s.currencyCode }).format(minor / 10 ** currencyDigits(s.currencyCode));
    const netSales = page.getByTestId('tile-netSalesMinor').locator('[data-testid="figure"][data-segment="members"]');
    expect((await netSales.textContent())?.trim()).toBe(money(s.members.netSalesMinor));
    // Against the previous 90 days, which have orders too: a change, not "no earlier figure".
    const tileText = (await orders.textContent()) ?? '';
    expect(tileText).toMatch(/[+-−]?\d+(\.\d)?%/);
    // Every metric of the contract has its tile.
    for (const key of [
      ...Object.keys(s.all),
      ...Object.keys(s.program).filter((k) => ['redemptionRate', 'activeMemberRate', 'pointsLiabilityMinor', 'roi'].includes(k)),
    ])
      expect(await page.getByTestId(`tile-${key}`).count(), key).toBe(1);
    // A figure without data is a dash with its reason, never 0.
    for (const key of Object.keys(s.all).filter((k) => s.all[k] === null)) {
      const tile = page.getByTestId(`tile-${key}`);
      expect(await tile.locator('[data-segment="all"]').textContent()).toBe('—');
      expect(await tile.getByTestId('no-data-reason').count()).toBe(1);
    }

    // "How is this calculated?" opens the formula, both forms labelled where the seed's differs.
    const retention = page.getByTestId('tile-retentionRate');
    const how = retention.getByRole('button', { name: 'How is this calculated?' });
    expect(await how.getAttribute('aria-expanded')).toBe('false');
    await how.click();
    expect(await how.getAttribute('aria-expanded')).toBe('true');
    const formula = retention.getByTestId('formula');
    await expectVisibleAfterScroll(formula.getByText('(E − N) ÷ S', { exact: false }));
    expect(await formula.textContent()).toContain('Seed 001/003 form');
    expect(await formula.textContent()).toContain('Common industry form');
    const roi = page.getByTestId('tile-roi');
    await expectVisibleAfterScroll(roi.getByText('Estimate', { exact: true }));

    // Charts: drawn, with a real size, where a person looks (the drawing is inert: the click lands on its card).
    const charts = page.getByTestId('trends').getByTestId('chart');
    await expect.poll(() => charts.count(), { timeout: 20_000 }).toBe(4);
    for (let i = 0; i < 4; i++) {
      const chart = charts.nth(i);
      await chart.scrollIntoViewIfNeeded();
      await expect.poll(() => chart.locator('svg path').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await expectChartDrawn(chart, 'trends');
    }
    // Behind each chart, its figures as a table for screen readers.
    expect(await page.getByTestId('trends').locator('table caption').count()).toBe(4);

    // The cohort heatmap: a table of percentages, coloured, visible, and one tab stop moved through with the arrows.
    const cohorts = (await api('GET', `/analytics/cohorts${asked('cohorts')}`)).body.cohorts as {
      month: string;
      customers: number;
      retention: (number | null)[];
    }[];
    const heatmap = page.getByTestId('cohort-heatmap');
    await expect.poll(() => heatmap.locator('tbody tr').count(), { timeout: 20_000 }).toBe(cohorts.length);
    // Every cell is the API's share as a percentage ("—" for a month nobody started in).
    const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
    const cells = new Map(
      await heatmap
        .locator('td[data-cell]')
        .evaluateAll((els) => els.map((el) => [el.getAttribute('data-cell')!, el.textContent!] as const)),
    );
    for (const [row, c] of cohorts.entries())
      for (const [k, share] of c.retention.entries())
        expect(cells.get(`${row}-${k}`), `${c.month} month ${k}`).toBe(share === null ? '—' : percent.format(share));
    const r = cohorts.findIndex((c) => c.customers > 0 && c.retention.length > 1 && c.retention[1]! > 0);
    expect(r, 'a cohort that came back the next month').toBeGreaterThanOrEqual(0);
    const start = heatmap.locator(`td[data-cell="${r}-0"]`);
    await expectVisibleAfterScroll(start);
    expect(await start.textContent()).toBe('100%');
    const colours = await start.evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));
    expect(colours).toEqual({ bg: 'rgb(0, 66, 153)', color: 'rgb(255, 255, 255)' }); // 100%: the darkest blue, white text
    await expectReallyVisible(heatmap.locator(`td[data-cell="${r}-1"]`));
    // One tab stop; the arrow keys move it.
    expect(await heatmap.locator('td[tabindex="0"]').count()).toBe(1);
    await start.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe(`${r}-1`);
    const down = r + 1 < cohorts.length;
    await page.keyboard.press(down ? 'ArrowDown' : 'ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe(`${down ? r + 1 : r - 1}-1`);
    expect(await heatmap.locator('td[tabindex="0"]').count()).toBe(1);

    // Members against non-members: the table and its CSV hold the API's figures.
    const table = page.getByTestId('comparison-table');
    await expectVisibleAfterScroll(table.getByRole('row', { name: /Orders/ }).first());
    const csv = await downloadedCsv(page, 'comparison-csv');
    expect(csv.name).toMatch(/^members-vs-non-members-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.rows[0]).toEqual(['Metric', 'Unit', 'All customers', 'Members', 'Non-members']);
    expect(csv.rows.find((r) => r[0] === 'Orders')).toEqual([
      'Orders',
      'count',
      String(s.all.orders),
      String(s.members.orders),
      String(s.nonMembers.orders),
    ]);
    const digits = currencyDigits(s.currencyCode);
    expect(csv.rows.find((r) => r[0] === 'Net sales')?.[4]).toBe((s.nonMembers.netSalesMinor / 10 ** digits).toFixed(digits));
    expect(csv.rows).toHaveLength(1 + 14);
    const cohortCsv = await downloadedCsv(page, 'cohorts-csv');
    expect(cohortCsv.rows[0]!.slice(0, 3)).toEqual(['First order', 'Customers', 'Month 0']);
    expect(cohortCsv.rows.length).toBe(1 + (await heatmap.locator('tbody tr').count()));

    expect(await seriousA11yViolations(page)).toEqual([]);
    // The whole page, the viewport grown to it (the Frame's bars stay at the top).
    writeFileSync(`${SCREENSHOT_ARTIFACTS_DIR}/analytics.png`, await stillScreenshot(page, { fullPage: true }));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows the empty state to a shop without orders', async () => {
    const { page, problems } = await open('/analytics', EMPTY_SHOP);
    const empty = page.getByTestId('analytics-empty');
    await empty.waitFor({ timeout: 30_000 });
    await expectReallyVisible(empty.getByText('No orders in this range'));
    expect(await whyNotVisible(page.getByTestId('tile-orders'))).toBe('no element matches');
    expect(await seriousA11yViolations(page)).toEqual([]);
    writeFileSync(`${SCREENSHOT_ARTIFACTS_DIR}/analytics-empty.png`, await stillScreenshot(page, { fullPage: true }));
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
