// Tier recompute benchmark, on real PostgreSQL: 100,000 members with a year
// of ledger history; a merchant lowers the Silver and Gold thresholds and
// applies the edit. Measured beside a plain UPDATE of the same rows in the
// same run (the floor for touching 100,000 rows), with the process's peak
// memory. The edit goes through the same code as PUT /api/admin/tiers:
// one aggregate query, the pure decision in memory, bulk UPDATEs.
//   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_MEMBERS (default 100000)
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { DEV_SHOP, loadConfig } from '../../web/config.js';
import { startTally } from '../../web/start.js';
import { pgSql, transaction } from '../../web/db/sql.js';
import { applyTierEdit, previewTierEdit } from '../../web/loyalty/tier-edits.js';
import { tierSetup } from '../../web/loyalty/tiers.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Peak RSS and heap while `work` runs, sampled every 5 ms, above what they were before. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMb: number; peakHeapMb: number }> {
  global.gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, 5);
  const t0 = performance.now();
  const value = await work();
  const ms = performance.now() - t0;
  clearInterval(timer);
  const end = process.memoryUsage();
  rss = Math.max(rss, end.rss);
  heap = Math.max(heap, end.heapUsed);
  return { value, ms, peakRssMb: (rss - base.rss) / 2 ** 20, peakHeapMb: (heap - base.heapUsed) / 2 ** 20 };
}

async function main() {
  const name = `tally_bench_tiers_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
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
    const [bronze, silver, gold] = program.tiers;
    // 100,000 members, each with three available earnings over the last year (0–600 points each): progress 0–1800.
    const t0 = performance.now();
    await pool.query(
      `INSERT INTO "Member" (id, shop, "customerId", email, "tierId", "tierReachedAt", "updatedAt", "lifetimeEarned", "pointsAvailable")
       SELECT 'bench-' || i, $1, 'gid://shopify/Customer/' || (5000000000 + i), 'bench' || i || '@example.com', $2, now() - interval '400 days', now(), 0, 0
       FROM generate_series(1, $3) AS i`,
      [DEV_SHOP, bronze!.id, MEMBERS],
    );
    await pool.query(
      `INSERT INTO "PointEntry" (id, shop, "memberId", kind, points, status, source, "idempotencyKey", "createdAt")
       SELECT gen_random_uuid()::text, $1, 'bench-' || i, 'EARN', 1 + (hashint4(i * 3 + k) & 2147483647) % 600, 'AVAILABLE', 'ORDER',
              'bench:' || i || ':' || k, now() - ((hashint4(i + k) & 2147483647) % 360) * interval '1 day'
       FROM generate_series(1, $2) AS i, generate_series(1, 3) AS k`,
      [DEV_SHOP, MEMBERS],
    );
    await pool.query(
      `
      UPDATE "Member" m SET "lifetimeEarned" = s.p, "pointsAvailable" = s.p
      FROM (SELECT "memberId", sum(points)::int AS p FROM "PointEntry" WHERE shop = $1 AND "memberId" LIKE 'bench-%' GROUP BY "memberId") s
      WHERE m.id = s."memberId"`,
      [DEV_SHOP],
    );
    await pool.query('VACUUM ANALYZE "Member"');
    await pool.query('VACUUM ANALYZE "PointEntry"');
    const built = (performance.now() - t0) / 1000;
    const {
      rows: [{ n: members }],
    } = await pool.query(`SELECT count(*)::int AS n FROM "Member" WHERE shop = $1`, [DEV_SHOP]);
    const {
      rows: [{ n: entries }],
    } = await pool.query(`SELECT count(*)::int AS n FROM "PointEntry" WHERE shop = $1`, [DEV_SHOP]);

    // Baseline: one plain UPDATE of the same rows and columns the recompute writes.
    const baseline = await measured(() =>
      transaction(
        pool,
        (sql) => sql.$executeRaw`
        UPDATE "Member" SET "tierId" = "tierId", "tierReachedAt" = now(), "tierKeptUntil" = now() + interval '1 year',
          "balanceVersion" = "balanceVersion" + 1, "updatedAt" = now()
        WHERE shop = ${DEV_SHOP}`,
      ),
    );

    // First recompute: everyone from "Bronze since 400 days" to what the seed's tiers give them.
    const setup = tierSetup(program);
    const first = await measured(() => transaction(pool, (sql) => applyTierEdit(sql, setup, 'bench')));
    // The edit: Silver 500 → 300, Gold 1500 → 1000.
    const edit = { ...setup, tiers: [bronze!, { ...silver!, threshold: 300 }, { ...gold!, threshold: 1000 }] };
    const preview = await measured(() => previewTierEdit(pgSql(pool), program, edit));
    const applied = await measured(() => transaction(pool, (sql) => applyTierEdit(sql, edit, 'bench')));
    if (applied.value.up !== preview.value.up || applied.value.down !== preview.value.down)
      throw new Error('the edit did not do what its preview said');

    const ratio = (m: { ms: number }) => (m.ms / baseline.ms).toFixed(2);
    const lines = [
      '# Tally benchmark: tier recompute',
      '',
      `- date: ${new Date().toISOString()}; Node ${process.version}; PostgreSQL at ${url.host}; ${members} members, ${entries} ledger entries (built in ${built.toFixed(1)} s)`,
      "- `npm run bench:tiers` (tests/bench/tiers.ts); memory is the Node process's peak above its level before the step",
      '',
      '| step | time ms | vs plain UPDATE | members moved | peak RSS MB | peak heap MB |',
      '|---|---:|---:|---|---:|---:|',
      `| plain UPDATE of the same ${members} rows (baseline) | ${baseline.ms.toFixed(0)} | 1.00× | — | ${baseline.peakRssMb.toFixed(1)} | ${baseline.peakHeapMb.toFixed(1)} |`,
      `| first recompute (everyone from Bronze) | ${first.ms.toFixed(0)} | ${ratio(first)}× | ${first.value.up} up, ${first.value.down} down | ${first.peakRssMb.toFixed(1)} | ${first.peakHeapMb.toFixed(1)} |`,
      `| preview of an edit (Silver 500→300, Gold 1500→1000) | ${preview.ms.toFixed(0)} | ${ratio(preview)}× | would move ${preview.value.up} up, ${preview.value.down} down | ${preview.peakRssMb.toFixed(1)} | ${preview.peakHeapMb.toFixed(1)} |`,
      `| apply that edit | ${applied.ms.toFixed(0)} | ${ratio(applied)}× | ${applied.value.up} up, ${applied.value.down} down (as previewed) | ${applied.peakRssMb.toFixed(1)} | ${applied.peakHeapMb.toFixed(1)} |`,
      '',
      `Target: within 5× of the plain UPDATE — applying the edit took ${ratio(applied)}×.`,
    ];
    const text = lines.join('\n');
    console.log(text);
    mkdirSync('tests/bench/results', { recursive: true });
    writeFileSync('tests/bench/results/tiers.md', `${text}\n`);
  } finally {
    await tally.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
