// Members and their page as a store owner reads them, in a real Chromium:
// names are Polaris links in the table's own colour (no browser-blue
// underline), and a member's page speaks the shop's words — order names
// ("#8559", not the numeric id), translated statuses, what each redemption
// was for, and no "kept until" on the base tier.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { HUNDRED, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';
import { expectReallyVisible } from '../helpers/visible.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const app = useTestApp({ frontend: true });
const browser = useBrowser();
let code = '';
let memberId = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // A member with an order whose points still wait and a reward issued from the admin.
  const member = await app.prisma.member.findFirstOrThrow({
    where: { shop: DEV_SHOP, customerId: { startsWith: 'gid://shopify/Customer/' } },
    orderBy: { pointsAvailable: 'desc' },
  });
  memberId = member.id;
  await send(
    app.url,
    delivery('orders/paid', order({ customer: { id: member.customerId, email: member.email ?? undefined }, lines: HUNDRED }).payload),
  );
  const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
  const issued = await adminApi(app.url)('POST', `/members/${member.id}/redemptions`, { rewardId: reward.id });
  expect(issued.status).toBe(201);
  code = issued.body.redemption.code;
  expect(code).toBeTruthy();
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

/** A member's name as a Polaris link in a table: the text's own colour, bold, no underline. */
async function expectTableNameLink(link: Locator) {
  await expectReallyVisible(link);
  const style = await link.evaluate((a) => {
    const cell = a.closest('td')!;
    const own = getComputedStyle(a);
    return {
      color: own.color,
      cellColor: getComputedStyle(cell).color,
      underline: own.textDecorationLine,
      weight: Number(getComputedStyle(a.querySelector('span') ?? a).fontWeight),
      polaris: a.className,
    };
  });
  expect(style.color, 'not the browser’s link blue').not.toBe('rgb(0, 0, 238)');
  expect(style.color, 'the table’s text colour (monochrome)').toBe(style.cellColor);
  expect(style.underline).toBe('none');
  expect(style.weight).toBeGreaterThanOrEqual(600);
  expect(style.polaris).toContain('Polaris-Link');
}

describe('members', () => {
  it('shows member names as Polaris links in the Members and Redemptions tables, and a click on the row opens the member', async () => {
    const { page, problems } = await open('/members');
    const first = page.locator('tbody').getByRole('link').first();
    await first.waitFor({ timeout: 20_000 });
    await expectTableNameLink(first);
    await shot(page, 'members');
    // IndexTable's convention: the whole row leads to the member, not only the name.
    const name = await first.textContent();
    await page.getByRole('row').filter({ hasText: name! }).first().getByRole('cell').nth(2).click();
    await page.getByTestId('member').waitFor({ timeout: 10_000 });
    expect(page.url()).toMatch(/\/members\/[\w-]+\?shop=/);

    const redemptions = await open('/redemptions');
    const link = redemptions.page.getByTestId('redemption-list').getByRole('row').filter({ hasText: code }).getByRole('link').first();
    await link.waitFor({ timeout: 20_000 });
    await expectTableNameLink(link);
    await shot(redemptions.page, 'redemptions-links');
    expect([...problems, ...redemptions.problems]).toEqual([]);
    await page.close();
    await redemptions.page.close();
  });

  it("shows the member page in the shop's words: order names, statuses, rewards with their code", async () => {
    const { page, problems } = await open(`/members/${memberId}`);
    const history = page.getByTestId('member-history');
    await history.waitFor({ timeout: 20_000 });
    const text = (await history.textContent())!;
    const orders = await app.prisma.order.findMany({ where: { shop: DEV_SHOP, memberId }, select: { name: true } });
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) expect(text).toContain(`Order ${o.name}`);
    expect(text, 'no numeric order ids').not.toMatch(/#\d{10,}/);

    // Every ledger row says where its points stand.
    const rows = history.locator('tbody tr');
    const count = await rows.count();
    expect(count).toBeGreaterThan(2);
    for (let i = 0; i < count; i++) {
      const status = rows.nth(i).locator('td, th').nth(3);
      expect((await status.textContent())?.trim(), `status of history row ${i + 1}`).toMatch(
        /^(Attention|Success)?(Pending until .+|Available|Deducted|Cancelled)$/,
      ); // Polaris reads a badge's tone to screen readers only
    }
    const pending = history.getByText(/^Pending until /).first();
    await pending.scrollIntoViewIfNeeded();
    await expectReallyVisible(pending);
    const redeemed = rows.filter({ hasText: 'Redeemed' }).first();
    expect(await redeemed.textContent()).toContain(`5 off for 500 points · code ${code}`);

    const rewards = page.getByTestId('member-redemptions');
    const issued = rewards.getByText('Issued', { exact: true }).first();
    await issued.scrollIntoViewIfNeeded();
    await expectReallyVisible(issued);
    expect(await rewards.textContent()).not.toContain('ISSUED');
    await shot(page, 'member-page');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a member's purchases: the figures and the orders table, really visible, axe clean", async () => {
    // A member with two sales written as the order webhooks store them (net sales, customer, dates), and a cancelled order.
    const customerId = 'gid://shopify/Customer/6600001';
    const member = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId, firstName: 'Olga', lastName: 'Orders' } });
    const sale = (n: number, at: string, net: number | null) =>
      app.prisma.order.create({
        data: {
          shop: DEV_SHOP,
          orderId: `gid://shopify/Order/66000${n}`,
          name: `#66${n}`,
          currencyCode: 'USD',
          totalMinor: net ?? 100,
          processedAt: new Date(at),
          sourceUpdatedAt: new Date(at),
          paidAt: net === null ? null : new Date(at),
          netSalesMinor: net,
          customerKey: customerId,
          memberId: member.id,
        },
      });
    await sale(1, '2025-06-01T10:00:00Z', 12_345);
    await sale(2, '2025-06-11T10:00:00Z', 6_655);
    await sale(3, '2025-06-20T10:00:00Z', null);
    const { page, problems } = await open(`/members/${member.id}`);
    const table = page.getByTestId('member-orders');
    await table.waitFor({ timeout: 20_000 });
    // LTV 123.45 + 66.55 = 190.00; AOV 95.00; 2 orders; 10 days between them; days since in the shop's zone (Warsaw).
    const expectFigure = async (testId: string, text: string) => {
      const figure = page.getByTestId(testId);
      await expect.poll(() => figure.textContent()).toBe(text);
      await figure.scrollIntoViewIfNeeded();
      await expectReallyVisible(figure.locator('p'));
    };
    const today = Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date()));
    await expectFigure('member-ltv', '$190.00');
    await expectFigure('member-aov', '$95.00');
    await expectFigure('member-orders-count', '2');
    await expectFigure('member-avg-gap', '10');
    await expectFigure('member-days-since', ((today - Date.parse('2025-06-11')) / 86_400_000).toLocaleString('en'));
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const cells = async (i: number) => (await rows.nth(i).locator('td, th').allTextContents()).map((c) => c.trim());
    expect(await cells(0)).toEqual(['Jun 11, 2025', '#662', '$66.55', '0', '—']);
    expect(await cells(1)).toEqual(['Jun 1, 2025', '#661', '$123.45', '0', '—']);
    for (const text of ['#662', '$123.45']) {
      const cell = table.getByText(text, { exact: true });
      await cell.scrollIntoViewIfNeeded();
      await expectReallyVisible(cell);
    }
    await shot(page, 'member-orders');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('does not say "kept until" on the base tier', async () => {
    const lowest = await app.prisma.tier.findFirstOrThrow({ where: { shop: DEV_SHOP }, orderBy: { threshold: 'asc' } });
    const onBase = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, tierId: lowest.id, tierKeptUntil: { not: null } } });
    const { page, problems } = await open(`/members/${onBase.id}`);
    const tier = page.getByTestId('member-tier');
    await expect.poll(() => tier.getAttribute('data-tier'), { timeout: 20_000 }).toBe(lowest.id);
    await expectReallyVisible(tier.getByText(lowest.name, { exact: true }));
    expect(await tier.getByText(/Kept until/).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
