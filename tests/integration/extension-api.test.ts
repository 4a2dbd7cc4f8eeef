// The checkout UI extension's API (/api/extension) over real HTTP with real
// signed session tokens as Shopify's checkout issues them (HS256 with the app
// secret, aud = API key, dest = the bare shop domain, sub = the buyer's
// Customer GID when logged in): CORS preflight for Shopify's extension origin;
// expired, wrongly signed, other-audience and other-shop tokens refused with
// 401; the order's points for its own customer, 404 for another customer's;
// the due CSAT survey in the buyer's language; answers recorded through the
// survey core (points once for a member, none for a customer who is not one).
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { mintExtensionToken } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });
const SHOPIFY_ORIGIN = 'https://extensions.shopifycdn.com';

const token = (customerId: string | null, overrides: Partial<Parameters<typeof mintExtensionToken>[0]> = {}) =>
  mintExtensionToken({ shop: DEV_SHOP, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, customerId, ...overrides });

async function call(method: 'GET' | 'POST', path: string, bearer: string | null, body?: unknown) {
  const res = await fetch(`${app.url}/api/extension${path}`, {
    method,
    headers: { origin: SHOPIFY_ORIGIN, 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const member = newCustomer('thankyou');
const stranger = newCustomer('stranger');
let memberOrder = '';
let guestOrder = '';
let surveyId = '';

beforeAll(async () => {
  const placed = order({ customer: member, lines: HUNDRED });
  expect((await send(app.url, delivery('orders/paid', placed.payload)))[0]!.status).toBe(200);
  memberOrder = placed.facts.orderId;
  const guest = order({ customer: null, lines: HUNDRED });
  expect((await send(app.url, delivery('orders/paid', guest.payload)))[0]!.status).toBe(200);
  guestOrder = guest.facts.orderId;
  // Older surveys the page must not ask: an NPS for the widget only, a paused CSAT.
  await app.prisma.survey.create({ data: { shop: DEV_SHOP, type: 'nps', name: 'Widget NPS', channels: ['widget'] } });
  await app.prisma.survey.create({ data: { shop: DEV_SHOP, type: 'csat', name: 'Paused', status: 'paused' } });
  surveyId = (await app.prisma.survey.create({ data: { shop: DEV_SHOP, type: 'csat', name: 'Thank-you CSAT', pointsForAnswer: 50 } })).id;
});

describe('CORS', () => {
  it('answers the preflight for Shopify’s extension origin and for nobody else', async () => {
    const preflight = (origin: string) =>
      fetch(`${app.url}/api/extension/order?orderId=x`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,content-type' },
      });
    const ok = await preflight(SHOPIFY_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOPIFY_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('session token', () => {
  it('refuses a missing, expired, wrongly signed, other-app or uninstalled-shop token with 401', async () => {
    const path = `/order?orderId=${encodeURIComponent(memberOrder)}`;
    expect((await call('GET', path, null)).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await token(member.id, { now: now - 600 }),
      await token(member.id, { secret: 'not-the-app-secret' }),
      await token(member.id, { apiKey: 'another-app' }),
      await token(member.id, { shop: 'not-installed.myshopify.com' }),
      'not.a.jwt',
    ];
    for (const bad of refused) {
      const res = await call('GET', path, bad);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toMatch(/session_token|not_installed/);
    }
    // The same request with a good token is answered: the refusals were the token's.
    expect((await call('GET', path, await token(member.id))).status).toBe(200);
  });
});

describe('GET /order', () => {
  it('gives a member their order’s points and the due thank-you CSAT in their language', async () => {
    const res = await call('GET', `/order?orderId=${encodeURIComponent(memberOrder)}&locale=de-DE`, await token(member.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOPIFY_ORIGIN);
    const stored = await app.prisma.order.findFirstOrThrow({ where: { shop: DEV_SHOP, orderId: memberOrder } });
    expect(res.body.order).toEqual({
      points: 100,
      status: 'pending',
      availableAt: stored.pointsAvailableAt!.toISOString(),
      member: true,
    });
    expect(res.body.survey).toMatchObject({ id: surveyId, type: 'csat', pointsForAnswer: 50 });
    expect(res.body.survey.questions).toHaveLength(1);
    expect(res.body.survey.questions[0]).toMatchObject({ key: 'csat', scale: { min: 1, max: 5 } });
    // German wording, not the English default.
    const english = await call('GET', `/order?orderId=${encodeURIComponent(memberOrder)}&locale=en`, await token(member.id));
    expect(res.body.survey.questions[0].text).not.toBe(english.body.survey.questions[0].text);
  });

  it('accepts the Thank-you page’s OrderIdentity GID for the same order', async () => {
    const identity = memberOrder.replace('/Order/', '/OrderIdentity/');
    const res = await call('GET', `/order?orderId=${encodeURIComponent(identity)}`, await token(member.id));
    expect(res.status).toBe(200);
    expect(res.body.order.points).toBe(100);
  });

  it('answers 404 for another customer’s order, and for a customer’s order to a guest', async () => {
    const path = `/order?orderId=${encodeURIComponent(memberOrder)}`;
    expect((await call('GET', path, await token(stranger.id))).status).toBe(404);
    expect((await call('GET', path, await token(null))).status).toBe(404);
  });

  it('shows a guest a guest order’s points as join wording, and asks no survey', async () => {
    const res = await call('GET', `/order?orderId=${encodeURIComponent(guestOrder)}`, await token(null));
    expect(res.status).toBe(200);
    expect(res.body.order).toMatchObject({ points: 100, member: false });
    expect(res.body.survey).toBeNull();
  });

  it('gives order null (not yet seen) for an order Tally has no record of, and 400 for a non-order id', async () => {
    const unknown = await call('GET', `/order?orderId=${encodeURIComponent('gid://shopify/Order/1')}`, await token(member.id));
    expect(unknown.status).toBe(200);
    expect(unknown.body.order).toBeNull();
    expect((await call('GET', `/order?orderId=${encodeURIComponent('gid://shopify/Customer/1')}`, await token(member.id))).status).toBe(
      400,
    );
  });
});

describe('POST /surveys/:id/responses', () => {
  it('records a member’s answer with 50 points once; a second answer replaces it without paying again', async () => {
    const body = { answers: { csat: 4 }, comment: 'Quick checkout', channel: 'thank_you', orderId: memberOrder };
    const first = await call('POST', `/surveys/${surveyId}/responses`, await token(member.id), body);
    expect(first.status).toBe(201);
    expect(first.body.pointsAwarded).toBe(50);
    const m = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: member.id } });
    const stored = await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: first.body.response.id } });
    expect(stored).toMatchObject({ respondent: `member:${m.id}`, channel: 'thank_you', orderId: memberOrder, comment: 'Quick checkout' });
    expect(stored.answers).toEqual({ csat: 4 });
    const again = await call('POST', `/surveys/${surveyId}/responses`, await token(member.id), {
      ...body,
      answers: { csat: 5 },
      channel: 'order_status',
    });
    expect(again.status).toBe(200);
    expect(again.body.pointsAwarded).toBe(0);
    const replaced = await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: first.body.response.id } });
    expect(replaced).toMatchObject({ channel: 'order_status', answers: { csat: 5 } });
    const entries = await app.prisma.pointEntry.findMany({ where: { shop: DEV_SHOP, memberId: m.id, source: 'SURVEY' } });
    expect(entries.map((e) => Number(e.points))).toEqual([50]);
    // Answered: the page no longer asks it.
    const after = await call('GET', `/order?orderId=${encodeURIComponent(memberOrder)}`, await token(member.id));
    expect(after.body.survey).toBeNull();
  });

  it('records a customer who is not a member as customer:<gid> without points; refuses a guest and a score off the scale', async () => {
    const path = `/surveys/${surveyId}/responses`;
    // Asked too, though not a member (an order Tally has not seen yet: no points line).
    const page = await call('GET', `/order?orderId=${encodeURIComponent('gid://shopify/Order/2')}`, await token(stranger.id));
    expect(page.body).toMatchObject({ order: null, survey: { id: surveyId, type: 'csat' } });
    const offScale = await call('POST', path, await token(stranger.id), { answers: { csat: 9 }, channel: 'thank_you' });
    expect(offScale.status).toBe(400);
    const res = await call('POST', path, await token(stranger.id), { answers: { csat: 2 }, channel: 'thank_you', orderId: memberOrder });
    expect(res.status).toBe(201);
    expect(res.body.pointsAwarded).toBe(0);
    const stored = await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: res.body.response.id } });
    // Another customer's order is not kept with their answer.
    expect(stored).toMatchObject({ respondent: `customer:${stranger.id}`, isMember: false, memberId: null, orderId: null });
    expect((await call('POST', path, await token(null), { answers: { csat: 3 }, channel: 'thank_you' })).status).toBe(404);
  });
});
