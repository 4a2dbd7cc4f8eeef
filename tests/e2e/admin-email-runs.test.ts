// The monthly statement's progress line on the Emails page in a real Chromium: a run half recorded shows its members
// recorded of the total and where their emails are, really visible under the message; it follows the run (polled)
// until every member is recorded and every email has left.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectVisibleAfterScroll } from '../helpers/visible.js';

const app = useTestApp({ frontend: true, env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
  return { page, problems };
}

describe('Emails page: the monthly statement run', () => {
  it('shows the run recorded of total and its emails sent and waiting, and follows it to the end', async () => {
    const members = await app.prisma.member.findMany({ where: { shop: DEV_SHOP }, take: 3, orderBy: { id: 'asc' } });
    const run = await app.prisma.emailRun.create({
      data: { shop: DEV_SHOP, key: 'monthly_statement', cause: '2026-12', total: 10, queued: 3, cursor: members[2]!.id },
    });
    const send = (i: number, status: string) =>
      app.prisma.emailSend.create({
        data: {
          shop: DEV_SHOP,
          memberId: members[i]!.id,
          key: 'monthly_statement',
          category: 'reminder',
          cause: '2026-12',
          to: `m${i}@example.com`,
          locale: 'en',
          status,
        },
      });
    const rows = [await send(0, 'sent'), await send(1, 'queued'), await send(2, 'queued')];

    const { page, problems } = await open('/emails');
    const line = page.getByTestId('email-run-monthly_statement');
    await line.waitFor({ timeout: 30_000 });
    await expectVisibleAfterScroll(line);
    const text = await line.textContent();
    expect(text).toContain('Statement for 2026-12: 3 of 10 members recorded so far.');
    expect(text).toContain('1 sent · 2 waiting');

    // The run goes on: every member recorded, every email sent. The line follows without a reload.
    await app.prisma.emailRun.update({ where: { id: run.id }, data: { status: 'done', queued: 10, total: 10, finishedAt: new Date() } });
    await app.prisma.emailSend.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: 'sent' } });
    await expect.poll(() => line.textContent(), { timeout: 20_000 }).toContain('Statement for 2026-12: all 10 members recorded.');
    expect(await line.textContent()).toContain('3 sent · 0 waiting');
    await expectVisibleAfterScroll(line);
    expect(problems).toEqual([]);
    await page.close();
  });
});
