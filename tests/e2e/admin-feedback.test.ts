// The Feedback pages in a real Chromium (issue 21): an NPS survey created
// through "Create survey", answered by ten members with known scores through
// the signed app proxy (as the widget sends them); its page shows the
// hand-computed NPS, respondents and counts, the formula, the distribution
// chart drawn where a person looks, the comments filtered by band, marked
// handled and saved as CSV; the dashboard's NPS tile agrees. Axe clean, screenshots.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adminApi } from '../helpers/admin.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { collectPageProblems } from '../helpers/browser.js';
import { proxyApi } from '../helpers/requests.js';
import { SCREENSHOT_ARTIFACTS_DIR } from '../helpers/screenshots.js';
import { expectReallyVisible, expectVisibleAfterScroll, expectChartDrawn } from '../helpers/visible.js';

const app = useTestApp({ frontend: true });
const browser = useBrowser();
const api = () => adminApi(app.url, DEV_SHOP);

beforeAll(() => mkdirSync(SCREENSHOT_ARTIFACTS_DIR, { recursive: true }));

// Ten members' scores and comments: promoters 9–10, passives 7–8, detractors 0–6 (METRICS.md).
const ANSWERS: Array<[number, string]> = [
  [10, 'Love the points'],
  [10, 'Great rewards'],
  [9, 'Fast shipping'],
  [9, 'Nice'],
  [9, 'Good value'],
  [8, 'Fine'],
  [7, 'ok'],
  [6, 'Parcel arrived late'],
  [3, 'Late again'],
  [0, 'Never again'],
];
const promoters = ANSWERS.filter(([s]) => s >= 9).length;
const detractors = ANSWERS.filter(([s]) => s <= 6).length;
const passives = ANSWERS.length - promoters - detractors;
const NPS = (100 * (promoters - detractors)) / ANSWERS.length;

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  // The merchant's browser in the shop's time zone: the date range's "today" is the shop's (the answers' local day).
  const { ianaTimezone } = await app.prisma.shop.findUniqueOrThrow({ where: { domain: DEV_SHOP } });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: ianaTimezone });
  const { problems } = collectPageProblems(page);
  await page.goto(`${app.url}${path}?shop=${DEV_SHOP}`);
  return { page, problems };
}

/** Ten members answer in the storefront: the signed app proxy route, as the widget sends it. */
async function answer(surveyId: string) {
  const members = await app.prisma.member.findMany({
    where: { shop: DEV_SHOP, redactedAt: null, customerId: { startsWith: 'gid://' } },
    orderBy: { id: 'asc' },
    take: ANSWERS.length,
  });
  expect(members).toHaveLength(ANSWERS.length);
  for (const [i, [score, comment]] of ANSWERS.entries()) {
    const res = await proxyApi(app.url, 'POST', `/surveys/${surveyId}/responses`, members[i]!.customerId, {
      answers: { nps: score },
      comment,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.pointsAwarded).toBe(50);
  }
}

describe('Feedback page', () => {
  it('creates an NPS survey, shows its hand-computed score, chart and comments, marks one handled, axe clean', async () => {
    const { page, problems } = await open('/feedback');
    await page.getByTestId('feedback').and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
    await expectReallyVisible(page.getByRole('link', { name: 'Feedback' }).first());
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Create survey' }).first().click();
    const form = page.getByTestId('create-survey');
    await expectReallyVisible(form.getByLabel('Name'));
    expect(await form.getByLabel('Points for answering').inputValue()).toBe('50');
    await form.getByLabel('Name').fill('Post-purchase NPS');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/feedback\/[^/?]+/, { timeout: 15_000 });
    const surveyId = new URL(page.url()).pathname.split('/').pop()!;
    const created = await api()('GET', `/surveys/${surveyId}`);
    expect(created.body.survey).toMatchObject({ type: 'nps', name: 'Post-purchase NPS', pointsForAnswer: 50, trigger: { kind: 'manual' } });

    await answer(surveyId);
    await page.reload();
    const score = page.getByTestId('survey-score');
    await score.waitFor({ timeout: 30_000 });
    await expect.poll(() => score.getAttribute('data-value'), { timeout: 15_000 }).toBe(String(NPS));
    await expectReallyVisible(score);
    expect(await score.textContent()).toBe(`${NPS > 0 ? '+' : ''}${NPS}`);
    expect(await page.getByTestId('survey-respondents').getAttribute('data-value')).toBe(String(ANSWERS.length));
    const counts = await page.getByTestId('nps-counts').textContent();
    expect(counts).toContain(`Promoters (9–10): ${promoters}`);
    expect(counts).toContain(`Passives (7–8): ${passives}`);
    expect(counts).toContain(`Detractors (0–6): ${detractors}`);

    // The formula, behind "How is this calculated?".
    const how = page.getByRole('button', { name: 'How is this calculated?' });
    await how.click();
    expect(await how.getAttribute('aria-expanded')).toBe('true');
    await expectVisibleAfterScroll(page.getByTestId('score-formula').getByText('% detractors (answers 0–6)', { exact: false }));

    // The distribution: drawn, with a real size, where a person looks (the drawing is inert: the hit lands in its card).
    const chart = page.getByTestId('distribution-chart').getByTestId('chart');
    await chart.scrollIntoViewIfNeeded();
    await expect.poll(() => chart.locator('svg rect, svg path').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expectChartDrawn(chart, 'distribution-chart');
    // Behind it, its figures for screen readers: a row per score answered, with its count.
    const rows = await page
      .getByTestId('distribution-chart')
      .locator('table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
    const byScore = new Map<string, number>();
    for (const [s] of ANSWERS) byScore.set(String(s), (byScore.get(String(s)) ?? 0) + 1);
    expect(new Map(rows.map(([k, v]) => [k!, Number(v)]))).toEqual(byScore);

    // Members against non-members: all ten are members.
    const groups = page.getByTestId('groups-table');
    await expectVisibleAfterScroll(groups);
    expect(await groups.textContent()).toContain('Members10+20');

    // Comments: all ten, then the detractors only, then one marked handled.
    const comments = page.getByTestId('comment');
    await expect.poll(() => comments.count(), { timeout: 15_000 }).toBe(ANSWERS.length);
    await page.getByTestId('comments-band').getByLabel('Score').selectOption('detractor');
    await expect.poll(() => comments.count(), { timeout: 15_000 }).toBe(detractors);
    expect((await comments.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))))).every((s) => s <= 6)).toBe(true);
    await page.getByLabel('Search comments').fill('late');
    await expect.poll(() => comments.count(), { timeout: 15_000 }).toBe(2);
    const late = comments.filter({ hasText: 'Parcel arrived late' });
    const mark = late.getByRole('button', { name: 'Mark handled' });
    await expectVisibleAfterScroll(mark);
    await mark.click();
    await expect.poll(() => late.getAttribute('data-handled'), { timeout: 15_000 }).toBe('true');
    const handledId = await late.getAttribute('data-id');
    const stored = await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: handledId! } });
    expect(stored.handledAt).not.toBeNull();
    await page.getByTestId('comments-handled').getByLabel('Handled').selectOption('false');
    await expect.poll(() => comments.count(), { timeout: 15_000 }).toBe(1);
    expect(await comments.first().textContent()).toContain('Late again');
    // The member link opens the member page.
    expect(await comments.first().getByRole('link').getAttribute('href')).toMatch(/^\/members\/[^/]+/);

    // The CSV has the filtered answers: the header and the one detractor still to handle.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV: the answers shown' }).click(),
    ]);
    const csv = (await readFile((await download.path())!, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe('answered_at,nps,score,comment,channel,member,member_id,customer_id,member_email,tier,handled_at');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',3,3,Late again,widget,yes,');

    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByTestId('comments-handled').getByLabel('Handled').selectOption('');
    await page.getByLabel('Search comments').fill('');
    await page.getByTestId('comments-band').getByLabel('Score').selectOption('');
    await expect.poll(() => comments.count(), { timeout: 15_000 }).toBe(ANSWERS.length);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/feedback-nps.png`, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();

    // The dashboard's NPS tile: the same survey over the last 30 days.
    const dash = await open('/');
    const tile = dash.page.getByTestId('stat-nps');
    await tile.waitFor({ timeout: 30_000 });
    await expect.poll(() => tile.getAttribute('data-value'), { timeout: 15_000 }).toBe(String(NPS));
    await expectVisibleAfterScroll(tile);
    expect(await dash.page.getByTestId('stat-csat').textContent()).toBe('—');
    expect(await seriousA11yViolations(dash.page)).toEqual([]);
    await dash.page.getByTestId('feedback-tiles').screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/dashboard-feedback-tiles.png` });
    expect(dash.problems).toEqual([]);
    await dash.page.close();

    // The list: the survey with its answers and score over the last 90 days.
    const list = await open('/feedback');
    const row = list.page.getByTestId('survey-list').locator('tr', { hasText: 'Post-purchase NPS' });
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.locator('td').last().textContent(), { timeout: 15_000 }).toBe(`+${NPS}`);
    // Name, type, status (the badge's tone is named for screen readers), answers, respondents in range, score.
    expect(await row.locator('th, td').allTextContents()).toEqual([
      'Post-purchase NPS',
      'NPS',
      expect.stringContaining('Active'),
      String(ANSWERS.length),
      String(ANSWERS.length),
      `+${NPS}`,
    ]);
    await expectReallyVisible(row.getByRole('link', { name: 'Post-purchase NPS' }));
    expect(await seriousA11yViolations(list.page)).toEqual([]);
    await list.page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/feedback-list.png`, fullPage: true });
    expect(list.problems).toEqual([]);
    await list.page.close();
  });

  it('a CSAT survey shows both forms labelled with their formulas, and a poll its choices, axe clean', async () => {
    const members = await app.prisma.member.findMany({
      where: { shop: DEV_SHOP, redactedAt: null, customerId: { startsWith: 'gid://' } },
      orderBy: { id: 'desc' },
      take: 5,
    });
    const csat = (await api()('POST', '/surveys', { type: 'csat', name: 'Order satisfaction' })).body.survey.id as string;
    const poll = (
      await api()('POST', '/surveys', { type: 'poll', name: 'Next reward', content: { choices: ['Free shipping', 'Tote bag'] } })
    ).body.survey.id as string;
    const scores = [5, 5, 4, 3, 1];
    for (const [i, score] of scores.entries()) {
      expect(
        (await proxyApi(app.url, 'POST', `/surveys/${csat}/responses`, members[i]!.customerId, { answers: { csat: score } })).status,
      ).toBe(201);
      expect(
        (await proxyApi(app.url, 'POST', `/surveys/${poll}/responses`, members[i]!.customerId, { answers: { choice: i % 2 } })).status,
      ).toBe(201);
    }
    // METRICS.md: standard % of answers 4–5; seed 001 (positive 4–5 − negative 1–2) ÷ respondents.
    const standard = (100 * scores.filter((s) => s >= 4).length) / scores.length;
    const seed = (100 * (scores.filter((s) => s >= 4).length - scores.filter((s) => s <= 2).length)) / scores.length;

    const { page, problems } = await open(`/feedback/${csat}`);
    const score = page.getByTestId('survey-score');
    await score.waitFor({ timeout: 30_000 });
    expect(await score.getAttribute('data-value')).toBe(String(standard));
    expect(await score.textContent()).toBe(`${standard}%`);
    expect(await page.getByTestId('survey-score-seed').getAttribute('data-value')).toBe(String(seed));
    await expectReallyVisible(page.getByTestId('survey-score-seed'));
    await page.getByRole('button', { name: 'How is this calculated?' }).click();
    const formula = page.getByTestId('score-formula');
    await expectVisibleAfterScroll(formula.getByText('Seed 001 form', { exact: false }));
    expect(await formula.textContent()).toContain('Standard: % of answers that are 4 or 5.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_ARTIFACTS_DIR}/feedback-csat.png`, fullPage: true });

    // Send now (a manual survey): the banner says how many members were newly asked, as many invites as it wrote
    // (those who answered already hold this period's invite).
    const invitesBefore = await app.prisma.surveyInvite.count({ where: { surveyId: csat } });
    await page.getByRole('button', { name: 'Send now' }).click();
    const outcome = page.getByTestId('survey-action-outcome');
    await outcome.waitFor({ timeout: 15_000 });
    await expectReallyVisible(outcome);
    const asked = Number((await outcome.textContent())!.match(/(\d+) members asked/)![1]);
    expect(asked).toBeGreaterThan(0);
    expect(await app.prisma.surveyInvite.count({ where: { surveyId: csat } })).toBe(invitesBefore + asked);
    // Pause: stored, and the action becomes Resume.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect
      .poll(async () => (await app.prisma.survey.findUniqueOrThrow({ where: { id: csat } })).status, { timeout: 15_000 })
      .toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 15_000 });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${app.url}/feedback/${poll}?shop=${DEV_SHOP}`);
    const chart = page.getByTestId('distribution-chart');
    await chart.locator('table tbody tr').first().waitFor({ state: 'attached', timeout: 30_000 });
    const rows = await chart
      .locator('table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, Number(tr.querySelector('td')!.textContent)]));
    expect(rows).toEqual([
      ['Free shipping', 3],
      ['Tote bag', 2],
    ]);
    await expect.poll(() => page.getByTestId('comment').count(), { timeout: 15_000 }).toBe(5);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
