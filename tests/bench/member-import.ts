// Benchmark (issue 16): the member CSV import of BENCH_IMPORT_ROWS rows
// (default 1,000,000) on PostgreSQL — parse, check, resolve members, write
// ledger entries and balances in 5,000-row transactions (web/imports/run.ts, the
// job's own code) — beside a COPY of the same file into a plain table in the
// same run, with the process's peak RSS. Target: ≥ 0.2× COPY's rows/s, RSS ≤ 300 MB.
// A third figure says where the floor is: one INSERT … SELECT of the copied rows
// into a table like "Member" (its indexes, the trigram one too; no checks, no
// ledger), the least a set-based import that creates these members can cost.
// A fifth of the file's members exist beforehand (found by customer id or by
// email), half the rows carry a customer id, the rest only an email (guests).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { migrate } from '../../web/db/migrate.js';
import { numberTypes } from '../../web/db/numbers.js';
import { DEFAULT_TIER_POLICY } from '../../web/loyalty/domain/program.js';
import type { LoadedProgram } from '../../web/loyalty/program.js';
import { applyImport } from '../../web/imports/run.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-import.myshopify.com';
const RESULTS = path.join(import.meta.dirname, 'results');
const log = (m: string) => console.error(`[bench:member-import] ${m}`);
const TIERS = ['Bronze', 'Silver', 'Gold'];

async function writeCsv(file: string): Promise<number> {
  const out = createWriteStream(file);
  out.write('Email,Customer ID,Points,VIP Tier,Birthday,First Name,Last Name\n');
  let bytes = 0;
  for (let i = 1; i <= ROWS; i++) {
    const line = `member${i}@example.com,${i % 2 === 0 ? 1_000_000 + i : ''},${(i * 7919) % 5000},${TIERS[i % 3]},19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10},First${i},Last${i}\n`;
    bytes += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

async function run() {
  const name = `tally_bench_import_${randomUUID().slice(0, 8)}`;
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
  pool.on('error', (error) => log(`idle connection lost: ${error.message}`));
  const dir = path.join(tmpdir(), `tally-bench-import-${randomUUID().slice(0, 8)}`);
  process.env.TALLY_IMPORT_DIR = dir;
  try {
    await migrate(url.toString());
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
    const file = path.join(dir, 'members.csv');
    log(`writing ${ROWS.toLocaleString('en')} rows`);
    const bytes = await writeCsv(file);
    await chmod(file, 0o644);
    await pool.query(
      `INSERT INTO "Shop" (domain, name, "currencyCode", "ianaTimezone", "updatedAt") VALUES ($1, 'Bench', 'EUR', 'UTC', now())`,
      [SHOP],
    );
    await pool.query(`INSERT INTO "Program" (shop, name, "updatedAt") VALUES ($1, 'Bench', now())`, [SHOP]);
    await pool.query(
      `INSERT INTO "Tier" (id, shop, name, threshold, "updatedAt") SELECT 'tier-' || n, $1, n, t, now() FROM unnest($2::text[], $3::int[]) AS v(n, t)`,
      [SHOP, TIERS, [0, 500, 2000]],
    );
    // A fifth of the members exist: by customer id (even rows) or by email (odd rows).
    await pool.query(
      `INSERT INTO "Member" (id, shop, "customerId", email, "tierId", "updatedAt")
       SELECT 'm' || i, $1, 'gid://shopify/Customer/' || (1000000 + i), 'member' || i || '@example.com', 'tier-Bronze', now()
       FROM generate_series(1, $2::int) AS i WHERE i % 5 = 0`,
      [SHOP, ROWS],
    );
    await pool.query('VACUUM ANALYZE "Member"');
    const program = {
      shop: SHOP,
      timeZone: 'UTC',
      settings: { expiry: { kind: 'never' }, tierPolicy: { ...DEFAULT_TIER_POLICY } },
      tiers: TIERS.map((n, i) => ({ id: `tier-${n}`, name: n, threshold: [0, 500, 2000][i]!, perks: {} })),
    } as unknown as LoadedProgram;

    // COPY of the same file into a plain table: the floor of what loading these rows costs.
    await pool.query(
      `CREATE TABLE copy_target (email text, customer_id text, points bigint, tier text, birthday text, first_name text, last_name text)`,
    );
    const copyStart = performance.now();
    await pool.query(`COPY copy_target FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    const copyMs = performance.now() - copyStart;

    const id = `bench-${randomUUID()}`;
    await pool.query(`INSERT INTO "Import" (id, shop, kind, status, options, total) VALUES ($1, $2, 'members', 'queued', $3::jsonb, $4)`, [
      id,
      SHOP,
      JSON.stringify({ balance: 'set', file: 'members.csv', sha256: 'bench', format: 'generic', rows: ROWS, valid: ROWS, invalid: 0 }),
      ROWS,
    ]);
    await writeFile(path.join(dir, 'keep'), ''); // applyImport removes the file when done; COPY already read it
    peakRss = process.memoryUsage().rss;
    const timer = setInterval(sample, 50);
    const importStart = performance.now();
    await applyImport(pool, program, id);
    const importMs = performance.now() - importStart;
    clearInterval(timer);
    sample();
    // The floor: the copied rows into a table with Member's columns and indexes, in one statement.
    await pool.query(`CREATE TABLE member_floor (LIKE "Member" INCLUDING ALL)`);
    const floorStart = performance.now();
    await pool.query(
      `INSERT INTO member_floor (id, shop, "customerId", email, "firstName", "lastName", birthday, "pointsAvailable", "lifetimeEarned", "updatedAt")
       SELECT md5(email), $1, COALESCE('gid://shopify/Customer/' || customer_id, 'guest:' || email), email, first_name, last_name, birthday::date, points, points, now()
       FROM copy_target`,
      [SHOP],
    );
    const floorMs = performance.now() - floorStart;
    const [done] = (await pool.query(`SELECT status, done, result FROM "Import" WHERE id = $1`, [id])).rows;
    const [check] = (
      await pool.query(
        `SELECT count(*)::int AS members, sum("pointsAvailable")::float8 AS points,
                (SELECT sum(points)::float8 FROM copy_target) AS file_points,
                (SELECT count(*)::int FROM "PointEntry" WHERE "sourceId" = $2) AS entries
         FROM "Member" WHERE shop = $1`,
        [SHOP, id],
      )
    ).rows;
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
    return {
      database: `PostgreSQL ${version.split(' ')[0]}`,
      bytes,
      copyMs,
      importMs,
      floorMs,
      done,
      check,
      peakRss,
      maxRss: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

const result = await run();
if (result) {
  const perS = (ms: number) => Math.round(ROWS / (ms / 1000));
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  const ratio = result.copyMs / result.importMs;
  const lines = [
    `# Member CSV import (${new Date().toISOString().slice(0, 10)}, ${result.database}, load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
    '',
    `| | rows | time | rows/s |`,
    `| --- | ---: | ---: | ---: |`,
    `| COPY into a plain table | ${ROWS.toLocaleString('en')} | ${(result.copyMs / 1000).toFixed(1)} s | ${perS(result.copyMs).toLocaleString('en')} |`,
    `| member import (parse, check, members, ledger, tiers) | ${ROWS.toLocaleString('en')} | ${(result.importMs / 1000).toFixed(1)} s | ${perS(result.importMs).toLocaleString('en')} |`,
    `| floor: INSERT … SELECT of the copied rows into a table with Member's indexes | ${ROWS.toLocaleString('en')} | ${(result.floorMs / 1000).toFixed(1)} s | ${perS(result.floorMs).toLocaleString('en')} |`,
    '',
    `Import ÷ COPY: **${ratio.toFixed(3)}×** (target ≥ 0.2×); the floor ÷ COPY: ${(result.copyMs / result.floorMs).toFixed(3)}×, import ÷ floor: ${(result.floorMs / result.importMs).toFixed(2)}×. Peak RSS of the importing process: **${mb(result.peakRss)} MB** sampled, ${mb(result.maxRss)} MB max RSS (target ≤ 300 MB). File ${mb(result.bytes)} MB.`,
    `Import ${result.done.status}: ${result.done.done.toLocaleString('en')} rows; ${JSON.stringify(result.done.result)}; members ${result.check.members.toLocaleString('en')}, points ${result.check.points} (file ${result.check.file_points}), ${result.check.entries.toLocaleString('en')} ledger entries.`,
  ];
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, 'member-import.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}
