// The Imports page in a real Chromium: a member CSV with good and bad rows is
// uploaded and checked (each bad row with its number, column and reason,
// really visible, and as a downloadable CSV report), applied, and its
// progress followed until done; the import is listed and undone after a
// confirmation. The nav has the entry; axe finds nothing serious.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { guestCustomerId } from '../../web/loyalty/members.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { SCREENSHOT_ARTIFACTS_DIR } from '../helpers/screenshots.js';
import { expectReallyVisible, expectVisibleAfterScroll } from '../helpers/visible.js';

const app = useTestApp({ frontend: true });
const browser = useBrowser();

beforeAll(() => mkdirSync(SCREENSHOT_ARTIFACTS_DIR, { recursive: true }));

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
  return { page, problems };
}

const CSV = [
  'Email,Customer ID,Points,VIP Tier,First Name',
  'e2e.ann@example.com,,120,Gold,Ann', // 1
  'not-an-email,,50,,Bob', // 2: bad email
  'e2e.cy@example.com,,-4,,Cy', // 3: negative points
  'e2e.dee@example.com,,75,,Dee', // 4
  'e2e.eve@example.com,,30,,Eve', // 5
].join('\n');

describe('Imports page', () => {
  it('checks a file (bad rows with their number, column and reason, downloadable), applies it, shows progress to done, and undoes it', async () => {
    const { page, problems } = await open('/imports');
    // The nav leads here.
    const nav = page.getByRole('link', { name: 'Imports', exact: true }).first();
    await nav.waitFor({ timeout: 30_000 });
    await expectReallyVisible(nav);
    const heading = page.getByRole('heading', { name: 'Import members from a CSV file' });
    await expectReallyVisible(heading);
    await expectReallyVisible(page.getByRole('button', { name: 'Choose a CSV file' }));
    await expect.poll(() => page.getByText('No imports yet.').count(), { timeout: 20_000 }).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Upload: the dry run answers at once.
    await page.locator('input[type="file"]').setInputFiles({ name: 'smile-export.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 20_000 });
    await expectReallyVisible(summary);
    expect(await summary.textContent()).toContain('5 rows: 3 ready to import, 2 with problems');
    const table = page.getByTestId('import-errors');
    await expectVisibleAfterScroll(table);
    const cells = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));
    expect(cells.map((r) => r.slice(0, 2))).toEqual([
      ['2', 'Email'],
      ['3', 'Points'],
    ]);
    expect(cells[0]![2]).toMatch(/not an email/);
    expect(cells[1]![2]).toMatch(/negative/);
    // The error message is really on screen, not clipped away.
    await expectReallyVisible(table.locator('tbody tr').nth(1).locator('td').last());

    // The report as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download error report (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('smile-export-errors.csv');
    const report = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(report[0]).toBe('row,column,message');
    expect(report[1]).toMatch(/^2,Email,"?.*not an email/);
    expect(report[2]).toMatch(/^3,Points,.*negative/);

    // Apply, setting balances; progress is followed until done.
    const applyButton = page.getByRole('button', { name: 'Import 3 members' });
    await expectVisibleAfterScroll(applyButton);
    expect(await page.getByRole('radio', { name: "Set each member's balance to the file's points" }).isChecked()).toBe(true);
    await applyButton.click();
    const progressText = page.getByTestId('import-progress-text');
    await progressText.waitFor({ timeout: 20_000 });
    await expectVisibleAfterScroll(progressText);
    await expect.poll(() => progressText.textContent(), { timeout: 30_000 }).toBe('3 of 3 rows');
    await expect.poll(() => page.getByTestId('import-status').textContent(), { timeout: 30_000 }).toMatch(/Done$/);
    await expectReallyVisible(page.getByTestId('import-status'));
    // The bar is full and visible.
    const bar = page.getByTestId('import-progress').locator('.Polaris-ProgressBar');
    await expectReallyVisible(bar);
    await expect
      .poll(
        () =>
          bar.evaluate((el) => {
            const indicator = el.querySelector('.Polaris-ProgressBar__Indicator')!;
            return Math.round((indicator.getBoundingClientRect().width / el.getBoundingClientRect().width) * 100);
          }),
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(99);
    expect(
      Number(
        (await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: guestCustomerId('e2e.ann@example.com') } }))
          .pointsAvailable,
      ),
    ).toBe(120);
    expect((await checkLedger(app.prisma, DEV_SHOP)).offenders).toEqual([]);

    // Listed with its errors and an Undo, which asks first.
    const past = page.getByTestId('past-imports');
    await expect.poll(() => past.locator('tbody tr').count(), { timeout: 20_000 }).toBe(1);
    await expectVisibleAfterScroll(past);
    expect(await past.locator('tbody tr').first().textContent()).toContain('Done');
    await expectReallyVisible(past.getByRole('button', { name: '2 errors' }));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/imports.png`, fullPage: true });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await past.getByRole('button', { name: 'Undo' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 10_000 });
    await expectReallyVisible(dialog.getByText(/takes back the points this import gave/));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Undo import' }).click();
    await expect.poll(() => past.locator('tbody tr').first().textContent(), { timeout: 30_000 }).toContain('Undone');
    expect(await past.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    expect(
      Number(
        (await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: guestCustomerId('e2e.ann@example.com') } }))
          .pointsAvailable,
      ),
    ).toBe(0);
    expect((await checkLedger(app.prisma, DEV_SHOP)).offenders).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
