// The admin's Activity page in a real Chromium: a reaction that failed is
// shown with its error and a Retry button that is really visible; Retry runs
// it once more, and the failure leaves the page.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { transaction } from '../../web/db/sql.js';
import { emit } from '../../web/events/emit.js';
import { addTestSubscriber } from '../../web/events/registry.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { adminApi } from '../helpers/requests.js';
import { expectReallyVisible } from '../helpers/visible.js';

// One attempt before a delivery is parked, so the failure shows at once.
const app = useTestApp({ frontend: true, events: { maxAttempts: 1 } });
const browser = useBrowser();
const mail = { failing: true, calls: 0 };
let remove: () => void = () => undefined;
beforeAll(() => {
  mkdirSync('test-results/screenshots', { recursive: true });
  remove = addTestSubscriber('birthday-mail', {
    on: 'birthday.reached',
    mode: 'after-commit',
    handle() {
      mail.calls += 1;
      if (mail.failing) throw new Error('Mail server refused the connection');
    },
  });
});
afterAll(() => remove());

describe('admin Activity page', () => {
  it('shows a failed reaction with its error, and Retry runs it once', async () => {
    const member = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    await transaction(app.db.pool, (sql) =>
      emit(sql, { type: 'birthday.reached', shop: DEV_SHOP, memberId: member.id, cause: 'birthday:e2e', data: { birthday: '1990-05-17' } }),
    );
    await app.jobs.events!.settle();
    expect(mail.calls).toBe(1);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/activity?shop=${DEV_SHOP}`);
    const failed = page.getByTestId('failed-deliveries');
    await expect.poll(() => failed.getByText('Mail server refused the connection', { exact: false }).count(), { timeout: 20_000 }).toBe(1);
    await expectReallyVisible(failed.getByTestId('delivery-error'));
    await expectReallyVisible(page.getByRole('link', { name: 'Activity' }).first());
    await expectReallyVisible(page.getByTestId('recent-events').getByText('birthday.reached').first());
    const retry = failed.getByRole('button', { name: 'Retry' });
    await expectReallyVisible(retry);
    await page.screenshot({ path: 'test-results/screenshots/admin-activity-failed.png', fullPage: true });

    mail.failing = false;
    await retry.click();
    await expect.poll(() => page.getByText('No failed reactions.').count(), { timeout: 20_000 }).toBe(1);
    await expectReallyVisible(page.getByText('No failed reactions.'));
    await expect.poll(() => mail.calls, { timeout: 10_000 }).toBe(2);
    await page.screenshot({ path: 'test-results/screenshots/admin-activity-retried.png', fullPage: true });
    const { events } = (await adminApi(app.url, 'GET', `/events?type=birthday.reached&memberId=${member.id}`)).body;
    expect(events[0].deliveries).toMatchObject([{ subscriber: 'test/birthday-mail', status: 'done', attempts: 2, lastError: null }]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
