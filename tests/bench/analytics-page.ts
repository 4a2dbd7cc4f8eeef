// `npm run bench:analytics-page`: the Analytics page's first load at 100,000
// orders (issue 15), on PostgreSQL. The page asks five things at once when it
// opens (web/frontend/src/pages/Analytics.tsx): the summary of the last 90
// days, the summary of the 90 days before (for the change), trends by week,
// cohorts of the last twelve months, and the tiers. Timed here as the page
// does it: five real HTTP requests with a session token, in parallel, until
// the last answer; each request's own time beside it.
//
// Baselines in the same run and database: one plain full scan of the shop's
// orders (SELECT count(*), sum(net) …), and the dashboard's one request for
// the same 90 days (the page an admin opens first).
//
// Data: 25,000 customers (40% members spread over the demo program's tiers)
// with 100,000 paid orders over two years (a few refunded to less, some
// cancelled, 3% without a customer).
//
// Environment: BENCH_ANALYTICS_ORDERS (100000), BENCH_ANALYTICS_RUNS (5), BENCH_PG_ADMIN_URL.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP, loadConfig } from '../../web/config.js';
import { mintSessionToken } from '../../web/shopify/signing.js';
import { startTally } from '../../web/start.js';

const ORDERS = Number(process.env.BENCH_ANALYTICS_ORDERS ?? 100_000);
const CUSTOMERS = Math.max(10, Math.round(ORDERS / 4));
const RUNS = Number(process.env.BENCH_ANALYTICS_RUNS ?? 5);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const log = (m: string) => console.error(`[bench:analytics-page] ${m}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The page's first load for "the last 90 days" ending `today` (as pages/Analytics.tsx and components/analytics/format.ts ask). */
function firstLoad(today: number): Array<{ name: string; path: string }> {
  const from = iso(today - 89 * DAY);
  const to = iso(today);
  const before = { from: iso(today - 179 * DAY), to: iso(today - 90 * DAY) };
  const toMonth = to.slice(0, 7);
  const d = new Date(today);
  const fromMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1)).toISOString().slice(0, 7);
  return [
    { name: 'summary (90 days)', path: `/api/admin/analytics/summary?from=${from}&to=${to}` },
    { name: 'summary (previous 90 days)', path: `/api/admin/analytics/summary?from=${before.from}&to=${before.to}` },
    { name: 'trends by week', path: `/api/admin/analytics/trends?from=${from}&to=${to}&interval=week` },
    { name: 'cohorts (12 months)', path: `/api/admin/analytics/cohorts?from=${fromMonth}&to=${toMonth}` },
    { name: 'tiers', path: `/api/admin/analytics/tiers?from=${from}&to=${to}` },
  ];
}

async function main() {
  const name = `tally_bench_analytics_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const tally = await startTally(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: url.toString(),
      TALLY_SEED: 'true',
      TALLY_WORKER: 'false',
      LOG_LEVEL: 'silent',
    }),
    { frontend: false },
  );
  try {
    const pool = tally.db.pool;
    const program = (await tally.programs.get(DEV_SHOP))!;
    const tierIds = program.tiers.map((t) => t.id);
    const t0 = performance.now();
    // Customers numbered 0 or 1 mod 5 are members (40%), on a tier by their number.
    await pool.query(
      `INSERT INTO "Member" (id, shop, "customerId", email, "tierId", "updatedAt", "createdAt", "lifetimeEarned", "pointsAvailable")
       SELECT 'bench-' || i, $1, 'gid://shopify/Customer/' || (6000000000 + i), 'bench' || i || '@example.com',
              ($2::text[])[1 + i % cardinality($2::text[])], now(), now() - (i % 700) * interval '1 day', 0, (i * 37) % 900
       FROM generate_series(1, $3) AS i WHERE i % 5 < 2`,
      [DEV_SHOP, tierIds, CUSTOMERS],
    );
    // Orders: customer by a skewed hash (some buy often), dated over two years, net 10.00–209.99; 3% without a customer,
    // 2% cancelled, 4% partly refunded (net lowered).
    await pool.query(
      `INSERT INTO "Order" (id, shop, "orderId", "memberId", name, "currencyCode", "totalMinor", "financialStatus", "cancelledAt",
                           "processedAt", "sourceUpdatedAt", "customerKey", "paidAt", "netSalesMinor", "updatedAt")
       SELECT 'bo-' || i, $1, 'gid://shopify/Order/' || (7000000000 + i), CASE WHEN c % 5 < 2 THEN 'bench-' || c END, '#' || (1000 + i), 'USD',
              net + 800, CASE WHEN i % 25 = 0 THEN 'partially_refunded' ELSE 'paid' END, CASE WHEN i % 50 = 7 THEN t END,
              t, t, CASE WHEN i % 33 = 0 THEN NULL ELSE 'gid://shopify/Customer/' || (6000000000 + c) END, t,
              CASE WHEN i % 25 = 0 THEN net / 2 ELSE net END, now()
       FROM (SELECT i,
                    1 + (((hashint4(i) & 2147483647) % $2) * ((hashint4(i * 7) & 2147483647) % $2)) / $2 AS c,
                    now() - ((hashint4(i * 13) & 2147483647) % (730 * 24)) * interval '1 hour' AS t,
                    1000 + (hashint4(i * 31) & 2147483647) % 20000 AS net
             FROM generate_series(1, $3) AS i) s`,
      [DEV_SHOP, CUSTOMERS, ORDERS],
    );
    await pool.query('VACUUM ANALYZE "Order"');
    await pool.query('VACUUM ANALYZE "Member"');
    const built = (performance.now() - t0) / 1000;
    const {
      rows: [counts],
    } = await pool.query(`SELECT count(*)::int AS orders, count(DISTINCT "customerKey")::int AS customers FROM "Order" WHERE shop = $1`, [
      DEV_SHOP,
    ]);
    log(`${counts.orders} orders of ${counts.customers} customers built in ${built.toFixed(1)} s`);

    // A session token lives a minute, as the admin's do: a fresh one for each request, minted before its clock starts.
    const get = async (path: string) => {
      const token = await mintSessionToken({ shop: DEV_SHOP, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, userId: 'bench' });
      const start = performance.now();
      const res = await fetch(`${tally.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - start };
    };
    const today = Date.now();
    const requests = firstLoad(today);
    const dashboardPath = `/api/admin/dashboard?from=${iso(today - 89 * DAY)}&to=${iso(today)}`;

    const page: number[] = [];
    const scan: number[] = [];
    const dashboard: number[] = [];
    const each = new Map<string, { cold: number; ms: number[]; status: number }>();
    // Run 0 is cold (first query plans, empty caches); the medians are of the warm runs after it.
    let cold = { page: 0, scan: 0, dashboard: 0 };
    for (let run = 0; run <= RUNS; run++) {
      const s0 = performance.now();
      await pool.query(`SELECT count(*), sum("netSalesMinor")::bigint FROM "Order" WHERE shop = $1`, [DEV_SHOP]);
      const scanMs = performance.now() - s0;
      const p0 = performance.now();
      const answers = await Promise.all(requests.map((r) => get(r.path)));
      const pageMs = performance.now() - p0;
      const dash = await get(dashboardPath);
      answers.forEach((a, i) => {
        const entry = each.get(requests[i]!.name) ?? { cold: a.ms, ms: [], status: a.status };
        if (run > 0) entry.ms.push(a.ms);
        if (a.status !== 200) entry.status = a.status;
        each.set(requests[i]!.name, entry);
      });
      if (run === 0) cold = { page: pageMs, scan: scanMs, dashboard: dash.ms };
      else {
        page.push(pageMs);
        scan.push(scanMs);
        dashboard.push(dash.ms);
      }
      log(
        `run ${run}: page ${pageMs.toFixed(0)} ms (${answers.map((a) => `${a.status} ${a.ms.toFixed(0)}`).join(', ')}), scan ${scanMs.toFixed(0)} ms`,
      );
    }
    const base = median(scan);
    const ratio = (ms: number) => `${(ms / base).toFixed(1)}×`;
    const failed = [...each.entries()].filter(([, e]) => e.status !== 200);
    const lines = [
      '# Tally benchmark: the Analytics page’s first load',
      '',
      `- date: ${new Date().toISOString()}; Node ${process.version}; PostgreSQL at ${url.host}; ${counts.orders.toLocaleString('en')} orders of ${counts.customers.toLocaleString('en')} customers, 40% members (built in ${built.toFixed(1)} s)`,
      `- \`npm run bench:analytics-page\` (tests/bench/analytics-page.ts); median of ${RUNS} warm runs after one cold run`,
      '',
      '| what | cold ms | warm median ms | vs plain scan |',
      '|---|---:|---:|---:|',
      `| plain full scan of the orders: count(*), sum(net) (baseline) | ${cold.scan.toFixed(0)} | ${base.toFixed(1)} | 1.0× |`,
      `| dashboard, its one request for 90 days (reference) | ${cold.dashboard.toFixed(0)} | ${median(dashboard).toFixed(0)} | ${ratio(median(dashboard))} |`,
      `| **Analytics page first load: ${requests.length} requests in parallel, until the last answer** | ${cold.page.toFixed(0)} | ${median(page).toFixed(0)} | ${ratio(median(page))} |`,
      ...[...each.entries()].map(
        ([what, e]) =>
          `| — ${what}${e.status === 200 ? '' : ` (HTTP ${e.status})`} | ${e.cold.toFixed(0)} | ${median(e.ms).toFixed(0)} | ${ratio(median(e.ms))} |`,
      ),
      ...(failed.length
        ? ['', `Not answered 200: ${failed.map(([w, e]) => `${w} (${e.status})`).join(', ')}: their times are not the page's.`]
        : []),
    ];
    const text = lines.join('\n');
    console.log(text);
    mkdirSync('tests/bench/results', { recursive: true });
    writeFileSync('tests/bench/results/analytics-page.md', `${text}\n`);
  } finally {
    await tally.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
