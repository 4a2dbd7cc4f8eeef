// Benchmark (issue 14): the monthly statement to BENCH_STATEMENT_MEMBERS members (default 100,000) on PostgreSQL,
// end to end — the run records every member's EmailSend row in batches (web/email/statement.ts), then the send job's
// drain (web/email/sender.ts sendDueEmails: claims, renders Liquid + MJML layout + text part, signs the links, hands
// the message to the pooled nodemailer transport, records the outcome) — to a local SMTP sink (smtp-server, counting
// and discarding), beside a bare nodemailer → sink loop in the same run (the baseline: the same pool settings and
// concurrency, one prepared message of the statement's size). Targets: ≥ 200 messages/s, peak RSS ≤ 300 MB.
//
// Three processes, so none shares an event loop with what it measures: the sink, the baseline, the Tally run (this
// file with --sink, --baseline, --tally). The Tally process's peak RSS is its kernel high-water mark (VmHWM).
// Environment: BENCH_STATEMENT_MEMBERS (100000), BENCH_BASELINE_MESSAGES (20000), BENCH_PG_ADMIN_URL.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { migrate } from '../../web/db/migrate.js';
import { numberTypes } from '../../web/db/numbers.js';
import { createLogger } from '../../web/logger.js';
import { DEFAULT_TIER_POLICY } from '../../web/loyalty/domain/program.js';
import type { LoadedProgram } from '../../web/loyalty/program.js';
import { sendDueEmails, SEND_CONCURRENCY } from '../../web/email/sender.js';
import { continueStatementRun, startStatementRun } from '../../web/email/statement.js';
import { createMailer } from '../../web/email/transport.js';
import { pgSql } from '../../web/db/sql.js';

const MEMBERS = Number(process.env.BENCH_STATEMENT_MEMBERS ?? 100_000);
const BASELINE_MESSAGES = Number(process.env.BENCH_BASELINE_MESSAGES ?? 20_000);
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHOP = 'bench-statement.myshopify.com';
const MONTH = '2026-12';
const POOL = { maxConnections: 5, maxMessages: 100 };
const RESULTS = path.join(import.meta.dirname, 'results');
const log = (m: string) => console.error(`[bench:email-statement] ${m}`);
const TIERS = [
  { id: 'tier-bronze', name: 'Bronze', threshold: 0 },
  { id: 'tier-silver', name: 'Silver', threshold: 500 },
  { id: 'tier-gold', name: 'Gold', threshold: 1500 },
];
const LOCALES = ['en', 'fr', 'de', 'es', 'pl', 'zh-CN'];

/** Writes one JSON line for the parent. */
const report = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);

// ---------------------------------------------------------------- the sink (child)

async function sink() {
  let received = 0;
  let bytes = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10_000_000,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  report({ port: (server.server.address() as { port: number }).port });
  // The parent asks for the count on stdin ("count\n") and ends the sink by closing stdin.
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', () => report({ received, bytes }));
  lines.on('close', () => server.close(() => process.exit(0)));
}

// ---------------------------------------------------------------- the baseline (child)

async function baseline(port: number, html: string, text: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, ...POOL });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: SEND_CONCURRENCY }, async () => {
      while (next < BASELINE_MESSAGES) {
        const i = next++;
        await transport.sendMail({
          from: 'Bench <loyalty@bench.test>',
          to: `member${i}@example.com`,
          subject: `Your December 2026 statement: ${i % 3000} points at Bench`,
          messageId: `<baseline-${i}@tally>`,
          html,
          text,
          headers: { 'List-Unsubscribe': '<http://127.0.0.1/unsubscribe>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
      }
    }),
  );
  const ms = performance.now() - start;
  transport.close();
  report({ sent: BASELINE_MESSAGES, ms, maxRss: process.resourceUsage().maxRSS * 1024 });
}

// ---------------------------------------------------------------- Tally (child)

async function tally(port: number, url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 12, types: numberTypes });
  const program = {
    shop: SHOP,
    name: 'Bench',
    timeZone: 'UTC',
    settings: { expiry: { kind: 'never' }, tierPolicy: { ...DEFAULT_TIER_POLICY } },
    tiers: TIERS.map((t) => ({ ...t, perks: {} })),
  } as unknown as LoadedProgram;
  const mail = {
    mailer: createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Tally <loyalty@bench.test>', ...POOL }),
    secret: 'bench-secret',
    appUrl: 'http://127.0.0.1:8081',
    viaShop: true,
  };
  const deps = { pool, mail, logger: createLogger('warn') };
  const start = performance.now();
  const run = await startStatementRun(pgSql(pool), SHOP, MONTH);
  const outcome = await continueStatementRun(pool, program, run.id);
  const recordedMs = performance.now() - start;
  let sent = 0;
  let other = 0;
  for (;;) {
    const r = await sendDueEmails(deps, { budgetMs: 3_600_000 });
    sent += r.sent;
    other += r.retry + r.bounced + r.failed + r.suppressed;
    if (r.sent + r.retry + r.bounced + r.failed + r.suppressed === 0) break;
  }
  const totalMs = performance.now() - start;
  mail.mailer.close();
  const [runRow] = (
    await pool.query(
      `SELECT status, total, queued,
              (SELECT count(*)::int FROM "EmailSend" WHERE shop = $2 AND key = 'monthly_statement' AND cause = $3 AND status = 'suppressed') AS suppressed
       FROM "EmailRun" WHERE id = $1`,
      [run.id, SHOP, MONTH],
    )
  ).rows;
  await pool.end();
  report({
    outcome,
    recordedMs,
    sendMs: totalMs - recordedMs,
    totalMs,
    sent,
    other,
    run: runRow,
    maxRss: process.resourceUsage().maxRSS * 1024,
  });
}

// ---------------------------------------------------------------- the parent

function child(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout! });
  const queue: object[] = [];
  const waiting: Array<(v: object) => void> = [];
  lines.on('line', (line) => {
    const value = JSON.parse(line) as object;
    const w = waiting.shift();
    if (w) w(value);
    else queue.push(value);
  });
  const next = <T>() =>
    new Promise<T>((resolve) => (queue.length ? resolve(queue.shift() as T) : waiting.push(resolve as (v: object) => void)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  return { proc, next, exited };
}

async function seed(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await pool.query(
      `INSERT INTO "Shop" (domain, name, "currencyCode", "ianaTimezone", "updatedAt") VALUES ($1, 'Bench', 'EUR', 'UTC', now())`,
      [SHOP],
    );
    await pool.query(`INSERT INTO "Program" (shop, name, "updatedAt", "emailSettings") VALUES ($1, 'Bench', now(), $2::jsonb)`, [
      SHOP,
      JSON.stringify({ frequencyCapDays: 3, sendWindow: { start: '00:00', end: '23:59' }, postalAddress: 'Bench street 1' }),
    ]);
    await pool.query(
      `INSERT INTO "Tier" (id, shop, name, threshold, "updatedAt") SELECT id, $1, n, t, now() FROM unnest($2::text[], $3::text[], $4::int[]) AS v(id, n, t)`,
      [SHOP, TIERS.map((t) => t.id), TIERS.map((t) => t.name), TIERS.map((t) => t.threshold)],
    );
    await pool.query(
      `INSERT INTO "Reward" (id, shop, type, name, config, "updatedAt") VALUES
         ('r-ship', $1, 'free-shipping', 'Free shipping', '{"pointsCost": 300}', now()),
         ('r-5', $1, 'fixed-amount', '€5 off', '{"pointsCost": 500, "amountMinor": 500}', now()),
         ('r-10', $1, 'percentage', '10% off', '{"pointsCost": 1000, "percentage": 10}', now()),
         ('r-25', $1, 'fixed-amount', '€25 off', '{"pointsCost": 2500, "amountMinor": 2500}', now())`,
      [SHOP],
    );
    await pool.query(
      `INSERT INTO "Member" (id, shop, "customerId", email, "firstName", locale, "pointsAvailable", "tierId", "tierReachedAt", "updatedAt")
       SELECT 'm' || lpad(i::text, 7, '0'), $1, 'gid://shopify/Customer/' || i, 'member' || i || '@example.com', 'First' || i,
              ($3::text[])[1 + i % 6], (i * 7919) % 3000,
              CASE WHEN (i * 7919) % 3000 >= 1500 THEN 'tier-gold' WHEN (i * 7919) % 3000 >= 500 THEN 'tier-silver' ELSE 'tier-bronze' END,
              now(), now()
       FROM generate_series(1, $2::int) AS i`,
      [SHOP, MEMBERS, LOCALES],
    );
    // What the tier progress sums (points earned this period): one earning per member.
    await pool.query(
      `INSERT INTO "PointEntry" (id, shop, "memberId", kind, points, status, source, "idempotencyKey", "availableAt", "createdAt")
       SELECT 'p' || i, $1, 'm' || lpad(i::text, 7, '0'), 'EARN', (i * 7919) % 3000, 'AVAILABLE', 'ORDER', 'bench:' || i, now(), now()
       FROM generate_series(1, $2::int) AS i`,
      [SHOP, MEMBERS],
    );
    // A few who unsubscribed from reminders (suppressed, not sent).
    await pool.query(
      `INSERT INTO "EmailUnsubscribe" (shop, "memberId", category) SELECT $1, 'm' || lpad(i::text, 7, '0'), 'reminder'
       FROM generate_series(1, $2::int, 1000) AS i`,
      [SHOP, MEMBERS],
    );
    await pool.query('VACUUM ANALYZE');
  } finally {
    await pool.end();
  }
}

async function main() {
  const name = `tally_bench_statement_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(error as Error).message}; skipped`);
    return;
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const sinkProc = child(['--sink']);
  try {
    await migrate(url.toString());
    log(`seeding ${MEMBERS.toLocaleString('en')} members`);
    await seed(url.toString());
    const { port } = await sinkProc.next<{ port: number }>();
    const count = async () => {
      sinkProc.proc.stdin!.write('count\n');
      return sinkProc.next<{ received: number; bytes: number }>();
    };

    log('Tally: statement run and send');
    const before = await count();
    const t = child(['--tally', String(port), url.toString()]);
    const tallyResult = await t.next<{
      outcome: string;
      recordedMs: number;
      sendMs: number;
      totalMs: number;
      sent: number;
      other: number;
      run: { status: string; total: number; queued: number; suppressed: number };
      maxRss: number;
    }>();
    await t.exited;
    const afterTally = await count();
    const avgBytes = (afterTally.bytes - before.bytes) / Math.max(1, afterTally.received - before.received);

    // The baseline sends a message of the statement's average size, prepared once.
    log(`baseline: ${BASELINE_MESSAGES.toLocaleString('en')} messages, bare nodemailer`);
    const filler = 'x'.repeat(Math.max(0, Math.round(avgBytes * 0.7) - 200));
    const b = child([
      '--baseline',
      String(port),
      `<html><body><p>Your balance</p><p>${filler}</p></body></html>`,
      filler.slice(0, Math.round(avgBytes * 0.25)),
    ]);
    const baselineResult = await b.next<{ sent: number; ms: number; maxRss: number }>();
    await b.exited;
    const afterBaseline = await count();

    const version = ((await admin.query('SHOW server_version')).rows[0].server_version as string).split(' ')[0];
    const tallyRate = tallyResult.sent / (tallyResult.sendMs / 1000);
    const endToEnd = tallyResult.sent / (tallyResult.totalMs / 1000);
    const baselineRate = baselineResult.sent / (baselineResult.ms / 1000);
    const mb = (b: number) => Math.round(b / 1024 / 1024);
    const lines = [
      `# Monthly statement send (${new Date().toISOString().slice(0, 10)}, PostgreSQL ${version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)})`,
      '',
      `| | messages | time | messages/s | peak RSS |`,
      `| --- | ---: | ---: | ---: | ---: |`,
      `| bare nodemailer → sink (baseline, pool ${POOL.maxConnections} connections, ${SEND_CONCURRENCY} at once) | ${baselineResult.sent.toLocaleString('en')} | ${(baselineResult.ms / 1000).toFixed(1)} s | ${Math.round(baselineRate)} | ${mb(baselineResult.maxRss)} MB |`,
      `| Tally: record ${tallyResult.run.queued.toLocaleString('en')} members (batches of 1,000) | — | ${(tallyResult.recordedMs / 1000).toFixed(1)} s | ${Math.round(tallyResult.run.queued / (tallyResult.recordedMs / 1000)).toLocaleString('en')} rows/s | |`,
      `| Tally: send (claim, render, SMTP, record) | ${tallyResult.sent.toLocaleString('en')} | ${(tallyResult.sendMs / 1000).toFixed(1)} s | ${Math.round(tallyRate)} | |`,
      `| Tally: end to end | ${tallyResult.sent.toLocaleString('en')} | ${(tallyResult.totalMs / 1000).toFixed(1)} s | ${Math.round(endToEnd)} | ${mb(tallyResult.maxRss)} MB |`,
      '',
      `Tally's send ÷ baseline: **${(tallyRate / baselineRate).toFixed(2)}×**; end to end ÷ baseline: **${(endToEnd / baselineRate).toFixed(2)}×** (target ≥ 200 messages/s end to end: ${endToEnd >= 200 ? 'met' : 'NOT met'}). Peak RSS of the Tally process: **${mb(tallyResult.maxRss)} MB** (target ≤ 300 MB: ${tallyResult.maxRss <= 300 * 1024 * 1024 ? 'met' : 'NOT met'}).`,
      `Run ${tallyResult.run.status}: ${tallyResult.run.queued.toLocaleString('en')} of ${tallyResult.run.total.toLocaleString('en')} members recorded; ${tallyResult.sent.toLocaleString('en')} sent, ${tallyResult.run.suppressed.toLocaleString('en')} recorded as suppressed (unsubscribed from reminders), ${tallyResult.other} failed or deferred. The sink received ${(afterTally.received - before.received).toLocaleString('en')} Tally messages (${Math.round(avgBytes / 1024)} KB on average) and ${(afterBaseline.received - afterTally.received).toLocaleString('en')} baseline messages.`,
    ];
    await mkdir(RESULTS, { recursive: true });
    await writeFile(path.join(RESULTS, 'email-statement.md'), `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
  } finally {
    sinkProc.proc.stdin!.end();
    await sinkProc.exited;
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--sink') await sink();
else if (mode === '--baseline') await baseline(Number(args[0]), args[1]!, args[2]!);
else if (mode === '--tally') await tally(Number(args[0]), args[1]!);
else await main();
