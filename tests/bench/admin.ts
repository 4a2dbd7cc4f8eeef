// `npm run bench` (last part): the admin UI.
//
// 1. Bundle size: `vite build`, then every chunk's raw and gzip size — the
//    entry every page needs, and each page's own chunk (code-split per page).
// 2. The member list at 100,000 members on PostgreSQL and on the embedded
//    PGlite: first page, a page deep in the list (cursor), search, filters,
//    for every sort; and the CSV export of all of them. Baseline in the same
//    database: 50 rows by primary key.
//
// Environment: BENCH_ADMIN_MEMBERS (100000), BENCH_PG_ADMIN_URL.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../web/db/embedded.js';
import { migrate } from '../../web/db/migrate.js';
import { eachMember, listMembers, memberListQuery, type MemberListQuery } from '../../web/loyalty/member-list.js';

const MEMBERS = Number(process.env.BENCH_ADMIN_MEMBERS ?? 100_000);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-admin.myshopify.com';
const RESULTS = path.join(import.meta.dirname, 'results');
const DIST = path.resolve(import.meta.dirname, '../../dist/frontend/assets');
const log = (m: string) => console.error(`[bench:admin] ${m}`);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

// ------------------------------------------------------------ bundle size

interface Chunk {
  file: string;
  raw: number;
  gzip: number;
}

export function bundleSizes(): Chunk[] {
  execFileSync('npx', ['vite', 'build', '--config', 'web/frontend/vite.config.ts', '--logLevel', 'error'], { stdio: 'inherit' });
  return readdirSync(DIST)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((file) => {
      const body = readFileSync(path.join(DIST, file));
      return { file, raw: statSync(path.join(DIST, file)).size, gzip: gzipSync(body, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

// ------------------------------------------------------------ member list

/** 100,000 members with spread balances, activity and join dates, in one statement. */
async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(`INSERT INTO "Shop" (domain, name, "updatedAt") VALUES ($1, 'Bench', now())`, [SHOP]);
  await pool.query(
    `INSERT INTO "Member" (id, shop, "customerId", email, "firstName", "lastName", "pointsAvailable", "lifetimeEarned", "lastActivityAt", "createdAt", "updatedAt")
     SELECT 'm' || lpad(i::text, 7, '0'), $1, 'gid://shopify/Customer/' || (8000000000000 + i), 'shopper' || i || '@example.com',
            (ARRAY['Ava','Noah','Mia','Liam','Zoe','Ethan','Lena','Oskar'])[1 + i % 8], 'Name' || (i % 997),
            (i::bigint * 7919) % 5000, (i::bigint * 7919) % 5000 + 100,
            CASE WHEN i % 10 = 0 THEN NULL ELSE now() - ((i::bigint * 104729) % 730) * interval '1 day' END,
            now() - ((i::bigint * 15485863) % 1460) * interval '1 day', now()
     FROM generate_series(1, $2::int) AS i`,
    [SHOP, MEMBERS],
  );
  await pool.query('ANALYZE "Member"');
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p99: at(99), max: sorted.at(-1)! };
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<ReturnType<typeof stats>> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  return stats(ms);
}

interface Row {
  scenario: string;
  p50: number;
  p99: number;
  max: number;
}

async function memberList(pool: pg.Pool, runs: number): Promise<{ rows: Row[]; exportSeconds: number; exportRows: number }> {
  const rows: Row[] = [];
  const q = (raw: Record<string, unknown>): MemberListQuery => memberListQuery.parse(raw);
  rows.push({
    scenario: '50 rows by primary key (baseline)',
    ...(await time(() => pool.query(`SELECT * FROM "Member" WHERE shop = $1 ORDER BY id LIMIT 50`, [SHOP]), runs)),
  });
  for (const sort of ['memberSince', 'points', 'lastActivity'] as const) {
    for (const direction of ['desc', 'asc'] as const) {
      rows.push({
        scenario: `first page, ${sort} ${direction}`,
        ...(await time(() => listMembers(pool, SHOP, q({ sort, direction })), runs)),
      });
    }
    // A cursor half-way down the list: a range scan from there, no OFFSET.
    let cursor: string | undefined;
    const half = await pool.query(`SELECT count(*)::int AS n FROM "Member" WHERE shop = $1`, [SHOP]);
    for (let page = 0; page < Math.min(10, half.rows[0].n / 400); page++)
      cursor = (await listMembers(pool, SHOP, q({ sort, limit: 200, cursor }))).nextCursor ?? undefined;
    rows.push({
      scenario: `page 41 (after 2,000 rows), ${sort}`,
      ...(await time(() => listMembers(pool, SHOP, q({ sort, cursor })), runs)),
    });
  }
  rows.push({ scenario: 'search "shopper4242"', ...(await time(() => listMembers(pool, SHOP, q({ q: 'shopper4242' })), runs)) });
  rows.push({ scenario: 'search "Mia Name1" (common)', ...(await time(() => listMembers(pool, SHOP, q({ q: 'Mia Name1' })), runs)) });
  rows.push({
    scenario: 'balance 1000–1200, by points',
    ...(await time(() => listMembers(pool, SHOP, q({ sort: 'points', minPoints: 1000, maxPoints: 1200 })), runs)),
  });
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
  rows.push({
    scenario: 'active in 30 days, by last activity',
    ...(await time(() => listMembers(pool, SHOP, q({ sort: 'lastActivity', activeAfter: since })), runs)),
  });

  const start = performance.now();
  let exportRows = 0;
  for await (const _ of eachMember(pool, SHOP, q({}))) exportRows += 1;
  return { rows, exportSeconds: (performance.now() - start) / 1000, exportRows };
}

async function onPostgres() {
  const name = `tally_bench_admin_${randomUUID().slice(0, 8)}`;
  const adminClient = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await adminClient.connect();
  } catch (error) {
    log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(error as Error).message}; skipped`);
    return null;
  }
  await adminClient.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  try {
    await migrate(url.toString());
    await seed(pool);
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
    return { database: `PostgreSQL ${version.split(' ')[0]}`, ...(await memberList(pool, 50)) };
  } finally {
    await pool.end();
    await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminClient.end();
  }
}

async function onPglite() {
  const db = await startEmbeddedDatabase('memory://');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    await migrate(db.url);
    await seed(pool);
    return { database: 'PGlite (in-memory)', ...(await memberList(pool, 20)) };
  } finally {
    await pool.end();
    await db.close();
  }
}

const chunks = bundleSizes();
const entry = chunks.filter((c) => /^index-/.test(c.file));
const total = chunks.reduce((s, c) => ({ raw: s.raw + c.raw, gzip: s.gzip + c.gzip }), { raw: 0, gzip: 0 });
log(`seeding ${MEMBERS} members`);
const lists = [await onPostgres(), await onPglite()].filter((r) => r !== null);

const lines = [
  `# Admin UI benchmark — ${new Date().toISOString().slice(0, 10)}`,
  '',
  '## Bundle (vite build, gzip level 9)',
  '',
  '| chunk | raw KB | gzip KB |',
  '|---|---:|---:|',
  ...chunks.map((c) => `| ${c.file.replace(/-[\w-]{8}\.(js|css)$/, '.$1')} | ${kb(c.raw)} | ${kb(c.gzip)} |`),
  `| **all chunks** | ${kb(total.raw)} | ${kb(total.gzip)} |`,
  `| **entry (every page)** | ${kb(entry.reduce((s, c) => s + c.raw, 0))} | ${kb(entry.reduce((s, c) => s + c.gzip, 0))} |`,
  '',
  `## Member list at ${MEMBERS.toLocaleString('en')} members (50 per page; ms)`,
  '',
];
for (const list of lists) {
  lines.push(`### ${list.database}`, '', '| scenario | p50 | p99 | max |', '|---|---:|---:|---:|');
  for (const r of list.rows) lines.push(`| ${r.scenario} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(2)} |`);
  lines.push(
    '',
    `CSV export of all ${list.exportRows.toLocaleString('en')} members (pages of 200): ${list.exportSeconds.toFixed(2)} s, ${Math.round(list.exportRows / list.exportSeconds).toLocaleString('en')} rows/s`,
    '',
  );
}
const report = lines.join('\n');
await mkdir(RESULTS, { recursive: true });
await writeFile(path.join(RESULTS, 'admin.md'), `${report}\n`);
console.log(report);
