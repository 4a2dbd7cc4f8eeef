// `npm run bench` (segments part), on PostgreSQL: 200,000 customers with
// 600,000 orders over two years (generate_series), 60 % of them members.
//  - RFM recompute (web/segments/rfm.ts: one statement scoring, upserting and
//    deleting, then today's snapshot) beside a plain set-based UPDATE of the
//    same CustomerRfm rows (`UPDATE "CustomerRfm" SET "computedAt" = now() WHERE shop = $1`).
//    Target: ≤ 5× (medians).
//  - A rule segment's count (web/segments/rules.ts, one parameterised query)
//    beside a plain `SELECT count(*)` of the same member rows. Target ≤ 3×.
//    Two rules: on member columns only, and one that reads the orders too.
// Runs alternate, after a warm-up of each.
//
// Environment: BENCH_SEGMENTS_CUSTOMERS (200000), BENCH_SEGMENTS_ORDERS (600000),
// BENCH_SEGMENTS_RUNS (5), BENCH_PG_ADMIN_URL; BENCH_SEGMENTS_KEEP=1 keeps the database.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../web/db/migrate.js';
import { numberTypes } from '../../web/db/numbers.js';
import { recomputeRfm } from '../../web/segments/rfm.js';
import type { RuleTree } from '../../web/segments/rules.js';
import { countRules } from '../../web/segments/store.js';

const CUSTOMERS = Number(process.env.BENCH_SEGMENTS_CUSTOMERS ?? 200_000);
const ORDERS = Number(process.env.BENCH_SEGMENTS_ORDERS ?? 600_000);
const RUNS = Number(process.env.BENCH_SEGMENTS_RUNS ?? 5);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-segments.myshopify.com';
const RESULTS = path.join(import.meta.dirname, 'results');
const log = (m: string) => console.error(`[bench:segments] ${m}`);

const MEMBER_RULE: RuleTree = {
  all: [
    { field: 'pointsAvailable', op: 'gte', value: 500 },
    {
      any: [
        { field: 'country', op: 'in', value: ['DE', 'FR'] },
        { field: 'tags', op: 'contains', value: 'vip' },
      ],
    },
  ],
};
const ORDER_RULE: RuleTree = {
  all: [
    { field: 'ordersCount', op: 'gte', value: 3 },
    { field: 'daysSinceLastOrder', op: 'lte', value: 90 },
    { field: 'pointsAvailable', op: 'gte', value: 500 },
  ],
};
const PLAIN_MEMBERS = `SELECT count(*) FROM "Member" WHERE shop = $1 AND "redactedAt" IS NULL AND "customerId" NOT LIKE 'guest:%'`;
const PLAIN_UPDATE = `UPDATE "CustomerRfm" SET "computedAt" = now() WHERE shop = $1`;

/** Customers c = 1..N; every one has orders (c itself gets one within two years); 60 % are members. */
async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO "Shop" (domain, name, "currencyCode", "ianaTimezone", "updatedAt") VALUES ($1, 'Bench', 'EUR', 'Europe/Berlin', now())`,
    [SHOP],
  );
  await pool.query(`INSERT INTO "Program" (shop, name, "updatedAt") VALUES ($1, 'Bench', now())`, [SHOP]);
  await pool.query(
    `INSERT INTO "Member" (id, shop, "customerId", "pointsAvailable", "countryCode", tags, "updatedAt")
     SELECT 'm' || c, $1, 'gid://shopify/Customer/' || c, (c * 7919) % 3000,
            (ARRAY['DE', 'FR', 'US', 'GB', 'PL'])[1 + c % 5], CASE WHEN c % 7 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END, now()
     FROM generate_series(1, $2::int) AS c WHERE c % 5 < 3`,
    [SHOP, CUSTOMERS],
  );
  await pool.query(
    `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                          "customerKey", "paidAt", "netSalesMinor", "cancelledAt")
     SELECT 'o' || i, $1, 'gid://shopify/Order/' || i, '#' || i, 'EUR', net, t, t, now(),
            'gid://shopify/Customer/' || c, t, CASE WHEN i % 100 = 7 THEN NULL ELSE net END, CASE WHEN i % 100 = 3 THEN t END
     FROM (SELECT i, 1 + (i - 1) % $2::int AS c, 500 + (i::bigint * 7919) % 20000 AS net,
                  now()::timestamp - ((i::bigint * 40503) % (729 * 86400)) * interval '1 second' AS t
           FROM generate_series(1, $3::int) AS i) x`,
    [SHOP, CUSTOMERS, ORDERS],
  );
  await pool.query('VACUUM ANALYZE "Order"');
  await pool.query('VACUUM ANALYZE "Member"');
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p95: at(95), min: sorted[0]!, max: sorted.at(-1)! };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs a and b alternately RUNS times after a warm-up of each; their timings. */
async function beside(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  await a();
  await b();
  const am: number[] = [];
  const bm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    am.push(await timed(a));
    bm.push(await timed(b));
  }
  return { a: stats(am), b: stats(bm) };
}

async function run() {
  const name = `tally_bench_segments_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(error as Error).message}; skipped`);
    return null;
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4, types: numberTypes });
  try {
    await migrate(url.toString());
    log(`seeding ${ORDERS.toLocaleString('en')} orders of ${CUSTOMERS.toLocaleString('en')} customers`);
    const seedMs = await timed(() => seed(pool));
    let scored = 0;
    const rfm = await beside(
      async () => (scored = (await recomputeRfm(pool, SHOP)).scored),
      () => pool.query(PLAIN_UPDATE, [SHOP]),
    );
    await pool.query('VACUUM ANALYZE "CustomerRfm"');
    let counts = { member: 0, order: 0, plain: 0 };
    const plain = async () => (counts.plain = Number((await pool.query(PLAIN_MEMBERS, [SHOP])).rows[0].count));
    const memberRule = await beside(async () => (counts.member = await countRules(pool, SHOP, MEMBER_RULE)), plain);
    const orderRule = await beside(async () => (counts.order = await countRules(pool, SHOP, ORDER_RULE)), plain);
    // The order rule reads every sale of the shop: beside a plain count of those orders too.
    const plainOrders = () =>
      pool.query(`SELECT count(*) FROM "Order" WHERE shop = $1 AND "netSalesMinor" IS NOT NULL AND "cancelledAt" IS NULL`, [SHOP]);
    const orderRuleVsOrders = await beside(() => countRules(pool, SHOP, ORDER_RULE), plainOrders);
    const segments = (
      await pool.query(`SELECT segment, count(*)::int AS n FROM "CustomerRfm" WHERE shop = $1 GROUP BY 1 ORDER BY 2 DESC`, [SHOP])
    ).rows as Array<{ segment: string; n: number }>;
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
    counts = { ...counts };
    return {
      database: `PostgreSQL ${version.split(' ')[0]}`,
      seedMs,
      scored,
      rfm,
      memberRule,
      orderRule,
      orderRuleVsOrders,
      counts,
      segments,
    };
  } finally {
    await pool.end();
    if (process.env.BENCH_SEGMENTS_KEEP) log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const result = await run().catch((error: Error & { code?: string }) => {
  log(`failed: ${error.code ?? ''} ${error.message}`);
  process.exit(1);
});
if (result) {
  const f = (ms: number) => ms.toFixed(1);
  const row = (label: string, s: { p50: number; p95: number; min: number; max: number }) =>
    `| ${label} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.min)} | ${f(s.max)} |`;
  const ratio = (x: { a: { p50: number }; b: { p50: number } }) => (x.a.p50 / x.b.p50).toFixed(2);
  const report = [
    `# Segments benchmark — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${result.database}; ${CUSTOMERS.toLocaleString('en')} customers with ${ORDERS.toLocaleString('en')} orders over two years ` +
      `(seeded in ${(result.seedMs / 1000).toFixed(1)} s), 60 % members; ${RUNS} runs of each, alternating, after a warm-up (ms).`,
    '',
    '| query | p50 | p95 | min | max |',
    '|---|---:|---:|---:|---:|',
    row(`RFM recompute (${result.scored.toLocaleString('en')} customers scored, upserted, snapshot)`, result.rfm.a),
    row('plain UPDATE of the same CustomerRfm rows', result.rfm.b),
    row(`rule count, member columns (${result.counts.member.toLocaleString('en')} members)`, result.memberRule.a),
    row(`plain SELECT count(*) of the members (${result.counts.plain.toLocaleString('en')})`, result.memberRule.b),
    row(`rule count, with orders (${result.counts.order.toLocaleString('en')} members)`, result.orderRule.a),
    row('plain SELECT count(*) of the members', result.orderRule.b),
    row('rule count, with orders (again)', result.orderRuleVsOrders.a),
    row("plain SELECT count(*) of the shop's sales (the rows it reads)", result.orderRuleVsOrders.b),
    '',
    `RFM recompute ÷ plain UPDATE: **${ratio(result.rfm)}×** (target ≤ 5×).`,
    `Rule count (member columns) ÷ plain count: **${ratio(result.memberRule)}×**; rule count with orders ÷ plain count of the members: **${ratio(result.orderRule)}×**, ÷ plain count of the sales it reads: **${ratio(result.orderRuleVsOrders)}×** (target ≤ 3×).`,
    '',
    `Segments: ${result.segments.map((s) => `${s.segment} ${s.n}`).join(', ')}`,
  ].join('\n');
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, 'segments.md'), `${report}\n`);
  console.log(report);
}
