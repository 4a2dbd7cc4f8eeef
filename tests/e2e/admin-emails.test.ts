// The Emails page in a real Chromium: the messages by category with their
// switches, the editor's live preview (the rendered HTML in a sandboxed iframe,
// really visible, following the draft as it is typed), a Liquid error shown
// with its line, axe clean; a screenshot artifact of the page with the preview.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { SCREENSHOT_ARTIFACTS_DIR } from '../helpers/screenshots.js';
import { expectReallyVisible, expectVisibleAfterScroll } from '../helpers/visible.js';
import { adminApi } from '../helpers/requests.js';

const app = useTestApp({ frontend: true });
const browser = useBrowser();

beforeAll(() => mkdirSync(SCREENSHOT_ARTIFACTS_DIR, { recursive: true }));

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
  return { page, problems };
}

describe('Emails page', () => {
  it('lists the messages by category, previews tier_up live as the body is edited, shows a template error with its line, axe clean', async () => {
    const { page, problems } = await open('/emails');
    const row = page.getByTestId('email-message-tier_up');
    await row.waitFor({ timeout: 30_000 });
    await expectReallyVisible(row);
    await expect.poll(() => page.getByRole('heading', { name: 'Account' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('checkbox', { name: 'On' }).count()).toBeGreaterThanOrEqual(5);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Edit tier_up' }).click();
    const subject = page.getByTestId('email-preview-subject');
    await expect.poll(() => subject.textContent(), { timeout: 20_000 }).toContain("You've reached Gold at Tally Demo Store");
    const iframe = page.getByTestId('email-preview-frame');
    await expectVisibleAfterScroll(iframe);
    const box = (await iframe.boundingBox())!;
    expect(box.width).toBeGreaterThan(400);
    expect(box.height).toBeGreaterThan(300);
    expect(await iframe.getAttribute('sandbox')).toBe('');
    const frame = page.frameLocator('[data-testid="email-preview-frame"]');
    await expect.poll(() => frame.locator('strong').first().textContent(), { timeout: 10_000 }).toBe('Gold');

    // Typing a new body updates the preview (HTML and text part).
    const body = page.getByLabel('Body', { exact: true });
    await body.fill('<p>Hello {{ member.first_name }}, welcome to <em>{{ tier.name }}</em> at {{ shop.name }}.</p>');
    await expect
      .poll(
        () =>
          frame
            .locator('em')
            .first()
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe('Gold');
    expect(await frame.locator('body').textContent()).toContain('Hello Alex, welcome to Gold at Tally Demo Store.');
    await expect.poll(() => page.getByTestId('email-preview-text').textContent()).toContain('Hello Alex, welcome to Gold');
    // The rendered email's own text is visible inside the frame.
    const frameHandle = await iframe.elementHandle();
    const inner = await (await frameHandle!.contentFrame())!.evaluate(() => {
      const em = document.querySelector('em')!;
      const r = em.getBoundingClientRect();
      return { w: r.width, h: r.height, hit: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === em };
    });
    expect(inner.w).toBeGreaterThan(10);
    expect(inner.hit).toBe(true);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/emails.png`, fullPage: true });
    expect(await seriousA11yViolations(page)).toEqual([]);

    // A Liquid error: shown with its line, and the preview keeps the last good render.
    await body.fill('<p>Hello</p>\n<p>{{ member.points | no_such_filter }}</p>');
    const error = page.getByTestId('email-template-error');
    await expect.poll(() => error.textContent().catch(() => null), { timeout: 10_000 }).toMatch(/line 2.*no_such_filter/);
    await expectVisibleAfterScroll(error);
    expect(await page.getByRole('button', { name: 'Save this language' }).isDisabled()).toBe(true);
    // The browser logs the preview's expected 422; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
  });
  it("sets win_back's bonus points and reward in the settings card, saved as the API reads them, and clears the reward", async () => {
    const { page, problems } = await open('/emails');
    const points = page.getByLabel('Win-back bonus points');
    await points.waitFor({ timeout: 30_000 });
    await expectVisibleAfterScroll(points);
    const reward = page.getByLabel('Win-back reward');
    // Polaris draws the select's face beside a transparent native <select>: the face is what a person sees.
    await expectVisibleAfterScroll(reward.locator('xpath=..'));
    const choice = reward.locator('option').nth(1);
    const rewardId = (await choice.getAttribute('value'))!;
    expect(rewardId).not.toBe('');

    await points.fill('250');
    await reward.selectOption(rewardId);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(
        () =>
          page
            .getByText('Email settings saved.')
            .count()
            .catch(() => 0),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    const saved = await adminApi(app.url, 'GET', '/emails/settings');
    expect(saved.body.settings).toMatchObject({ winBackPoints: 250, winBackRewardId: rewardId });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await reward.selectOption('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await adminApi(app.url, 'GET', '/emails/settings')).body.settings.winBackRewardId ?? null, { timeout: 10_000 })
      .toBeNull();
    expect(problems).toEqual([]);
  });

  it('limits win-back and the monthly statement to a segment, saved as the API reads them and shown again after a reload', async () => {
    const { page, problems } = await open('/emails');
    const winBack = page.getByLabel('Win-back goes to');
    await winBack.waitFor({ timeout: 30_000 });
    // Polaris draws the select's face beside a transparent native <select>: the face is what a person sees.
    await expectVisibleAfterScroll(winBack.locator('xpath=..'));
    const statement = page.getByLabel('Monthly statement goes to');
    await expectVisibleAfterScroll(statement.locator('xpath=..'));
    // The segments load after the settings: wait for the RFM segment among the choices.
    await expect.poll(() => statement.locator('option[value="rfm:champions"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await statement.locator('option[value="rfm:champions"]').textContent()).toMatch(/^Champions \(\d+\)$/);

    await statement.selectOption('rfm:champions');
    await winBack.selectOption('rfm:at_risk');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await adminApi(app.url, 'GET', '/emails/settings')).body.settings, { timeout: 10_000 })
      .toMatchObject({ statementAudienceSegmentId: 'rfm:champions', winBackAudienceSegmentId: 'rfm:at_risk' });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.reload();
    await statement.waitFor({ timeout: 30_000 });
    await expect.poll(() => statement.inputValue(), { timeout: 10_000 }).toBe('rfm:champions');
    expect(await winBack.inputValue()).toBe('rfm:at_risk');
    // Back to every member.
    await statement.selectOption('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await adminApi(app.url, 'GET', '/emails/settings')).body.settings.statementAudienceSegmentId ?? null, {
        timeout: 10_000,
      })
      .toBeNull();
    expect(problems).toEqual([]);
  });

  it('sets the detractor alerts address in the settings card, refuses a bad one beside the field, and reads it back', async () => {
    const { page, problems } = await open('/emails');
    const field = page.getByLabel('Send detractor alerts to');
    await field.waitFor({ timeout: 30_000 });
    await expectVisibleAfterScroll(field);

    await field.fill('not an address');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const fieldError = page.getByTestId('email-settings').locator('.Polaris-InlineError');
    await expect.poll(() => fieldError.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expectVisibleAfterScroll(fieldError.first());
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/admin-emails-detractor-alerts.png` });
    expect((await adminApi(app.url, 'GET', '/emails/settings')).body.settings.detractorAlertsTo).toBeNull();

    await field.fill('owner@merchant.test');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await adminApi(app.url, 'GET', '/emails/settings')).body.settings.detractorAlertsTo, { timeout: 10_000 })
      .toBe('owner@merchant.test');
    // The card reads the settings again after a save: reload once that is done, not across it.
    await expect.poll(() => page.getByText('Email settings saved.').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.reload();
    await field.waitFor({ timeout: 30_000 });
    await expect.poll(() => field.inputValue(), { timeout: 10_000 }).toBe('owner@merchant.test');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Emptied: off.
    await field.fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await adminApi(app.url, 'GET', '/emails/settings')).body.settings.detractorAlertsTo, { timeout: 10_000 })
      .toBeNull();
    // The browser logs the bad address's expected 400; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });
});
