// The campaign editor's segment picker (issue 17) in a real Chromium: a new
// campaign limited to a segment is saved with it, shows it again when opened
// after a reload, and goes back to every member; axe clean.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { adminApi } from '../helpers/admin.js';
import { expectVisibleAfterScroll } from '../helpers/visible.js';

const app = useTestApp({ frontend: true });
const browser = useBrowser();

describe('campaign editor', () => {
  it('limits a campaign to a segment, shows it again after a reload, and clears it', async () => {
    const tag = `camp-${randomUUID().slice(0, 8)}`;
    const segment = await adminApi(app.url, DEV_SHOP)('POST', '/segments', {
      name: 'Weekend shoppers',
      rules: { all: [{ field: 'tags', op: 'contains', value: tag }] },
    });
    expect(segment.status, segment.text).toBe(201);
    const segmentId: string = segment.body.segment.id;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = collectPageProblems(page);
    await page.goto(`${app.url}/earn-rules?shop=${DEV_SHOP}`);
    const create = page.getByRole('button', { name: 'New campaign' });
    await create.waitFor({ timeout: 60_000 }); // a loaded machine's first page load
    await create.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Segment weekend');
    await dialog.getByLabel('Multiplier').fill('2');
    const day = 86_400_000;
    const local = (at: number) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await dialog.getByLabel('Starts').fill(local(Date.now() + day));
    await dialog.getByLabel('Ends').fill(local(Date.now() + 3 * day));
    const picker = dialog.getByLabel('Only for members of');
    // Polaris draws the select's face beside a transparent native <select>: the face is what a person sees.
    await expectVisibleAfterScroll(picker.locator('xpath=..'));
    await expect.poll(() => picker.locator(`option[value="${segmentId}"]`).count(), { timeout: 10_000 }).toBe(1);
    expect(await picker.locator(`option[value="${segmentId}"]`).textContent()).toBe('Weekend shoppers (0)');
    await picker.selectOption(segmentId);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save' }).click();
    const saved = () => app.prisma.campaign.findFirst({ where: { shop: DEV_SHOP, name: 'Segment weekend' } });
    await expect.poll(async () => (await saved())?.segmentId ?? null, { timeout: 10_000 }).toBe(segmentId);
    // The editor closes once the browser has the answer.
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 10_000 }).toBe(0);

    await page.reload();
    await page.getByRole('button', { name: 'Edit Segment weekend' }).click();
    const again = page.getByRole('dialog').getByLabel('Only for members of');
    await expect.poll(() => again.inputValue(), { timeout: 10_000 }).toBe(segmentId);
    await again.selectOption('');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await saved())!.segmentId, { timeout: 10_000 }).toBeNull();
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 10_000 }).toBe(0);
    expect(problems).toEqual([]);
  });
});
