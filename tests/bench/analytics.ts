// `npm run bench` (analytics part): the analytics summary for a one-year
// range over 1,000,000 orders of 200,000 customers (three years of history)
// on PostgreSQL, timed beside one plain full scan of the same orders
// (`SELECT count(*), sum("netSalesMinor") FROM "Order" WHERE shop = $1`) in
// the same run, alternating, after a warm-up of each. Target: the summary's
// median ≤ 5 × the scan's median.
//
// Environment: BENCH_ANALYTICS_ORDERS (1000000), BENCH_ANALYTICS_CUSTOMERS
// (200000), BENCH_ANALYTICS_RUNS (9), BENCH_PG_ADMIN_URL; BENCH_ANALYTICS_KEEP=1 keeps
// the database for a look at the plans; BENCH_ANALYTICS_DB=<a kept database> times the summary and
// the scan again on it, without seeding (minutes less on a busy machine) and without the day's changes.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { STATEMENTS } from '../../web/analytics/customers.js';
import { analyticsSummary } from '../../web/analytics/summary.js';
import { migrate } from '../../web/db/migrate.js';
import { numberTypes } from '../../web/db/numbers.js';

const ORDERS = Number(process.env.BENCH_ANALYTICS_ORDERS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_ANALYTICS_CUSTOMERS ?? 200_000);
const RUNS = Number(process.env.BENCH_ANALYTICS_RUNS ?? 9);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-analytics.myshopify.com';
const RESULTS = path.join(import.meta.dirname, 'results');
const RANGE = { from: '2026-01-01', to: '2026-12-31' };
const log = (m: string) => console.error(`[bench:analytics] ${m}`);

/**
 * Three years of orders ending 2026-12-31 (in the shop's zone, Europe/Berlin), spread over the
 * customers at hashed (md5) times and amounts, independent of the customer — a linear formula of the
 * order number gave every customer evenly spaced orders, so no customer churned and none upsold, and the
 * summary's churn statement never ran; 2% without a customer, 1% cancelled, 1% never paid; 40% of customers are members,
 * 2% of those redacted; a points entry for every other member order. One statement each.
 */
async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO "Shop" (domain, name, "currencyCode", "ianaTimezone", "updatedAt") VALUES ($1, 'Bench', 'EUR', 'Europe/Berlin', now())`,
    [SHOP],
  );
  await pool.query(`INSERT INTO "Program" (shop, name, "updatedAt") VALUES ($1, 'Bench', now())`, [SHOP]);
  await pool.query(
    `INSERT INTO "Reward" (id, shop, type, name, config, "updatedAt") VALUES ('bench-reward', $1, 'fixed-amount', '5 off', '{"pointsCost": 500, "amountMinor": 500}', now())`,
    [SHOP],
  );
  await pool.query(
    `INSERT INTO "Member" (id, shop, "customerId", "pointsAvailable", "redactedAt", "updatedAt")
     SELECT 'm' || c, $1, 'gid://shopify/Customer/' || c, (c * 7919) % 3000, CASE WHEN c % 250 = 0 THEN now() END, now()
     FROM generate_series(1, $2::int) AS c WHERE c % 5 < 2`,
    [SHOP, CUSTOMERS],
  );
  // With each sale's chain (web/analytics/chains.ts) written as the refresh keeps it, as in a shop whose chains are up to
  // date; the refresh itself is timed after the runs, on a day's changes.
  await pool.query(
    `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                          "customerKey", "paidAt", "netSalesMinor", "cancelledAt",
                          "chainStale", "chainKey", "prevAt", "prevNetMinor", "nextAt", "firstAt")
     SELECT id, $1, oid, '#' || i, 'EUR', total, t, t, now(), k, paid, snet, cancelled, false, k,
            CASE WHEN sale THEN lag(t) OVER c END, CASE WHEN sale THEN lag(snet) OVER c END,
            CASE WHEN sale THEN lead(t) OVER c END, CASE WHEN sale THEN min(t) OVER (PARTITION BY k, sale) END
     FROM (SELECT *, k IS NOT NULL AND snet IS NOT NULL AND cancelled IS NULL AS sale
           FROM (SELECT 'o' || i AS id, 'gid://shopify/Order/' || i AS oid, i, net AS total, t,
                        CASE WHEN i % 50 = 0 THEN NULL ELSE 'gid://shopify/Customer/' || c END AS k,
                        CASE WHEN i % 100 = 7 THEN NULL ELSE t END AS paid, CASE WHEN i % 100 = 7 THEN NULL ELSE net END AS snet,
                        CASE WHEN i % 100 = 3 THEN t END AS cancelled
                 FROM (SELECT i, 1 + (i::bigint * 2654435761) % $2::int AS c, 500 + h.n % 20000 AS net,
                              timestamp '2027-01-01 00:00' - (h.t % (1095 * 86400)) * interval '1 second' AS t
                       FROM generate_series(1, $3::int) AS i,
                            LATERAL (SELECT ('x' || substr(md5('n' || i), 1, 8))::bit(32)::bigint AS n,
                                            ('x' || substr(md5('t' || i), 1, 8))::bit(32)::bigint AS t) h) x) y) z
     WINDOW c AS (PARTITION BY k, sale ORDER BY t, oid)`,
    [SHOP, CUSTOMERS, ORDERS],
  );
  await pool.query(
    `INSERT INTO "PointEntry" (id, shop, "memberId", kind, source, points, "idempotencyKey", "createdAt")
     SELECT 'e' || o.id, $1, 'm' || substr(o."customerKey", 24), 'EARN', 'ORDER', o."netSalesMinor" / 100, 'order:' || o.id, o."processedAt"
     FROM "Order" o WHERE o.shop = $1 AND o."netSalesMinor" IS NOT NULL AND o."customerKey" IS NOT NULL
       AND substr(o."customerKey", 24)::int % 5 < 2 AND substr(o.id, 2)::int % 2 = 0`,
    [SHOP],
  );
  await pool.query('VACUUM ANALYZE "Order"');
  await pool.query('VACUUM ANALYZE "Member"');
  await pool.query('VACUUM ANALYZE "PointEntry"');
}

/** The covering index of /work/schema-requests.md, made here while the migrations lack it (returns whether it did). */
async function coveringIndex(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM pg_indexes WHERE tablename = 'Order' AND indexdef LIKE '%("shop", "customerKey", "processedAt", "orderId", "netSalesMinor", "cancelledAt")%'
        OR tablename = 'Order' AND indexdef LIKE '%(shop, "customerKey", "processedAt", "orderId", "netSalesMinor", "cancelledAt")%'`,
  );
  if (rows.length > 0) return false;
  await pool.query(
    `CREATE INDEX "Order_shop_customerKey_processedAt_orderId_netSalesMinor_can_idx" ON "Order" (shop, "customerKey", "processedAt", "orderId", "netSalesMinor", "cancelledAt")`,
  );
  await pool.query('VACUUM ANALYZE "Order"');
  return true;
}

/**
 * A day's changes: 1,000 new orders (of existing customers, some before others they already have) and 1,000 late
 * refunds; the next summary refreshes the chains of their customers, and is timed with the scan beside it.
 */
async function dayOfChanges(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                          "customerKey", "paidAt", "netSalesMinor")
     SELECT 'n' || i, $1, 'gid://shopify/Order/n' || i, '#n' || i, 'EUR', 1000, t, t, now(), 'gid://shopify/Customer/' || (1 + i * 97 % $2::int), t, 1000 + i
     FROM (SELECT i, timestamp '2026-12-31 12:00' - (i * 8761 % 1000) * interval '1 day' AS t FROM generate_series(1, 1000) AS i) x`,
    [SHOP, CUSTOMERS],
  );
  await pool.query(
    `UPDATE "Order" SET "netSalesMinor" = "netSalesMinor" - 100 WHERE shop = $1 AND id IN (SELECT 'o' || (i * 997) FROM generate_series(1, 1000) AS i)`,
    [SHOP],
  );
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

async function run() {
  const reused = process.env.BENCH_ANALYTICS_DB;
  const name = reused ?? `tally_bench_analytics_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(error as Error).message}; skipped`);
    return null;
  }
  if (!reused) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4, types: numberTypes });
  pool.on('error', (error) => log(`idle connection lost: ${error.message}`));
  try {
    await migrate(url.toString());
    log(reused ? `reusing ${name}` : `seeding ${ORDERS.toLocaleString('en')} orders of ${CUSTOMERS.toLocaleString('en')} customers`);
    const seedMs = reused ? 0 : await timed(() => seed(pool));
    const indexMade = reused ? false : await coveringIndex(pool);
    const scan = () => pool.query(`SELECT count(*), sum("netSalesMinor") FROM "Order" WHERE shop = $1`, [SHOP]);
    const summary = () => analyticsSummary({ pool }, SHOP, RANGE);
    await scan();
    const answer = await summary();
    const scanMs: number[] = [];
    const summaryMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      scanMs.push(await timed(scan));
      summaryMs.push(await timed(summary));
    }
    if (!reused) await dayOfChanges(pool);
    const afterChangeScanMs = reused ? NaN : await timed(scan);
    const afterChangeMs = reused ? NaN : await timed(summary);
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
    const explain = async (sql: string, params: unknown[]) =>
      (await pool.query(`EXPLAIN ${sql}`, params)).rows.map((r) => (r['QUERY PLAN'] as string).replace(/\s*\(cost=[^)]*\)/, '')).join('\n');
    const plan = await explain(`SELECT count(*), sum("netSalesMinor") FROM "Order" WHERE shop = $1`, [SHOP]);
    const summaryPlan = await explain(STATEMENTS.membership, [SHOP, 'Europe/Berlin', RANGE.from, RANGE.to, 365, null, null]);
    return {
      database: `PostgreSQL ${version.split(' ')[0]}`,
      seedMs,
      afterChangeMs,
      afterChangeScanMs,
      indexMade,
      scan: stats(scanMs),
      summary: stats(summaryMs),
      answer,
      plan,
      summaryPlan,
    };
  } finally {
    await pool.end();
    if (process.env.BENCH_ANALYTICS_KEEP || reused) log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const result = await run();
if (result) {
  const ratio = result.summary.p50 / result.scan.p50;
  const f = (ms: number) => ms.toFixed(1);
  const report = [
    `# Analytics benchmark — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${result.database}; ${ORDERS.toLocaleString('en')} orders of ${CUSTOMERS.toLocaleString('en')} customers over three years ` +
      `(seeded in ${(result.seedMs / 1000).toFixed(1)} s); GET /api/admin/analytics/summary's service for ${RANGE.from} … ${RANGE.to}, ` +
      `${RUNS} runs alternating with the scan (ms).`,
    '',
    '| query | p50 | p95 | min | max |',
    '|---|---:|---:|---:|---:|',
    `| full scan: count(*), sum(net) of the shop's orders | ${f(result.scan.p50)} | ${f(result.scan.p95)} | ${f(result.scan.min)} | ${f(result.scan.max)} |`,
    `| analytics summary, one year | ${f(result.summary.p50)} | ${f(result.summary.p95)} | ${f(result.summary.min)} | ${f(result.summary.max)} |`,
    '',
    `Summary ÷ scan (medians): **${ratio.toFixed(2)}×** (target ≤ 5×).` +
      (Number.isNaN(result.afterChangeMs)
        ? ` On a database seeded before (BENCH_ANALYTICS_DB), without the day's changes.`
        : ` After 1,000 new orders and 1,000 late refunds, the next summary (refreshing their customers' chains): ${f(result.afterChangeMs)} ms` +
          ` beside a ${f(result.afterChangeScanMs)} ms scan (${(result.afterChangeMs / result.afterChangeScanMs).toFixed(2)}×).`) +
      (result.indexMade ? ' The covering index of /work/schema-requests.md was made by the benchmark (the migrations lack it yet).' : ''),
    '',
    'Scan plan:',
    '```',
    result.plan,
    '```',
    "Customer metrics' statement (web/analytics/customers.ts), plan:",
    '```',
    result.summaryPlan,
    '```',
    '',
    `Figures (all): ${JSON.stringify({ customers: result.answer.all.customers, orders: result.answer.all.orders, netSalesMinor: result.answer.all.netSalesMinor, retentionRate: result.answer.all.retentionRate, churnRate: result.answer.all.churnRate, revenueChurnRate: result.answer.all.revenueChurnRate, upsellFrequency: result.answer.all.upsellFrequency, predictedLtvMinor: result.answer.all.predictedLtvMinor })}`,
  ].join('\n');
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, 'analytics.md'), `${report}\n`);
  console.log(report);
}
