// Segments (issue 17, first slice): RFM scores and the eleven named segments
// exactly as ../shared/METRICS.md defines them, on a hand-built fixture whose
// every rank, score and segment is worked out below; rule segments against a
// hand filter of the same members; the rule tree's validation; the refresh
// through the real job queue; member counts against customers.
import { beforeAll, describe, expect, it } from 'vitest';
import { addShops, useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { recomputeRfm } from '../../web/segments/rfm.js';
import { customerPayload } from '../../dev/payloads.js';
import { deliverOk } from '../helpers/webhooks.js';

const app = useTestApp();
const SHOP = 'segments-rfm.myshopify.com'; // UTC, so local days are UTC days
const OTHER = 'segments-other.myshopify.com';
const api = () => adminApi(app.url, SHOP);

// The fixture: 20 customers with an order in the last 730 days (n = 20), so
// score = 1 + floor(5 × (rank − 1) ÷ 20) = 1 + floor((rank − 1) ÷ 4):
// ranks 1–4 → 1, 5–8 → 2, 9–12 → 3, 13–16 → 4, 17–20 → 5.
// Orders are [days ago, net sales]; frequency and monetary count orders 0–364 days ago.
// Ranks from worst to best, ties sharing the lowest rank:
//   recency (most days first): c20 500 → 1, c19 400 → 2, c18 320 → 3, c17 300 → 4, c16 150 → 5, c15 140 → 6,
//     c14 130 → 7, c13 120 → 8, c12 60 → 9, c11 50 → 10, c10 40 → 11, c08 and c09 13 (tie) → 12 both,
//     c07 12 → 14, c06 11 → 15, c05 10 → 16, c04 4 → 17, c03 3 → 18, c02 2 → 19, c01 1 → 20.
//     The tie moves c08 to R 3: alone at rank 13 it would have been R 4.
//   frequency (lowest first): c19, c20 0 → 1; c04 c07 c11 c15 c16 1 → 3; c03 c06 c10 c12 c14 2 → 8;
//     c18 3 → 13; c05 c08 c09 4 → 14; c01 c02 c17 5 → 17; c13 6 → 20.
//   monetary (lowest first): c19, c20 0 → 1; c04 10 → 3; c07 15 → 4; c15 20 → 5; c11 30 → 6; c16 45 → 7;
//     c12 120 → 8; c06 250 → 9; c10 500 → 10; c14 600 → 11; c03, c18 800 → 12; c08 2400 → 14; c05 2800 → 15;
//     c09 3600 → 16; c02 4000 → 17; c01 4500 → 18; c13 6000 → 19; c17 10000 → 20.
// FM = (F + M) ÷ 2 rounded half up; the segment from METRICS.md's table:
//  customer  R  F  M  FM  segment
const FIXTURE: Array<{ key: string; orders: Array<[number, number]>; r: number; f: number; m: number; fm: number; segment: string }> = [
  {
    key: 'c01',
    orders: [
      [1, 900],
      [20, 900],
      [40, 900],
      [60, 900],
      [80, 900],
    ],
    r: 5,
    f: 5,
    m: 5,
    fm: 5,
    segment: 'champions',
  },
  {
    key: 'c02',
    orders: [
      [2, 800],
      [30, 800],
      [50, 800],
      [70, 800],
      [90, 800],
    ],
    r: 5,
    f: 5,
    m: 5,
    fm: 5,
    segment: 'champions',
  },
  {
    key: 'c03',
    orders: [
      [3, 500],
      [100, 300],
    ],
    r: 5,
    f: 2,
    m: 3,
    fm: 3,
    segment: 'potential_loyalists',
  }, // 2.5 → 3
  { key: 'c04', orders: [[4, 10]], r: 5, f: 1, m: 1, fm: 1, segment: 'new' },
  {
    key: 'c05',
    orders: [
      [10, 700],
      [40, 700],
      [45, 700],
      [200, 700],
    ],
    r: 4,
    f: 4,
    m: 4,
    fm: 4,
    segment: 'loyal',
  },
  {
    key: 'c06',
    orders: [
      [11, 150],
      [300, 100],
    ],
    r: 4,
    f: 2,
    m: 3,
    fm: 3,
    segment: 'potential_loyalists',
  },
  { key: 'c07', orders: [[12, 15]], r: 4, f: 1, m: 1, fm: 1, segment: 'promising' },
  {
    key: 'c08',
    orders: [
      [13, 600],
      [50, 600],
      [60, 600],
      [70, 600],
    ],
    r: 3,
    f: 4,
    m: 4,
    fm: 4,
    segment: 'loyal',
  },
  {
    key: 'c09',
    orders: [
      [13, 900],
      [31, 900],
      [32, 900],
      [33, 900],
    ],
    r: 3,
    f: 4,
    m: 4,
    fm: 4,
    segment: 'loyal',
  },
  {
    key: 'c10',
    orders: [
      [40, 300],
      [200, 200],
    ],
    r: 3,
    f: 2,
    m: 3,
    fm: 3,
    segment: 'need_attention',
  },
  { key: 'c11', orders: [[50, 30]], r: 3, f: 1, m: 2, fm: 2, segment: 'about_to_sleep' }, // 1.5 → 2
  {
    key: 'c12',
    orders: [
      [60, 60],
      [70, 60],
    ],
    r: 3,
    f: 2,
    m: 2,
    fm: 2,
    segment: 'about_to_sleep',
  },
  {
    key: 'c13',
    orders: [
      [120, 1000],
      [130, 1000],
      [140, 1000],
      [150, 1000],
      [160, 1000],
      [170, 1000],
    ],
    r: 2,
    f: 5,
    m: 5,
    fm: 5,
    segment: 'at_risk',
  }, // R 2 with FM 5
  {
    key: 'c14',
    orders: [
      [130, 400],
      [140, 200],
    ],
    r: 2,
    f: 2,
    m: 3,
    fm: 3,
    segment: 'at_risk',
  },
  { key: 'c15', orders: [[140, 20]], r: 2, f: 1, m: 2, fm: 2, segment: 'hibernating' },
  { key: 'c16', orders: [[150, 45]], r: 2, f: 1, m: 2, fm: 2, segment: 'hibernating' },
  {
    key: 'c17',
    orders: [
      [300, 2000],
      [310, 2000],
      [320, 2000],
      [330, 2000],
      [340, 2000],
    ],
    r: 1,
    f: 5,
    m: 5,
    fm: 5,
    segment: 'cannot_lose',
  },
  {
    key: 'c18',
    orders: [
      [320, 400],
      [330, 300],
      [340, 100],
    ],
    r: 1,
    f: 4,
    m: 3,
    fm: 4,
    segment: 'at_risk',
  }, // 3.5 → 4
  { key: 'c19', orders: [[400, 500]], r: 1, f: 1, m: 1, fm: 1, segment: 'lost' }, // no order in 365 days: F and M rank 1
  {
    key: 'c20',
    orders: [
      [500, 900],
      [600, 900],
    ],
    r: 1,
    f: 1,
    m: 1,
    fm: 1,
    segment: 'lost',
  },
];
// Members: customers c01–c13 and c17 have a Shopify account and a Member (c13's is redacted: not a member);
// c14–c16 and c18–c20 are guests (keyed by email): customers, not members. m30 is a member without orders.
const GID_CUSTOMERS = new Set(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10', 'c11', 'c12', 'c13', 'c17']);
const REDACTED = 'c13';
const keyOf = (c: string) => (GID_CUSTOMERS.has(c) ? `gid://shopify/Customer/${Number(c.slice(1))}` : `${c}@guest.example.com`);
const isMember = (c: string) => GID_CUSTOMERS.has(c) && c !== REDACTED;

// Member attributes for the rule segments (hand-filtered below).
interface Attributes {
  points: number;
  country: string | null;
  tags: string[];
  birthdayMonth: number | null;
  subscribed: boolean;
}
const ATTRIBUTES: Record<string, Attributes> = {
  c01: { points: 1200, country: 'DE', tags: ['vip'], birthdayMonth: 3, subscribed: true },
  c02: { points: 50, country: 'DE', tags: [], birthdayMonth: 7, subscribed: false },
  c03: { points: 300, country: 'FR', tags: ['vip', 'wholesale'], birthdayMonth: 3, subscribed: true },
  c04: { points: 500, country: 'DE', tags: [], birthdayMonth: null, subscribed: true },
  c05: { points: 100, country: 'US', tags: ['vip'], birthdayMonth: 12, subscribed: false },
  c06: { points: 0, country: null, tags: [], birthdayMonth: null, subscribed: false },
  c07: { points: 800, country: 'FR', tags: ['wholesale'], birthdayMonth: 3, subscribed: true },
  c08: { points: 150, country: 'DE', tags: [], birthdayMonth: 1, subscribed: true },
  c09: { points: 99, country: 'DE', tags: ['vip'], birthdayMonth: 5, subscribed: false },
  c10: { points: 2000, country: 'US', tags: [], birthdayMonth: 3, subscribed: true },
  c11: { points: 100, country: 'FR', tags: ['vip'], birthdayMonth: 8, subscribed: false },
  c12: { points: 400, country: 'DE', tags: ['newsletter'], birthdayMonth: null, subscribed: true },
  c13: { points: 5000, country: 'DE', tags: ['vip'], birthdayMonth: 3, subscribed: true },
  c17: { points: 700, country: 'US', tags: ['vip'], birthdayMonth: 3, subscribed: true },
  c30: { points: 900, country: 'DE', tags: ['vip'], birthdayMonth: 3, subscribed: true },
};
const ordersOf = (c: string) => FIXTURE.find((f) => f.key === c)?.orders ?? [];

let seq = 0;
async function order(shop: string, customerKey: string | null, daysAgo: number, net: number | null, cancelled = false) {
  seq += 1;
  await app.db.pool.query(
    `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                          "customerKey", "paidAt", "netSalesMinor", "cancelledAt")
     VALUES ($1, $2, $3, $4, 'EUR', COALESCE($6::bigint, 0), now() - make_interval(days => $5::int), now(), now(), $7,
             CASE WHEN $6::bigint IS NULL THEN NULL ELSE now() END, $6::bigint, CASE WHEN $8 THEN now() END)`,
    [`so${seq}`, shop, `gid://shopify/Order/9${seq}`, `#${seq}`, daysAgo, net, customerKey, cancelled],
  );
}

async function member(c: string) {
  const a = ATTRIBUTES[c]!;
  const customerId = c === 'c30' ? 'gid://shopify/Customer/30' : keyOf(c);
  await app.db.pool.query(
    `INSERT INTO "Member" (id, shop, "customerId", "pointsAvailable", "redactedAt", "countryCode", tags, birthday, "emailMarketingState",
                           "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::date, $9, now() - make_interval(mins => $10::int), now())`,
    [
      `mem-${c}`,
      SHOP,
      customerId,
      a.points,
      c === REDACTED ? new Date() : null,
      a.country,
      a.tags,
      a.birthdayMonth ? `1990-${String(a.birthdayMonth).padStart(2, '0')}-15` : null,
      a.subscribed ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED',
      100 - Number(c.slice(1)), // created in customer order
    ],
  );
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  await addShops(app, [
    [SHOP, 'EUR', 'UTC'],
    [OTHER, 'EUR', 'UTC'],
  ]);
  for (const f of FIXTURE) for (const [days, net] of f.orders) await order(SHOP, keyOf(f.key), days, net);
  // Not counted: a cancelled order, an order that is not a sale, an order without a customer, another shop's
  // orders for the same customer, and a customer whose only order is 800 days old (outside the 730).
  await order(SHOP, keyOf('c04'), 1, 99_999, true);
  await order(SHOP, keyOf('c07'), 1, null);
  await order(SHOP, null, 1, 50_000);
  await order(OTHER, keyOf('c19'), 1, 70_000);
  await order(SHOP, 'old@guest.example.com', 800, 1_000);
  for (const c of Object.keys(ATTRIBUTES)) await member(c);
  // A score left from an earlier run for a customer no longer scored: the recompute deletes it.
  await app.db.pool.query(
    `INSERT INTO "CustomerRfm" (shop, "customerKey", "recencyDays", frequency, "monetaryMinor", r, f, m, segment, "computedAt")
     VALUES ($1, 'old@guest.example.com', 700, 0, 0, 1, 1, 1, 'lost', now() - interval '1 day')`,
    [SHOP],
  );
  // Last week's sizes (8 days ago) and a more recent snapshot (3 days ago) that movement must not use.
  await app.db.pool.query(
    `INSERT INTO "RfmSnapshot" (shop, "takenOn", segment, customers, members, "netSalesMinor")
     VALUES ($1, current_date - 8, 'champions', 1, 1, 4500), ($1, current_date - 8, 'lost', 5, 0, 0),
            ($1, current_date - 3, 'champions', 9, 9, 0)`,
    [SHOP],
  );
});

describe('RFM segments (METRICS.md)', () => {
  it('POST /segments/refresh answers 202 and the job scores every customer into the segment METRICS.md gives', async () => {
    const before = await api()('GET', '/segments');
    expect(before.status).toBe(200);
    expect(before.body.segments.find((s: { id: string }) => s.id === 'rfm:champions').members).toBe(0);

    const res = await api()('POST', '/segments/refresh', {});
    expect(res.status).toBe(202);
    const rows = await waitFor(
      'the refresh job',
      async () =>
        (
          await app.db.pool.query<{
            customerKey: string;
            r: number;
            f: number;
            m: number;
            segment: string;
            recencyDays: number;
            frequency: number;
            monetaryMinor: string;
          }>(
            `SELECT "customerKey", r, f, m, segment, "recencyDays", frequency, "monetaryMinor"::text FROM "CustomerRfm" WHERE shop = $1 ORDER BY "customerKey"`,
            [SHOP],
          )
        ).rows,
      (rows) => rows.length === FIXTURE.length && !rows.some((r) => r.customerKey.startsWith('old@')),
    );
    const byKey = new Map(rows.map((r) => [r.customerKey, r]));
    for (const f of FIXTURE) {
      const row = byKey.get(keyOf(f.key));
      const recent = f.orders.filter(([d]) => d <= 364);
      expect(row, f.key).toMatchObject({
        recencyDays: Math.min(...f.orders.map(([d]) => d)),
        frequency: recent.length,
        monetaryMinor: String(recent.reduce((s, [, n]) => s + n, 0)),
        r: f.r,
        f: f.f,
        m: f.m,
        segment: f.segment,
      });
    }
    // Every one of the eleven segments has someone in this fixture.
    expect(new Set(rows.map((r) => r.segment)).size).toBe(11);
  });

  it('lists the eleven RFM segments with members, customers, revenue share and movement since the snapshot ≥ 7 days old', async () => {
    await recomputeRfm(app.db.pool, SHOP);
    const res = await api()('GET', '/segments');
    expect(res.status).toBe(200);
    const rfm = res.body.segments.filter((s: { kind: string }) => s.kind === 'rfm');
    expect(rfm.map((s: { handle: string }) => s.handle)).toEqual([
      'champions',
      'loyal',
      'potential_loyalists',
      'new',
      'promising',
      'need_attention',
      'about_to_sleep',
      'at_risk',
      'cannot_lose',
      'hibernating',
      'lost',
    ]);
    const monetary = (c: (typeof FIXTURE)[number]) => c.orders.filter(([d]) => d <= 364).reduce((s, [, n]) => s + n, 0);
    const total = FIXTURE.reduce((s, c) => s + monetary(c), 0);
    for (const s of rfm) {
      const inIt = FIXTURE.filter((f) => f.segment === s.handle);
      const net = inIt.reduce((sum, c) => sum + monetary(c), 0);
      expect(s, s.handle).toMatchObject({
        id: `rfm:${s.handle}`,
        customers: inIt.length,
        members: inIt.filter((c) => isMember(c.key)).length,
        netSalesMinor: String(net),
        revenueShare: Math.floor((net * 10_000) / total) / 10_000,
      });
    }
    // Guests are customers, not members: at_risk holds c13 (redacted member), c14 and c18 (guests), no member.
    expect(rfm.find((s: { handle: string }) => s.handle === 'at_risk')).toMatchObject({ customers: 3, members: 0 });
    // Movement against the snapshot 8 days ago (not the one 3 days ago); a segment it lacks counts from 0.
    const champions = rfm.find((s: { handle: string }) => s.handle === 'champions');
    const since = (await app.db.pool.query<{ d: string }>(`SELECT to_char(current_date - 8, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
    expect(champions.movement).toEqual({ since, customers: 1, members: 1 });
    expect(rfm.find((s: { handle: string }) => s.handle === 'lost').movement).toEqual({ since, customers: -3, members: 0 });
    expect(rfm.find((s: { handle: string }) => s.handle === 'loyal').movement).toEqual({ since, customers: 3, members: 3 });
    // Today's snapshot was written: all eleven, with the members of each.
    const snap = await app.db.pool.query<{ segment: string; customers: number; members: number }>(
      `SELECT segment, customers, members FROM "RfmSnapshot" WHERE shop = $1 AND "takenOn" = current_date`,
      [SHOP],
    );
    expect(snap.rows).toHaveLength(11);
    for (const row of snap.rows) {
      const inIt = FIXTURE.filter((f) => f.segment === row.segment);
      expect(row, row.segment).toEqual({
        segment: row.segment,
        customers: inIt.length,
        members: inIt.filter((c) => isMember(c.key)).length,
      });
    }
    // Members of an RFM segment: its members only (guests and the redacted member left out).
    const members = await api()('GET', '/segments/rfm:loyal/members?limit=10');
    expect(members.status).toBe(200);
    expect(members.body.members.map((m: { customerId: string }) => m.customerId).sort()).toEqual(['c05', 'c08', 'c09'].map(keyOf).sort());
    // Another shop sees none of it.
    const other = await adminApi(app.url, OTHER)('GET', '/segments');
    expect(other.body.segments.every((s: { members: number; customers?: number }) => s.members === 0 && !s.customers)).toBe(true);
  });
});

describe('rule segments', () => {
  const members = Object.keys(ATTRIBUTES).filter((c) => c !== REDACTED);
  const idOf = (c: string) => `mem-${c}`;

  it("a rule segment's members equal a hand filter of the same members, and its count is theirs", async () => {
    await recomputeRfm(app.db.pool, SHOP);
    const rules = {
      all: [
        { field: 'ordersCount', op: 'gte', value: 2 },
        {
          any: [
            { field: 'country', op: 'eq', value: 'DE' },
            { field: 'tags', op: 'contains', value: 'vip' },
          ],
        },
        { field: 'pointsAvailable', op: 'gte', value: 100 },
      ],
    };
    const expected = members.filter((c) => {
      const a = ATTRIBUTES[c]!;
      return ordersOf(c).length >= 2 && (a.country === 'DE' || a.tags.includes('vip')) && a.points >= 100;
    });
    expect(expected.length).toBeGreaterThan(1);
    const created = await api()('POST', '/segments', { name: 'Big German or VIP', rules });
    expect(created.status, created.text).toBe(201);
    expect(created.body.segment).toMatchObject({ handle: 'big-german-or-vip', kind: 'rules', members: expected.length });
    const listed = await api()('GET', `/segments/${created.body.segment.id}/members?limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.members.map((m: { id: string }) => m.id).sort()).toEqual(expected.map(idOf).sort());
    expect(listed.body.members[0]).toHaveProperty('customerId');

    const all = await api()('GET', '/segments');
    expect(all.body.segments.find((s: { id: string }) => s.id === created.body.segment.id)).toMatchObject({
      kind: 'rules',
      members: expected.length,
    });
  });

  it.each([
    [
      'RFM segment, birthday month and consent',
      {
        any: [
          {
            all: [
              { field: 'rfmSegment', op: 'in', value: ['champions', 'loyal'] },
              { field: 'emailConsent', op: 'eq', value: true },
            ],
          },
          { field: 'birthdayMonth', op: 'eq', value: 3 },
        ],
      },
      (c: string) => {
        const seg = FIXTURE.find((f) => f.key === c)?.segment;
        const a = ATTRIBUTES[c]!;
        return ((seg === 'champions' || seg === 'loyal') && a.subscribed) || a.birthdayMonth === 3;
      },
    ],
    [
      'days since last and first order, net sales',
      {
        all: [
          { field: 'daysSinceLastOrder', op: 'lte', value: 12 },
          { field: 'daysSinceFirstOrder', op: 'gt', value: 30 },
          { field: 'netSalesMinor', op: 'neq', value: 4500 },
        ],
      },
      (c: string) => {
        const o = ordersOf(c);
        if (o.length === 0) return false;
        const net = o.reduce((s, [, n]) => s + n, 0);
        return Math.min(...o.map(([d]) => d)) <= 12 && Math.max(...o.map(([d]) => d)) > 30 && net !== 4500;
      },
    ],
    [
      'no orders, tags in, country neq (a missing country differs)',
      {
        all: [
          { field: 'ordersCount', op: 'lt', value: 2 },
          { field: 'country', op: 'neq', value: 'FR' },
        ],
      },
      (c: string) => ordersOf(c).length < 2 && ATTRIBUTES[c]!.country !== 'FR',
    ],
    [
      'tags in any of, points in a list',
      {
        any: [
          { field: 'tags', op: 'in', value: ['wholesale', 'newsletter'] },
          { field: 'pointsAvailable', op: 'in', value: [0, 99] },
        ],
      },
      (c: string) => ['wholesale', 'newsletter'].some((t) => ATTRIBUTES[c]!.tags.includes(t)) || [0, 99].includes(ATTRIBUTES[c]!.points),
    ],
  ])('preview: %s equals the hand filter', async (_name, rules, keep) => {
    const expected = members.filter(keep);
    expect(expected.length).toBeGreaterThan(0);
    const res = await api()('POST', '/segments/preview', { rules });
    expect(res.status, res.text).toBe(200);
    expect(res.body.count).toBe(expected.length);
    expect(res.body.sample.map((m: { id: string }) => m.id).sort()).toEqual(expected.slice(0, 10).map(idOf).sort());
  });

  it("npsBand: the member's latest answer to any NPS survey; a rule npsBand eq detractor has exactly the hand-picked members", async () => {
    const survey = (type: string, name: string) => app.prisma.survey.create({ data: { shop: SHOP, type, name } });
    const [first, second, csat] = [await survey('nps', 'NPS 1'), await survey('nps', 'NPS 2'), await survey('csat', 'CSAT')];
    const [a, b, c, d, e, f] = members;
    const answer = (s: { id: string; type: string }, who: string, score: number, day: number) =>
      app.prisma.surveyResponse.create({
        data: {
          shop: SHOP,
          surveyId: s.id,
          respondent: `member:${idOf(who)}`,
          memberId: idOf(who),
          period: 0,
          answers: { [s.type]: score },
          channel: 'widget',
          isMember: true,
          answeredAt: new Date(Date.UTC(2026, 10, day)),
        },
      });
    // a: 3 → detractor. b: 9 in NPS 1, later 2 in NPS 2 → detractor (the latest). c: 0, later 10 → promoter.
    // d: 7 → passive. e: CSAT 1 only → no band. f: 6 → detractor (the band's edge).
    await answer(first, a!, 3, 1);
    await answer(first, b!, 9, 1);
    await answer(second, b!, 2, 5);
    await answer(first, c!, 0, 1);
    await answer(second, c!, 10, 5);
    await answer(first, d!, 7, 1);
    await answer(csat, e!, 1, 1);
    await answer(second, f!, 6, 2);
    const preview = async (rules: unknown) => {
      const res = await api()('POST', '/segments/preview', { rules });
      expect(res.status, res.text).toBe(200);
      return res.body.sample.map((m: { id: string }) => m.id).sort();
    };
    expect(await preview({ all: [{ field: 'npsBand', op: 'eq', value: 'detractor' }] })).toEqual([a!, b!, f!].map(idOf).sort());
    expect(await preview({ all: [{ field: 'npsBand', op: 'in', value: ['promoter', 'passive'] }] })).toEqual([c!, d!].map(idOf).sort());
    const created = await api()('POST', '/segments', {
      name: 'Detractors',
      rules: { all: [{ field: 'npsBand', op: 'eq', value: 'detractor' }] },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.segment.members).toBe(3);
    const listed = await api()('GET', `/segments/${created.body.segment.id}/members?limit=100`);
    expect(listed.body.members.map((m: { id: string }) => m.id).sort()).toEqual([a!, b!, f!].map(idOf).sort());
    await api()('DELETE', `/segments/${created.body.segment.id}`);
  });

  it('GET, PUT and DELETE one rule segment; RFM segments cannot be changed', async () => {
    const created = await api()('POST', '/segments', {
      name: 'Birthday in March',
      rules: { all: [{ field: 'birthdayMonth', op: 'eq', value: 3 }] },
    });
    expect(created.status).toBe(201);
    const id = created.body.segment.id;
    const march = members.filter((c) => ATTRIBUTES[c]!.birthdayMonth === 3).length;
    expect((await api()('GET', `/segments/${id}`)).body.segment).toMatchObject({ id, name: 'Birthday in March', members: march });
    const put = await api()('PUT', `/segments/${id}`, { rules: { all: [{ field: 'birthdayMonth', op: 'eq', value: 12 }] } });
    expect(put.status).toBe(200);
    expect(put.body.segment).toMatchObject({ id, name: 'Birthday in March', members: 1 });
    expect((await adminApi(app.url, OTHER)('GET', `/segments/${id}`)).status).toBe(404);
    expect((await adminApi(app.url, OTHER)('DELETE', `/segments/${id}`)).status).toBe(404);
    expect((await api()('PUT', '/segments/rfm:loyal', { name: 'x' })).status).toBe(404);
    expect((await api()('DELETE', `/segments/${id}`)).status).toBe(204);
    expect((await api()('GET', `/segments/${id}`)).status).toBe(404);
    // A second segment with a taken name gets its own handle.
    const again = await api()('POST', '/segments', { name: 'Big German or VIP', rules: { all: [] } });
    expect(again.body.segment.handle).toBe('big-german-or-vip-2');
    expect(again.body.segment.members).toBe(members.length); // all: [] is everyone
  });

  it.each([
    [
      'an unknown field',
      { all: [{ field: 'favouriteColour', op: 'eq', value: 'red' }] },
      'rules.all.0.field',
      /unknown field "favouriteColour"/,
    ],
    [
      'a wrong type',
      { all: [{ field: 'pointsAvailable', op: 'gte', value: '500' }] },
      'rules.all.0.value',
      /pointsAvailable takes a whole number/,
    ],
    [
      'a nested wrong type',
      { any: [{ field: 'tier', op: 'eq', value: 'gold' }, { all: [{ field: 'emailConsent', op: 'eq', value: 'yes' }] }] },
      'rules.any.1.all.0.value',
      /emailConsent takes true or false/,
    ],
    [
      'an operator the field does not take',
      { all: [{ field: 'tags', op: 'gt', value: 'vip' }] },
      'rules.all.0.op',
      /tags takes contains, in/,
    ],
    ['an unknown operator', { all: [{ field: 'tier', op: 'like', value: 'g%' }] }, 'rules.all.0.op', /./],
    [
      'an unknown RFM segment',
      { all: [{ field: 'rfmSegment', op: 'eq', value: 'whales' }] },
      'rules.all.0.value',
      /rfmSegment is one of champions/,
    ],
    ['a month out of range', { all: [{ field: 'birthdayMonth', op: 'in', value: [3, 13] }] }, 'rules.all.0.value.1', /at most 12/],
    ['an unknown NPS band', { all: [{ field: 'npsBand', op: 'eq', value: 'fan' }] }, 'rules.all.0.value', /npsBand is one of promoter/],
    ['a condition at the top', { field: 'tier', op: 'eq', value: 'gold' }, 'rules', /start with/],
  ])('400 naming %s', async (_what, rules, field, message) => {
    for (const path of ['/segments', '/segments/preview']) {
      const res = await api()('POST', path, { name: 'Bad', rules });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.fields[field], JSON.stringify(res.body.error.fields)).toMatch(message);
    }
  });
});

describe('country, province and tags from the customer webhooks', () => {
  it("customers/create and customers/update keep the member's default-address codes and Shopify tags (without Tally's own)", async () => {
    const id = 'gid://shopify/Customer/777001';
    const read = async () =>
      (
        await app.db.pool.query<{ countryCode: string | null; provinceCode: string | null; tags: string[] }>(
          `SELECT "countryCode", "provinceCode", tags FROM "Member" WHERE shop = $1 AND "customerId" = $2`,
          [SHOP, id],
        )
      ).rows[0];
    await deliverOk(app.url, SHOP, 'customers/create', {
      ...customerPayload({ id, email: 'tags@example.com' }),
      tags: 'vip, wholesale ,, vip, tally-segment:champions',
      default_address: { country_code: 'ca', province_code: 'ON', country: 'Canada' },
    });
    expect(await read()).toEqual({ countryCode: 'CA', provinceCode: 'ON', tags: ['vip', 'wholesale'] });
    // An update without tags or address keeps them; one with a new address and no tags ("") clears the tags.
    await deliverOk(app.url, SHOP, 'customers/update', {
      ...customerPayload({ id, email: 'tags@example.com' }),
      tags: undefined,
      default_address: undefined,
    });
    expect(await read()).toEqual({ countryCode: 'CA', provinceCode: 'ON', tags: ['vip', 'wholesale'] });
    await deliverOk(app.url, SHOP, 'customers/update', {
      ...customerPayload({ id, email: 'tags@example.com' }),
      tags: '',
      default_address: { country_code: 'DE', province_code: null },
    });
    expect(await read()).toEqual({ countryCode: 'DE', provinceCode: null, tags: [] });
    // And a rule segment sees it at once.
    const res = await api()('POST', '/segments/preview', {
      rules: {
        all: [
          { field: 'country', op: 'eq', value: 'DE' },
          { field: 'ordersCount', op: 'eq', value: 0 },
        ],
      },
    });
    expect(res.body.sample.map((m: { customerId: string }) => m.customerId)).toContain(id);
  });
});
