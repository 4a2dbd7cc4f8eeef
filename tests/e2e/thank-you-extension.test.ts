// Tally's checkout UI extension (extensions/tally-thank-you) in a real
// Chromium through the local harness (tests/e2e/harness/thank-you): its
// built Preact tree rendered with the `s-*` components, calling the real
// running app cross-origin with real session tokens. A member's Thank-you
// page shows the order's points, the CSAT question is answered with the
// keyboard only and lands in the database with its points; axe finds no
// serious or critical violation before and after; the page is saved as a
// screenshot. A refused token leaves nothing on the page and no error.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { mintExtensionToken } from '../../web/shopify/signing.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { useBrowser, useTestApp } from '../helpers/app.js';
import { collectPageProblems } from '../helpers/browser.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { expectReallyVisible } from '../helpers/visible.js';
import { delivery, send } from '../helpers/webhooks.js';
import { startThankYouHarness, type Harness } from './harness/thank-you/server.js';

const ARTIFACTS = 'tests/e2e/artifacts';
const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const browser = useBrowser();
const buyer = newCustomer('thankyou-e2e');
let harness: Harness;
let orderId = '';
let surveyId = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  harness = await startThankYouHarness(app.url);
  const placed = order({ customer: buyer, lines: HUNDRED });
  expect((await send(app.url, delivery('orders/paid', placed.payload)))[0]!.status).toBe(200);
  orderId = placed.facts.orderId;
  surveyId = (await app.prisma.survey.create({ data: { shop: DEV_SHOP, type: 'csat', name: 'After checkout', pointsForAnswer: 50 } })).id;
});
afterAll(() => harness?.close());

/** A buyer's Thank-you (or Order status) page; `token` mints each session token the extension asks for. */
async function thankYouPage(
  locale: string,
  token: () => Promise<string>,
  target: 'purchase.thank-you.block.render' | 'customer-account.order-status.block.render' = 'purchase.thank-you.block.render',
) {
  const context = await browser.newContext({ viewport: { width: 800, height: 1000 }, locale });
  const page = await context.newPage();
  const { problems } = collectPageProblems(page);
  await page.exposeFunction('tallyHarnessToken', token);
  // As Shopify gives it on the Thank-you page: the order's identity GID; the Order status page has the Order GID.
  const shown = target === 'purchase.thank-you.block.render' ? orderId.replace('/Order/', '/OrderIdentity/') : orderId;
  await page.goto(harness.pageUrl({ locale, target, orderId: shown }));
  await expect.poll(() => page.evaluate(() => window.tallyHarness.ready || window.tallyHarness.error)).toBe(true);
  return { context, page, problems };
}

const memberToken = () => mintExtensionToken({ shop: DEV_SHOP, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, customerId: buyer.id });

/** The accessible name of the element that has the keyboard focus (through the s-* elements' shadow roots). */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    let host: Element | null = null;
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) [host, el] = [el, el.shadowRoot.activeElement];
    if (!el) return '';
    // A button's text is slotted from its host's light DOM.
    const text = (el.textContent ?? '').trim() || (el.tagName === 'BUTTON' ? (host?.textContent ?? '').trim() : '');
    return (el.getAttribute('aria-label') ?? text) || el.tagName.toLowerCase();
  });

async function tabTo(page: Page, name: string | RegExp, limit = 20) {
  for (let i = 0; i < limit; i++) {
    const current = await focusedName(page);
    if (typeof name === 'string' ? current === name : name.test(current)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name} (last: ${await focusedName(page)})`);
}

const scoreButton = (page: Page, score: number, max = 5): Locator => page.locator(`s-button button[aria-label="${score} out of ${max}"]`);

describe('Thank-you page', () => {
  it('shows a member the order’s points, takes a CSAT answer from the keyboard, and records it', async () => {
    const { context, page, problems } = await thankYouPage('en', memberToken);
    try {
      const stored = await app.prisma.order.findFirstOrThrow({ where: { shop: DEV_SHOP, orderId } });
      const date = new Intl.DateTimeFormat('en', { dateStyle: 'long' }).format(stored.pointsAvailableAt!);
      const points = page.locator('s-paragraph', { hasText: 'This order earns' });
      await expect.poll(() => points.textContent()).toBe(`This order earns 100 points, available on ${date}.`);
      await expectReallyVisible(points);
      await expectReallyVisible(page.locator('s-section >> h2'));
      expect(await page.locator('s-section >> h2').textContent()).toBe('Rewards');
      await expectReallyVisible(page.locator('s-heading', { hasText: 'How satisfied' }));
      for (let score = 1; score <= 5; score++) await expectReallyVisible(scoreButton(page, score));
      expect(await seriousA11yViolations(page)).toEqual([]);

      // Keyboard only: Tab to "4 out of 5", choose it, then the comment, then send.
      await tabTo(page, '4 out of 5');
      await page.keyboard.press('Enter');
      expect(await focusedName(page)).toBe('4 out of 5, chosen');
      const comment = page.locator('s-text-area >> textarea');
      await expectReallyVisible(comment);
      await tabTo(page, 'textarea');
      await page.keyboard.type('Checkout was quick');
      await page.screenshot({ path: `${ARTIFACTS}/thank-you-extension-question.png`, fullPage: true });
      await tabTo(page, 'Send answer');
      await page.keyboard.press('Enter');

      const thanks = page.locator('s-stack[role="status"] s-paragraph');
      await expect.poll(() => thanks.textContent()).toBe('Thank you! 50 points were added to your account.');
      await expectReallyVisible(thanks);
      const member = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: buyer.id } });
      const responses = await app.prisma.surveyResponse.findMany({ where: { surveyId } });
      expect(responses).toHaveLength(1);
      expect(responses[0]).toMatchObject({
        respondent: `member:${member.id}`,
        answers: { csat: 4 },
        comment: 'Checkout was quick',
        channel: 'thank_you',
        orderId,
        pointsAwarded: 50,
      });
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/thank-you-extension-answered.png`, fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('speaks the buyer’s language (German) once answered: the points line, no question left', async () => {
    const { context, page } = await thankYouPage('de', memberToken);
    try {
      const points = page.locator('s-paragraph', { hasText: 'Diese Bestellung bringt 100 Punkte' });
      await expectReallyVisible(points);
      expect(await page.locator('s-heading').count()).toBe(0);
      expect(await page.locator('s-section >> h2').textContent()).toBe('Prämien');
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks a newer NPS survey on the Order status page, answered with the keyboard (0–10)', async () => {
    const nps = await app.prisma.survey.create({ data: { shop: DEV_SHOP, type: 'nps', name: 'Order status NPS', pointsForAnswer: 30 } });
    const { context, page, problems } = await thankYouPage('en', memberToken, 'customer-account.order-status.block.render');
    try {
      await expectReallyVisible(page.locator('s-heading', { hasText: 'How likely are you to recommend' }));
      for (const score of [0, 5, 10]) await expectReallyVisible(scoreButton(page, score, 10));
      expect(await page.locator('s-button button[aria-label$="out of 10"]').count()).toBe(11);
      await tabTo(page, '9 out of 10');
      await page.keyboard.press('Enter');
      await page.screenshot({ path: `${ARTIFACTS}/order-status-extension-nps.png`, fullPage: true });
      await tabTo(page, 'Send answer');
      await page.keyboard.press('Enter');
      const thanks = page.locator('s-stack[role="status"] s-paragraph');
      await expect.poll(() => thanks.textContent()).toBe('Thank you! 30 points were added to your account.');
      const [response] = await app.prisma.surveyResponse.findMany({ where: { surveyId: nps.id } });
      expect(response).toMatchObject({ answers: { nps: 9 }, comment: null, channel: 'order_status', pointsAwarded: 30 });
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('renders nothing and raises no error when the token is refused', async () => {
    const expired = () =>
      mintExtensionToken({
        shop: DEV_SHOP,
        apiKey: DEV_API_KEY,
        secret: DEV_API_SECRET,
        customerId: buyer.id,
        now: Math.floor(Date.now() / 1000) - 900,
      });
    const { context, page, problems } = await thankYouPage('en', expired);
    try {
      // Give the refused request time to come back, then: an empty block, the page untouched.
      await page.waitForLoadState('networkidle');
      expect(await page.locator('s-section').count()).toBe(0);
      expect(await page.evaluate(() => window.tallyHarness.error)).toBeNull();
      // The browser logs the 401 response itself; nothing else went wrong.
      expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
