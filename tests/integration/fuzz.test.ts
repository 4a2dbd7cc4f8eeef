// Fuzzing the doors an outsider (or a broken client) can push on: signed
// order webhooks with any field replaced by anything, the admin API's query
// strings and bodies, and signed storefront requests. Whatever comes in, the
// answer is a 2xx, or a 4xx in the one error shape — never a 5xx — and every
// member's balances still equal their ledger (checked after each property).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { proxyApi } from '../helpers/requests.js';
import { HUNDRED, newCustomer, order, refund } from '../helpers/orders.js';
import { delivery, post } from '../helpers/webhooks.js';

// One customer sends every fuzzed storefront write: with rate limits on, most would stop at 429 before the input is read.
const app = useTestApp({ checkLedger: true, env: { TALLY_RATE_LIMITS: 'off' } });
const admin = () => adminApi(app.url);
const RUNS = { numRuns: 100 };

/** Text an attacker types: NUL and other control characters, quotes, huge numbers, odd Unicode. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 10 }).map((t) => `${t}\u0000${t}`),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '%00',
    '',
    ' ',
    '-1',
    '0',
    '1e308',
    '99999999999',
    '-99999999999',
    'NaN',
    'Infinity',
    '\'; DROP TABLE "Member"; --',
    '\uD800',
    '🙂',
    '2026-13-45',
    'null',
    '[]',
    '{}',
  ),
  // A page cursor as the API makes them (base64url JSON), with anything inside.
  fc
    .record({ v: fc.oneof(fc.string({ maxLength: 12 }), fc.double(), fc.integer(), fc.constant(null)), id: fc.string({ maxLength: 12 }) })
    .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url')),
);
/** Any JSON value, with the nasty text among its strings. */
const anything = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(nasty, nasty, { maxKeys: 3 }),
);

/** Every UTF-8 byte as %XX (encodeURIComponent throws on a lone surrogate, which a client may still send). */
const percentEncoded = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** A 2xx, or a 4xx with { error: { code, message } }. */
function expectHandled(res: { status: number; body: unknown }, what: string) {
  const detail = `${what} → ${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status < 500, detail).toBe(true);
  if (res.status >= 400) expect(res.body, detail).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
}

/** Paths into an order payload that the engine reads. */
const ORDER_PATHS = [
  ['customer'],
  ['customer', 'id'],
  ['customer', 'admin_graphql_api_id'],
  ['customer', 'first_name'],
  ['customer', 'email'],
  ['email'],
  ['currency'],
  ['presentment_currency'],
  ['financial_status'],
  ['cancelled_at'],
  ['created_at'],
  ['name'],
  ['admin_graphql_api_id'],
  ['line_items'],
  ['line_items', '0', 'price'],
  ['line_items', '0', 'quantity'],
  ['line_items', '0', 'gift_card'],
  ['line_items', '0', 'price_set'],
  ['discount_codes'],
  ['discount_codes', '0', 'code'],
  ['note_attributes'],
  ['total_price'],
  ['total_price_set'],
  ['subtotal_price'],
  ['total_discounts'],
  ['refunds'],
  ['shipping_address'],
] as const;

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!next || typeof next !== 'object') return;
    at = next as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
}

/**
 * Amounts at every size money and points columns hold (BIGINT, read as
 * JavaScript numbers: issue 13, item 1): around 2^31, up to 2^53 − 1 and
 * beyond it, as JSON numbers, integer strings and two-decimal strings.
 * Anything up to 2^53 − 1 minor units is applied exactly; beyond is a 4xx.
 */
const hugeInteger = fc.oneof(
  fc.constantFrom(2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n),
  fc.bigInt({ min: 2n ** 31n - 1000n, max: 2n ** 31n + 1000n }),
  fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }),
  fc.bigInt({ min: 2n ** 53n - 1000n, max: 2n ** 64n }),
);
const huge = fc.oneof(
  hugeInteger.map(Number),
  hugeInteger.map((n) => -Number(n)),
  hugeInteger.map(String),
  hugeInteger.map((n) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`),
);

/** A signed delivery is applied (200) or refused as malformed (400): never a 401 (the signing is right) nor a 5xx. */
function expectAppliedOrRefused(res: { status: number; body: unknown }, what: string) {
  expectHandled(res, what);
  expect([200, 400], what).toContain(res.status);
}

describe('fuzzed order webhooks', () => {
  it('answers every signed order, whatever its fields hold, with 200 or a 400 in the error shape', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...ORDER_PATHS), fc.oneof(nasty, anything, huge)), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled'),
        async (changes, topic) => {
          const { payload } = order({ customer: newCustomer('fuzz'), lines: HUNDRED, discountCode: 'SAVE5', discountMinor: 500 });
          for (const [path, value] of changes) setPath(payload, path, value);
          const d = delivery(topic, payload);
          const res = await post(app.url, d.headers, d.body);
          expectAppliedOrRefused(res, `${topic} ${JSON.stringify(changes)}`);
          statuses.add(res.status);
        },
      ),
      RUNS,
    );
    // Both doors were pushed on: some changes still make an order, others are refused.
    expect([...statuses].sort()).toEqual([200, 400]);
  });

  it('applies an order of any amount up to 2^53 − 1 minor units exactly, and refuses a larger one with a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        hugeInteger.filter((n) => n > 0n),
        async (amount) => {
          const customer = newCustomer('fuzz-amount');
          const safe = amount <= BigInt(Number.MAX_SAFE_INTEGER);
          // Beyond 2^53 − 1 the order is built at 1.23 and its amounts rewritten, as no number holds them.
          const placed = order({
            customer,
            lines: [{ title: 'Yacht', priceMinor: safe ? Number(amount) : 123 }],
            shippingMinor: 0,
            taxRate: 0,
          });
          const payload = safe
            ? placed.payload
            : JSON.parse(
                JSON.stringify(placed.payload).replaceAll('"1.23"', `"${amount / 100n}.${String(amount % 100n).padStart(2, '0')}"`),
              );
          const d = delivery('orders/paid', payload);
          const res = await post(app.url, d.headers, d.body);
          expectAppliedOrRefused(res, `${amount}`);
          expect(res.status, `${amount} → ${JSON.stringify(res.body)}`).toBe(safe ? 200 : 400);
          const stored = await app.prisma.order.findFirst({
            where: { shop: DEV_SHOP, orderId: placed.facts.orderId },
            select: { totalMinor: true, pointsAwarded: true },
          });
          // 1 point per whole dollar, rounded down.
          expect(stored).toEqual(safe ? { totalMinor: Number(amount), pointsAwarded: Number(amount / 100n) } : null);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers every signed refund of an applied order, whatever its fields hold, with 200 or a 400', async () => {
    const REFUND_PATHS = [
      ['order_id'],
      ['refund_line_items'],
      ['refund_line_items', '0', 'quantity'],
      ['refund_line_items', '0', 'line_item_id'],
      ['refund_line_items', '0', 'subtotal_set'],
      ['refund_shipping_lines'],
      ['transactions'],
      ['transactions', '0', 'amount'],
      ['created_at'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...REFUND_PATHS), fc.oneof(nasty, anything, huge)), { minLength: 1, maxLength: 2 }),
        async (changes) => {
          const placed = order({ customer: newCustomer('fuzz-refund'), lines: HUNDRED });
          const paid = delivery('orders/paid', placed.payload);
          expect((await post(app.url, paid.headers, paid.body)).status).toBe(200);
          const payload = refund(placed.facts) as Record<string, unknown>;
          for (const [path, value] of changes) setPath(payload, path, value);
          const d = delivery('refunds/create', payload);
          expectAppliedOrRefused(await post(app.url, d.headers, d.body), `refund ${JSON.stringify(changes)}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers any signed body, JSON or not, with 200 or a 400 in the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const d = delivery('orders/paid', body);
          expectAppliedOrRefused(await post(app.url, d.headers, d.body), JSON.stringify(body));
        },
      ),
      RUNS,
    );
  });
});

describe('fuzzed admin API', () => {
  let memberId: string;
  beforeAll(async () => {
    memberId = (await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id;
  });
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const listParams = fc.dictionary(
    fc.constantFrom('q', 'sort', 'direction', 'minPoints', 'maxPoints', 'activeAfter', 'activeBefore', 'tierId', 'limit', 'cursor'),
    nasty,
    { maxKeys: 5 },
  );

  it('answers any member-list, export, history and dashboard query with 200 or a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        listParams,
        fc.dictionary(fc.constantFrom('limit', 'cursor', 'from', 'to', 'period'), nasty, { maxKeys: 3 }),
        async (list, other) => {
          for (const path of [
            `/members?${query(list)}`,
            `/members/export.csv?${query(list)}`,
            `/members/${memberId}/entries?${query(other)}`,
            `/dashboard?${query(other)}`,
          ]) {
            expectHandled(await admin()('GET', path), path);
          }
        },
      ),
      RUNS,
    );
  });

  it('answers any adjustment, with any Idempotency-Key, with 201, 400 or 409', async () => {
    const points = fc.oneof(fc.integer({ min: -50, max: 50 }), anything, huge);
    const key = fc.option(fc.oneof(fc.uuid(), fc.stringMatching(/^[\w-]{0,110}$/)), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ points, reason: fc.oneof(fc.constant('A fuzzed adjustment'), nasty) }, { requiredKeys: [] }),
        key,
        async (body, k) => {
          const res = await admin()('POST', `/members/${memberId}/adjustments`, body, k === undefined ? {} : { 'idempotency-key': k });
          expectHandled(res, `${JSON.stringify(body)} key ${k}`);
        },
      ),
      RUNS,
    );
  });

  it('answers any reward, earn rule or custom action with 2xx or a 400', async () => {
    const reward = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('fixed-amount', 'percentage', 'free-shipping', 'free-product', 'points-slider', 'store-credit'),
          nasty,
        ),
        name: fc.oneof(fc.constant('Fuzzed'), nasty),
        config: fc.oneof(
          fc.record(
            { pointsCost: fc.oneof(anything, huge), amountMinor: fc.oneof(anything, huge), percentage: anything },
            { requiredKeys: [] },
          ),
          anything,
        ),
        tierIds: fc.oneof(fc.array(nasty, { maxLength: 3 }), anything),
        limitPerMember: anything,
        enabled: anything,
      },
      { requiredKeys: [] },
    );
    const rule = fc.record(
      {
        type: fc.oneof(fc.constantFrom('purchase', 'signup', 'birthday', 'custom-action'), nasty),
        name: nasty,
        config: anything,
        enabled: anything,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(reward, rule, fc.oneof(nasty, fc.constant('x')), async (r, e, id) => {
        expectHandled(await admin()('POST', '/rewards', r), `POST /rewards ${JSON.stringify(r)}`);
        expectHandled(await admin()('POST', '/earn-rules', e), `POST /earn-rules ${JSON.stringify(e)}`);
        expectHandled(await admin()('POST', `/members/${memberId}/actions`, { ruleId: id }), `actions ${JSON.stringify(id)}`);
        expectHandled(await admin()('GET', `/members/${percentEncoded(id)}`), `member ${JSON.stringify(id)}`);
      }),
      RUNS,
    );
  });
});

describe('fuzzed program settings', () => {
  it('answers any program, widget, tiers, campaign or referral settings with 2xx or a 400', async () => {
    const settings = fc.dictionary(
      fc.constantFrom('name', 'enabled', 'settings', 'pointsPerUnit', 'rounding', 'expiry', 'timeZone', 'currency'),
      anything,
      { maxKeys: 4 },
    );
    const tiers = fc.oneof(
      anything,
      fc.record(
        {
          tiers: fc.array(
            fc.record({ id: nasty, name: nasty, threshold: fc.oneof(anything, huge), perks: anything }, { requiredKeys: [] }),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
    );
    const campaign = fc.record({ name: nasty, multiplier: anything, startsAt: nasty, endsAt: nasty }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(settings, tiers, campaign, anything, async (program, tierBody, campaignBody, other) => {
        for (const [method, path, body] of [
          ['PUT', '/program', program],
          ['PUT', '/program/widget', other],
          ['POST', '/tiers/preview', tierBody],
          ['PUT', '/tiers', tierBody],
          ['POST', '/campaigns', campaignBody],
          ['PUT', '/referrals/settings', other],
        ] as const) {
          expectHandled(await admin()(method, path, body), `${method} ${path} ${JSON.stringify(body)}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('fuzzed storefront requests', () => {
  const customer = newCustomer('fuzz-proxy');
  beforeAll(async () => {
    const d = delivery('orders/paid', order({ customer, lines: HUNDRED }).payload);
    expect((await post(app.url, d.headers, d.body)).status).toBe(200);
  });

  it('answers any signed parameters and body with 2xx or a 4xx in the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('locale', 'q', 'rewardId', 'points', 'customer', 'code'), nasty, { maxKeys: 3 }),
        anything,
        async (extra, body) => {
          const id = customer.id;
          for (const [method, path] of [
            ['GET', '/member'],
            ['GET', '/rewards'],
            ['POST', '/redemptions'],
            ['POST', '/birthday'],
          ] as const) {
            const res = await proxyApi(app.url, method, path, id, method === 'POST' ? body : undefined, { extra });
            expectHandled(res, `${method} ${path} ${JSON.stringify(extra)} ${JSON.stringify(body)}`);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
