// `npm run bench`: webhook intake throughput, latency and memory, each beside
// a baseline measured in the same run (these machines are shared and noisy,
// so only the ratios travel well).
//
//   bare Node HTTP (baseline)            the same signed requests against a plain node:http server
//   webhook intake orders/paid (signed)  full Tally on PGlite, then on PostgreSQL
//   raw SQL insert (baseline)            single-row INSERTs into a delivery-log-shaped table, same concurrency
//
// Every target runs in a child process (tests/bench/target.ts) so the load
// generator never shares its event loop. Environment:
//   BENCH_SECONDS (10), BENCH_CONNECTIONS (20), BENCH_WARMUP_SECONDS (2),
//   BENCH_DELIVERIES (30000), BENCH_PG_ADMIN_URL (postgresql://postgres@127.0.0.1:5432/postgres)
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { orderPayload } from '../../dev/payloads.js';
import { buildDelivery, type Delivery } from '../../dev/webhook-simulator.js';

const HERE = import.meta.dirname;
const TARGET = path.join(HERE, 'target.ts');
const RESULTS = path.join(HERE, 'results');

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const SECONDS = intEnv('BENCH_SECONDS', 10);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 64);
const WARMUP_SECONDS = intEnv('BENCH_WARMUP_SECONDS', 2);
const DELIVERIES = intEnv('BENCH_DELIVERIES', 30_000);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Customers the orders spread over: the 36 seeded members, then new shoppers enrolled by their first order. */
const MEMBERS = intEnv('BENCH_MEMBERS', 1000);
const FIRST_DEMO_CUSTOMER = 9_100_000_000_000;

// ---------------------------------------------------------------- utilities

const log = (message: string) => console.error(`[bench] ${message}`);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

interface Memory {
  rssMb: number;
  peakMb: number;
}

/** VmRSS (now) and VmHWM (peak since the process started) from /proc/<pid>/status. */
function memoryOf(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- targets

type Kind = 'bare-node' | 'pglite-raw' | 'tally-pglite' | 'tally-postgres';

interface Target {
  kind: Kind;
  pid: number;
  url: string;
  ready: Record<string, unknown>;
  /** SIGTERM, wait for exit; returns the target's final JSON line. */
  stop(): Promise<Record<string, unknown>>;
}

const live = new Set<ChildProcess>();

async function startTarget(kind: Kind, env: Record<string, string> = {}): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', TARGET, kind], {
    cwd: path.resolve(HERE, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const lines: Array<Record<string, unknown>> = [];
  let notify: (() => void) | null = null;
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      return; // stray output
    }
    notify?.();
  });
  const nextLine = async (timeoutMs: number, what: string): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs;
    while (lines.length === 0) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (Date.now() > deadline) throw new Error(`${kind}: no ${what} within ${timeoutMs / 1000}s\n${stderr}`);
      await Promise.race([new Promise<void>((resolve) => (notify = resolve)), sleep(250), exited]);
    }
    const line = lines.shift();
    if (!line) throw new Error(`${kind} exited (code ${child.exitCode}) before its ${what}\n${stderr}`);
    if (typeof line.error === 'string') throw new Error(`${kind} failed: ${line.error}\n${stderr}`);
    return line;
  };

  try {
    const ready = await nextLine(180_000, 'ready line');
    if (typeof ready.url !== 'string') throw new Error(`${kind}: ready line without url: ${JSON.stringify(ready)}`);
    return {
      kind,
      pid: child.pid!,
      url: ready.url,
      ready,
      async stop() {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        try {
          const final = await nextLine(35_000, 'final line');
          await exited;
          return final;
        } finally {
          clearTimeout(timer);
        }
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

// ---------------------------------------------------------------- HTTP load

interface HttpResult {
  reqPerSec: number;
  p50: number;
  p975: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  connErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Answers by outcome ('processed', 'duplicate', 'ignored'), warm-up included. */
  outcomes: Record<string, number>;
  /** 2xx answers in the warm-up (their outcomes are counted too). */
  warmup: { total: number; non2xx: number; errors: number };
  deliveriesUsed: number;
  /** Requests in flight when autocannon stopped (warm-up and measured run), answer never read. */
  dropped: number;
  /** Outcomes of re-sending those. */
  settled: Record<string, number>;
  /** Dropped deliveries whose retry answered "duplicate" (committed before the answer was lost). */
  droppedButCommitted: number;
  /** Distinct deliveries known recorded after settling. */
  distinctRecorded: number;
  peak: Memory | null;
  end: Memory | null;
}

function outcomeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { outcome?: unknown }).outcome ?? 'none');
  } catch {
    return 'unparsable';
  }
}

/** Per-connection autocannon context: which delivery the connection's request in flight carries. */
interface Slot {
  index?: number;
}

async function driveHttp(target: Target, deliveries: readonly Delivery[], options: { settle: boolean }): Promise<HttpResult> {
  let cursor = 0;
  const outcomes: Record<string, number> = {};
  // Deliveries sent whose answer autocannon never read: it drops the requests in
  // flight when its time is up, though the server may still commit them.
  const unanswered = new Set<number>();
  // Deliveries known to be recorded: answered "processed", or dropped and then answered "duplicate" on retry.
  const recorded = new Uint8Array(deliveries.length);
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/webhooks',
    setupRequest: (req, context) => {
      const index = cursor++;
      (context as Slot).index = index;
      unanswered.add(index);
      const d = deliveries[index % deliveries.length]!;
      return { ...req, method: 'POST', path: '/api/webhooks', headers: d.headers, body: d.body };
    },
    onResponse: (status, body, context) => {
      const index = (context as Slot).index;
      if (index !== undefined) unanswered.delete(index);
      if (status < 200 || status >= 300) return;
      const outcome = outcomeOf(body);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (outcome === 'processed' && index !== undefined) recorded[index % deliveries.length] = 1;
    },
  };
  const run = (seconds: number) =>
    autocannon({ url: target.url, connections: CONNECTIONS, duration: seconds, pipelining: 1, timeout: 10, requests: [request] });

  const warm = await run(WARMUP_SECONDS);
  let maxRss = 0;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, memoryOf(target.pid)?.rssMb ?? 0);
  }, 200);
  let result: autocannon.Result;
  try {
    result = await run(SECONDS);
  } finally {
    clearInterval(sampler);
  }
  const end = memoryOf(target.pid);
  // Re-send what went unanswered, as Shopify would retry it (same event id):
  // "duplicate" means the server had committed it, "processed" that it had not.
  // Afterwards the PROCESSED rows must equal the "processed" answers plus the
  // dropped deliveries that turned out to be committed.
  const settled: Record<string, number> = {};
  const dropped = unanswered.size;
  let droppedButCommitted = 0;
  if (options.settle) {
    await Promise.all(
      [...unanswered].map(async (index) => {
        const d = deliveries[index % deliveries.length]!;
        const res = await fetch(new URL('/api/webhooks', target.url), { method: 'POST', headers: d.headers, body: d.body });
        const text = await res.text();
        const outcome = res.ok ? outcomeOf(text) : `HTTP ${res.status}`;
        settled[outcome] = (settled[outcome] ?? 0) + 1;
        if (!res.ok) return;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        const slot = index % deliveries.length;
        if (outcome === 'duplicate' && !recorded[slot]) droppedButCommitted++;
        if (outcome === 'processed' || outcome === 'duplicate') recorded[slot] = 1;
      }),
    );
  }
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p975: result.latency.p97_5,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    connErrors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    outcomes,
    warmup: { total: warm.requests.total, non2xx: warm.non2xx, errors: warm.errors },
    deliveriesUsed: cursor,
    dropped,
    settled,
    droppedButCommitted,
    distinctRecorded: recorded.reduce((n, v) => n + v, 0),
    peak: end ? { rssMb: maxRss, peakMb: end.peakMb } : null,
    end,
  };
}

// ---------------------------------------------------------------- raw SQL

interface SqlResult {
  insertsPerSec: number;
  p50: number;
  p975: number;
  p99: number;
  max: number;
  total: number;
  errors: number;
  firstError: string | null;
}

const SCRATCH = 'bench_delivery_log';

async function driveInserts(url: string): Promise<SqlResult> {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  pool.on('error', () => undefined);
  try {
    await pool.query(`DROP TABLE IF EXISTS ${SCRATCH}`);
    // Shaped like "WebhookDelivery"'s essentials, with its (shop, topic, event) uniqueness.
    await pool.query(`CREATE TABLE ${SCRATCH} (
      id text PRIMARY KEY,
      shop text NOT NULL,
      topic text NOT NULL,
      event_id text NOT NULL,
      body_sha256 text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (shop, topic, event_id))`);
    const sql = `INSERT INTO ${SCRATCH} (id, shop, topic, event_id, body_sha256) VALUES ($1, $2, $3, $4, $5)`;
    let errors = 0;
    let firstError: string | null = null;
    const phase = async (seconds: number, latencies: number[] | null) => {
      const deadline = performance.now() + seconds * 1000;
      const worker = async () => {
        while (performance.now() < deadline) {
          const sha = createHash('sha256').update(randomBytes(16)).digest('hex');
          const t0 = performance.now();
          try {
            await pool.query(sql, [randomUUID(), DEV_SHOP, 'orders/paid', randomUUID(), sha]);
            latencies?.push(performance.now() - t0);
          } catch (error) {
            if (latencies) {
              errors++;
              firstError ??= (error as Error).message;
            }
          }
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: CONNECTIONS }, worker));
      return (performance.now() - started) / 1000;
    };
    await phase(WARMUP_SECONDS, null);
    const latencies: number[] = [];
    const elapsed = await phase(SECONDS, latencies);
    latencies.sort((a, b) => a - b);
    await pool.query(`DROP TABLE IF EXISTS ${SCRATCH}`);
    return {
      insertsPerSec: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p975: percentile(latencies, 97.5),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      total: latencies.length,
      errors,
      firstError,
    };
  } finally {
    await pool.end();
  }
}

// ---------------------------------------------------------------- PostgreSQL

interface BenchDatabase {
  url: string;
  name: string;
  version: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `tally_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const version = await withAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    const { rows } = await c.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? '?';
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    version,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function countProcessed(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'PROCESSED'`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- report

interface Row {
  scenario: string;
  database: string;
  rate: number | null;
  p50: number | null;
  p975: number | null;
  p99: number | null;
  max: number | null;
  errors: number | null;
  peakMb: number | null;
  vs: string;
  /** autocannon reports whole milliseconds; the SQL latencies are our own, to the microsecond. */
  wholeMs?: boolean;
}

const num = (n: number | null, digits = 0) => (n === null || Number.isNaN(n) ? '—' : n.toFixed(digits));
const lat = (n: number | null, whole = false) =>
  n === null || Number.isNaN(n) ? '—' : whole ? n.toFixed(0) : n < 10 ? n.toFixed(2) : n.toFixed(1);

function table(rows: Row[]): string {
  const head = '| scenario | database | req/s | p50 ms | p97.5 ms | p99 ms | max ms | errors | peak RSS MB | vs baseline |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---:|---|';
  const body = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.database} | ${num(r.rate)} | ${lat(r.p50, r.wholeMs)} | ${lat(r.p975, r.wholeMs)} | ${lat(r.p99, r.wholeMs)} | ${lat(r.max, r.wholeMs)} | ${r.errors ?? '—'} | ${num(r.peakMb)} | ${r.vs} |`,
  );
  return [head, rule, ...body].join('\n');
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? `${(a / b).toFixed(3)}×` : '—');

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = new Date();
  const cpus = os.cpus();
  const machine = [
    `- date: ${started.toISOString()}`,
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} logical cores; load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version} on ${os.platform()} ${os.release()}`,
    `- load: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per scenario; ${DELIVERIES} distinct signed orders/paid deliveries over ${MEMBERS} customers (each paid order is recorded and earns pending points through the ledger)`,
  ];
  log(machine.join('\n'));

  log(`building ${DELIVERIES} signed deliveries…`);
  const t0 = performance.now();
  const deliveries: Delivery[] = Array.from({ length: DELIVERIES }, (_, i) =>
    buildDelivery({
      topic: 'orders/paid',
      shop: DEV_SHOP,
      secret: DEV_API_SECRET,
      eventId: randomUUID(),
      payload: orderPayload({ customer: { id: `gid://shopify/Customer/${FIRST_DEMO_CUSTOMER + (i % MEMBERS)}` } }),
    }),
  );
  const avgBytes = deliveries.reduce((s, d) => s + Buffer.byteLength(d.body), 0) / deliveries.length;
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${avgBytes.toFixed(0)} bytes per body on average`);

  const rows: Row[] = [];
  const memoryOfReady = new Map<number, number>();
  const notes: string[] = [];
  const checks: string[] = [];
  let failed = false;

  const httpRow = (scenario: string, database: string, r: HttpResult, vs: string): Row => ({
    scenario,
    database,
    rate: r.reqPerSec,
    p50: r.p50,
    p975: r.p975,
    p99: r.p99,
    max: r.max,
    errors: r.non2xx + r.connErrors,
    peakMb: r.end?.peakMb ?? null,
    vs,
    wholeMs: true,
  });

  const describeHttp = (label: string, r: HttpResult, target: Target) => {
    const codes = Object.entries(r.statusCodes)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ');
    notes.push(
      `${label}: ${r.total} responses measured (${codes || 'none'}); ${r.non2xx} non-2xx, ${r.connErrors} connection errors (${r.timeouts} timeouts); ` +
        `warm-up ${r.warmup.total} responses, ${r.warmup.non2xx} non-2xx, ${r.warmup.errors} errors. ` +
        `RSS idle ${num(memoryOfReady.get(target.pid) ?? null)} MB → max during run ${num(r.peak?.rssMb ?? null)} MB → end ${num(r.end?.rssMb ?? null)} MB; VmHWM ${num(r.end?.peakMb ?? null)} MB.`,
    );
    if (r.non2xx + r.connErrors + r.warmup.non2xx + r.warmup.errors > 0) failed = true;
  };
  const start = async (kind: Kind, env?: Record<string, string>) => {
    log(`starting ${kind}…`);
    const t = await startTarget(kind, env);
    memoryOfReady.set(t.pid, memoryOf(t.pid)?.rssMb ?? Number.NaN);
    log(`${kind} ready at ${t.url} (pid ${t.pid})`);
    return t;
  };

  const verify = (label: string, r: HttpResult, before: number, after: number, final?: Record<string, unknown>) => {
    if (final && final.ledgerOffenders !== undefined) {
      const clean = final.ledgerOffenders === 0;
      if (!clean) failed = true;
      checks.push(
        `${clean ? 'OK' : 'MISMATCH'} ${label} doctor: ${String(final.ledgerOffenders)} of ${String(final.members)} members with cached balances different from their ledger.`,
      );
    }
    const processed = (r.outcomes.processed ?? 0) + r.droppedButCommitted;
    const rows = after - before;
    const outcomes = Object.entries(r.outcomes)
      .map(([o, n]) => `${o}: ${n}`)
      .join(', ');
    const ok = rows === processed && rows === r.distinctRecorded;
    if (!ok) failed = true;
    const settled = Object.entries(r.settled)
      .map(([o, n]) => `${o}: ${n}`)
      .join(', ');
    if (Object.keys(r.settled).some((o) => o.startsWith('HTTP'))) failed = true;
    checks.push(
      `${ok ? 'OK' : 'MISMATCH'} ${label}: ${rows} new WebhookDelivery rows PROCESSED = ${r.outcomes.processed ?? 0} 2xx answers "processed" + ${r.droppedButCommitted} dropped-then-"duplicate" ` +
        `(${r.distinctRecorded} distinct deliveries recorded; all 2xx outcomes, warm-up and re-sends included: ${outcomes || 'none'}); ${r.deliveriesUsed} deliveries sent of ${DELIVERIES} precomputed` +
        `${r.deliveriesUsed > DELIVERIES ? ' (wrapped: later ones were repeats, answered as duplicates)' : ''}; ` +
        `${r.dropped} requests in flight when autocannon stopped (answers never read), re-sent with the same event id (${settled || 'none'}).`,
    );
  };

  // 1. bare Node HTTP baseline
  let bare: HttpResult | null = null;
  {
    const t = await start('bare-node');
    try {
      log('driving bare-node…');
      bare = await driveHttp(t, deliveries, { settle: false });
    } finally {
      await t.stop();
    }
    rows.push(httpRow('bare Node HTTP (baseline)', '—', bare, '1.000× (baseline)'));
    describeHttp('bare Node HTTP', bare, t);
  }
  const baseline = bare;

  /** Drives one Tally target with the deliveries; always stops it and returns its final report. */
  const driveTally = async (kind: Kind, env: Record<string, string> = {}) => {
    const t = await start(kind, env);
    let r: HttpResult;
    let final: Record<string, unknown>;
    try {
      log(`driving ${kind}…`);
      r = await driveHttp(t, deliveries, { settle: true });
    } finally {
      final = await t.stop();
    }
    return { t, r, final };
  };

  /** The webhook row and the raw-insert baseline row of one database, and the SQL run's note. */
  const databaseRows = (database: string, r: HttpResult, sql: SqlResult, peakMb: number | null, rssNote: string) => {
    rows.push(httpRow('webhook intake orders/paid (signed)', database, r, `${ratio(r.reqPerSec, baseline.reqPerSec)} bare Node`));
    rows.push({
      scenario: 'raw SQL insert (baseline)',
      database,
      rate: sql.insertsPerSec,
      p50: sql.p50,
      p975: sql.p975,
      p99: sql.p99,
      max: sql.max,
      errors: sql.errors,
      peakMb,
      vs: `webhook ÷ raw = ${ratio(r.reqPerSec, sql.insertsPerSec)}`,
    });
    notes.push(
      `raw SQL on ${database}: ${sql.total} inserts, ${sql.errors} errors${sql.firstError ? ` (first: ${sql.firstError})` : ''}; ${rssNote}`,
    );
    if (sql.errors > 0) failed = true;
  };

  // 2. PGlite: raw inserts, then Tally
  {
    const raw = await start('pglite-raw');
    let sql: SqlResult;
    let mem: Memory | null;
    try {
      log('raw inserts on PGlite…');
      sql = await driveInserts(raw.url);
      mem = memoryOf(raw.pid);
    } finally {
      await raw.stop();
    }

    const { t, r, final } = await driveTally('tally-pglite');
    databaseRows('PGlite (in-memory)', r, sql, mem?.peakMb ?? null, 'peak RSS is the PGlite server process.');
    describeHttp('webhook intake on PGlite', r, t);
    verify('PGlite', r, Number(t.ready.processed ?? 0), Number(final.processed ?? Number.NaN), final);
  }

  // 3. PostgreSQL: raw inserts (scratch table, dropped after), then Tally, on one bench database
  let database: BenchDatabase | null = null;
  try {
    database = await createBenchDatabase();
    activeDatabase = database;
  } catch (error) {
    const why = `PostgreSQL unreachable at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}): PostgreSQL rows skipped.`;
    log(why);
    notes.push(why);
  }
  if (database) {
    const db = database;
    try {
      log(`PostgreSQL ${db.version}, database ${db.name}`);
      log('raw inserts on PostgreSQL…');
      const sql = await driveInserts(db.url);

      const { t, r, final } = await driveTally('tally-postgres', { BENCH_DATABASE_URL: db.url });
      databaseRows(
        `PostgreSQL ${db.version.split(' ')[0]}`,
        r,
        sql,
        null,
        "no RSS (the server is shared, not ours). Tally's RSS excludes the PostgreSQL server.",
      );
      describeHttp('webhook intake on PostgreSQL', r, t);
      const fromDb = await countProcessed(db.url);
      if (Number(final.processed) !== fromDb) {
        failed = true;
        checks.push(`MISMATCH PostgreSQL: target counted ${String(final.processed)} PROCESSED rows, a direct query ${fromDb}.`);
      }
      verify('PostgreSQL', r, Number(t.ready.processed ?? 0), fromDb, final);
    } finally {
      await db.drop();
      log(`dropped ${db.name}`);
    }
  }

  const report = [
    `# Tally benchmark: webhook intake`,
    '',
    ...machine,
    '',
    table(rows),
    '',
    'req/s for the raw SQL rows is INSERTs per second (pg.Pool of the same concurrency, latency measured per query). ' +
      '"vs baseline": webhook req/s ÷ bare Node req/s; on the SQL rows, webhook req/s ÷ raw inserts/s on the same database. ' +
      "HTTP latencies are autocannon's (whole milliseconds); SQL latencies are timed per query with performance.now(). " +
      'Errors = non-2xx + connection errors in the measured run. Peak RSS = VmHWM of the target process (includes start-up and migrations; ' +
      'for Tally on PGlite the database runs inside the app process; Tally on PostgreSQL excludes the server).',
    '',
    '## Correctness',
    '',
    ...checks.map((c) => `- ${c}`),
    '',
    '## Details',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');

  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, 'latest.md'), report);
  console.log(report);
  log(`written to ${path.relative(process.cwd(), path.join(RESULTS, 'latest.md'))}`);
  if (failed) {
    log('FAILED: errors or a correctness mismatch (see above)');
    process.exitCode = 1;
  }
}

let activeDatabase: BenchDatabase | null = null;

process.on('SIGINT', () => {
  killAll();
  void (activeDatabase?.drop() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(130));
});

main().catch((error: unknown) => {
  console.error(error);
  killAll();
  process.exitCode = 1;
});
