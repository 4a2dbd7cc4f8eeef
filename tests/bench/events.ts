// Event dispatch benchmark, on real PostgreSQL: how many events per second the
// dispatcher (web/events/dispatcher.ts) delivers to a no-op after-commit
// subscriber, beside raw single-row INSERTs per second of the same rows and
// emit() in a transaction of its own per event, in the same run.
//   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_EVENTS (default 50000), BENCH_EVENT_BATCH (default 1000)
// Writes tests/bench/results/events.md.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { DEV_SHOP } from '../../web/config.js';
import { openDatabase } from '../../web/db.js';
import { pgSql, transaction } from '../../web/db/sql.js';
import { createDispatcher } from '../../web/events/dispatcher.js';
import { emit, emitMany } from '../../web/events/emit.js';
import { holdNudgesForTest } from '../../web/events/nudge.js';
import { addTestSubscriber } from '../../web/events/registry.js';
import type { DomainEvent } from '../../web/events/catalog.js';
import { createLogger } from '../../web/logger.js';
import { programCache } from '../../web/loyalty/program.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONCURRENCY = 16;
const MEMBERS = 5_000;
/** Events fanned out and deliveries claimed per statement (the dispatcher's default is 1,000). */
const BATCH = Number(process.env.BENCH_EVENT_BATCH ?? 1000);

const event = (i: number): DomainEvent<'birthday.reached'> => ({
  type: 'birthday.reached',
  shop: DEV_SHOP,
  memberId: `bench-member-${i % MEMBERS}`,
  cause: `bench:${i}`,
  data: { birthday: '1990-05-17' },
});

/** Runs `count` calls of `work` from CONCURRENCY callers; returns calls per second. */
async function rate(count: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

async function main() {
  const name = `tally_bench_events_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() }, { poolSize: CONCURRENCY + 2 });
  holdNudgesForTest(); // the drain below is timed on its own, not started by emit's nudges
  let handled = 0;
  addTestSubscriber('bench-noop', { on: 'birthday.reached', mode: 'after-commit', handle: () => void (handled += 1) });
  const logger = createLogger('silent');
  const dispatcher = createDispatcher({
    pool: db.pool,
    prisma: db.prisma,
    programs: programCache(db.prisma),
    admin: null,
    logger,
    batchSize: BATCH,
  });
  try {
    const sql = pgSql(db.pool);
    const sample = Math.min(EVENTS, 20_000);
    // Raw: the outbox row's INSERT alone, autocommit, no validation.
    const raw = await rate(
      sample,
      (i) =>
        sql.$executeRaw`INSERT INTO "Event" (id, shop, "memberId", type, cause, data, "dispatchedAt")
        VALUES (${randomUUID()}, ${DEV_SHOP}, ${`bench-member-${i % MEMBERS}`}, 'bench.raw', ${`raw:${i}`}, '{"birthday":"1990-05-17"}'::jsonb, now())`,
    );
    // emit(): validated, in a transaction of its own (BEGIN, INSERT, COMMIT), as a cause's would be.
    const emitted = await rate(sample, (i) => transaction(db.pool, (tx) => emit(tx, event(i))));
    await dispatcher.drain(); // deliver those, so the timed drain starts from an empty queue
    handled = 0;
    // The backlog: EVENTS committed events (1,000 per transaction), then one drain, timed.
    for (let i = 0; i < EVENTS; i += 1000) {
      await transaction(db.pool, (tx) =>
        emitMany(
          tx,
          Array.from({ length: Math.min(1000, EVENTS - i) }, (_, n) => event(i + n)),
        ),
      );
    }
    const t0 = performance.now();
    const result = await dispatcher.drain();
    const seconds = (performance.now() - t0) / 1000;
    if (handled !== EVENTS || result.delivered !== EVENTS)
      throw new Error(`delivered ${result.delivered}, handled ${handled}, expected ${EVENTS}`);
    const version = (await db.pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const lines = [
      '# Event dispatch benchmark',
      '',
      `Run ${new Date().toISOString()} on PostgreSQL ${version}, \`npx tsx tests/bench/events.ts\` (BENCH_EVENTS=${EVENTS}, batches of ${BATCH}), ${CONCURRENCY} connections.`,
      '',
      '| what | per second |',
      '| --- | ---: |',
      `| raw single-row INSERT of an outbox row (autocommit, ${CONCURRENCY} callers) | ${Math.round(raw).toLocaleString('en')} |`,
      `| emit() in a transaction of its own (BEGIN, INSERT, COMMIT; ${CONCURRENCY} callers) | ${Math.round(emitted).toLocaleString('en')} |`,
      `| **events delivered** by one dispatcher to a no-op after-commit subscriber (${EVENTS.toLocaleString('en')} queued, ${MEMBERS.toLocaleString('en')} members) | **${Math.round(EVENTS / seconds).toLocaleString('en')}** |`,
      '',
      `Delivery includes the fan-out (one EventDelivery row per event), the claim (lease) and marking each done; target ≥ 5,000 events/s. Drain took ${seconds.toFixed(2)} s.`,
      '',
    ];
    mkdirSync('tests/bench/results', { recursive: true });
    writeFileSync('tests/bench/results/events.md', lines.join('\n'));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await dispatcher.stop();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
