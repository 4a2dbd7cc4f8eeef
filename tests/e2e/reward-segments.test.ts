// The reward editor limits a reward to segments (issue 17): in a real Chromium
// against the production build, the segments (RFM by name, the merchant's own
// rule segments) are offered as choices a person can see, and ticking one
// saves it as the reward keeps it (an RFM segment by its handle).
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { collectPageProblems } from '../helpers/browser.js';
import { expectVisibleAfterScroll } from '../helpers/visible.js';

const app = useTestApp({ frontend: true });
const browser = useBrowser();

describe('reward editor', () => {
  it('offers the segments and saves the ones ticked, and keeps them when edited again', async () => {
    const made = await adminApi(app.url)('POST', '/segments', {
      name: 'Newsletter fans',
      rules: { all: [{ field: 'emailConsent', op: 'eq', value: true }] },
    });
    expect(made.status).toBe(201);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/rewards?shop=${DEV_SHOP}`);
    await page.locator('[data-testid="reward-row"][data-name="5 off for 500 points"]').click({ timeout: 60_000 });
    const editor = page.getByTestId('definition-editor');
    // Polaris draws its own box over the (transparent) input: the labels are what a person sees and clicks.
    const champions = editor.getByText(/^Champions \(\d+\)$/);
    const mine = editor.getByText(/^Newsletter fans \(\d+\)$/);
    await expectVisibleAfterScroll(champions, 20_000);
    await expectVisibleAfterScroll(mine);
    await champions.click();
    await mine.click();
    await expect.poll(() => editor.getByRole('checkbox', { name: /^Champions \(\d+\)$/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await app.prisma.reward.findUniqueOrThrow({ where: { id: reward.id } })).segmentIds.sort(), { timeout: 10_000 })
      .toEqual(['champions', made.body.segment.id].sort());

    // Edited again (the limit per member), the segments stay.
    await page.locator('[data-testid="reward-row"][data-name="5 off for 500 points"]').click({ timeout: 10_000 });
    await expect.poll(() => editor.getByRole('checkbox', { name: /^Champions \(\d+\)$/ }).isChecked(), { timeout: 10_000 }).toBe(true);
    await editor.getByLabel('Limit per member').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await app.prisma.reward.findUniqueOrThrow({ where: { id: reward.id } })).limitPerMember, { timeout: 10_000 })
      .toBe(2);
    expect((await app.prisma.reward.findUniqueOrThrow({ where: { id: reward.id } })).segmentIds.sort()).toEqual(
      ['champions', made.body.segment.id].sort(),
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});
