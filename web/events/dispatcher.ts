// The dispatcher: hands committed events to the after-commit subscribers.
//  1. Fan-out: takes undispatched events (FOR UPDATE SKIP LOCKED, so several
//     processes share the work), writes one EventDelivery per (event,
//     subscriber) and marks the events dispatched — in one transaction, so a
//     crash leaves either both or neither, and a delivery is never written twice.
//  2. Delivery: claims due deliveries by leasing them (attempts + 1,
//     nextAttemptAt = now + lease) in a short transaction, runs the handlers
//     with no transaction open (the embedded database runs one transaction at a
//     time, and a handler may query it), then marks them done — or schedules
//     the next attempt with exponential backoff, and parks the delivery as
//     failed after `maxAttempts`. A process that dies mid-handler leaves a
//     lease that runs out: the delivery runs again (at least once).
// Per member and subscriber, events are handled in commit order: a delivery
// waits while an earlier one of the same member to the same subscriber is
// pending and not due (retrying, or leased by another run). A parked failure
// no longer holds the member's later events up.
import type pg from 'pg';
import { pgSql, transaction } from '../db/sql.js';
import type { PrismaClient } from '../db.js';
import type { Logger } from '../logger.js';
import type { Programs } from '../loyalty/program.js';
import type { AdminClient } from '../shopify/admin.js';
import type { MailSetup } from '../email/sender.js';
import type { StoredEvent } from './catalog.js';
import { listenForNudges } from './nudge.js';
import { afterCommitByType, coalescedByType, subscriberNamed } from './registry.js';
import type { AfterCommitContext, JobQueue, NamedSubscriber } from './subscriber.js';

export interface DispatcherOptions {
  pool: pg.Pool;
  prisma: PrismaClient;
  programs: Programs;
  admin: AdminClient | null;
  /** The job queue handed to after-commit subscribers (null without one). */
  jobs?: JobQueue | null;
  /** Shopper emails' transport for their subscribers (null or absent: none sent). */
  mail?: MailSetup | null;
  logger: Logger;
  /** Events fanned out, and deliveries claimed, per statement. */
  batchSize?: number;
  /** Attempts before a delivery is parked as failed. */
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles it (capped at an hour). */
  backoffMs?: number;
  /** How long a claimed delivery is another run's to finish before it may run again. */
  leaseMs?: number;
  /** Handlers run at once for different members (one member's stay in order). */
  concurrency?: number;
  /** Tests move time on. */
  clock?: () => Date;
}

export interface DrainResult {
  dispatched: number;
  delivered: number;
  failed: number;
}

export interface Dispatcher {
  /** Fans out and delivers until nothing is due. */
  drain(): Promise<DrainResult>;
  /** Drains soon (debounced); a nudge during a drain runs one more. */
  nudge(delayMs?: number): void;
  /** Drains now and waits, including what committed during a drain in progress. */
  settle(): Promise<void>;
  /** Listens for emit()'s after-commit nudges in this process. */
  listen(): void;
  stop(): Promise<void>;
}

interface Claimed {
  id: string;
  subscriber: string;
  attempts: number;
  memberId: string | null;
  eventId: string;
  type: string;
  shop: string;
  cause: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

const HOUR = 3_600_000;

/** The delay before attempt `attempts + 1`: backoff, 2·backoff, 4·backoff … at most an hour. */
export function retryDelayMs(attempts: number, backoffMs: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, attempts - 1), HOUR);
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const batch = options.batchSize ?? 1000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 10_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const concurrency = options.concurrency ?? 8;
  const clock = options.clock ?? (() => new Date());
  const { pool, logger } = options;
  const context: AfterCommitContext = {
    sql: pgSql(pool),
    pool,
    prisma: options.prisma,
    programs: options.programs,
    admin: options.admin,
    jobs: options.jobs ?? null,
    mail: options.mail ?? null,
    logger,
  };

  async function fanOut(): Promise<number> {
    const fanned = afterCommitByType();
    const coalesced = coalescedByType();
    const touched = new Set<NamedSubscriber>();
    const count = await transaction(pool, async (sql) => {
      touched.clear(); // a retried transaction starts again
      const events = await sql.$queryRaw<Array<{ id: string; type: string; shop: string; memberId: string | null; seq: string }>>`
        SELECT id, type, shop, "memberId", seq::text FROM "Event" WHERE "dispatchedAt" IS NULL ORDER BY seq LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
      if (events.length === 0) return 0;
      for (const e of events) for (const s of coalesced.get(e.type) ?? []) touched.add(s);
      const pairs = events.flatMap((e) => (fanned.get(e.type) ?? []).map((subscriber) => ({ ...e, subscriber })));
      await sql.$executeRaw`
        WITH d AS (
          INSERT INTO "EventDelivery" (id, "eventId", shop, "memberId", seq, subscriber, "nextAttemptAt", "createdAt")
          SELECT gen_random_uuid()::text, v.event, v.shop, v.member, v.seq, v.subscriber, ${clock()}, ${clock()}
          FROM unnest(${pairs.map((p) => p.id)}::text[], ${pairs.map((p) => p.shop)}::text[], ${pairs.map((p) => p.memberId)}::text[],
                      ${pairs.map((p) => p.seq)}::bigint[], ${pairs.map((p) => p.subscriber)}::text[]) AS v(event, shop, member, seq, subscriber)
          ON CONFLICT ("eventId", subscriber) DO NOTHING
        )
        UPDATE "Event" SET "dispatchedAt" = ${clock()} WHERE id = ANY(${events.map((e) => e.id)}::text[])`;
      return events.length;
    });
    await Promise.all([...touched].map((s) => callCoalesced(s)));
    return count;
  }

  /** A coalescing subscriber, once for the batch just fanned out; a failure is logged (its schedule covers it). */
  async function callCoalesced(s: NamedSubscriber): Promise<void> {
    try {
      await (s.handle as (ctx: AfterCommitContext) => Promise<void> | void)(context);
    } catch (error) {
      logger.warn({ err: error, subscriber: s.name }, 'coalescing subscriber failed');
    }
  }

  /** Leases up to a batch of due deliveries; one claimer at a time, so two runs never split a member's events. */
  async function claim(now: Date): Promise<Claimed[]> {
    return transaction(pool, async (sql) => {
      await sql.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('tally:event-deliveries'))`;
      return sql.$queryRaw<Claimed[]>`
        UPDATE "EventDelivery" d SET attempts = d.attempts + 1, "nextAttemptAt" = ${new Date(now.getTime() + leaseMs)}
        FROM (
          SELECT c.id FROM "EventDelivery" c
          WHERE c.status = 'pending' AND c."nextAttemptAt" <= ${now}
            AND NOT EXISTS (
              SELECT 1 FROM "EventDelivery" p
              WHERE p.subscriber = c.subscriber AND p."memberId" = c."memberId" AND p.status = 'pending'
                AND p.seq < c.seq AND p."nextAttemptAt" > ${now})
          ORDER BY c.seq LIMIT ${batch} FOR UPDATE SKIP LOCKED
        ) pick, "Event" e
        WHERE d.id = pick.id AND e.id = d."eventId"
        RETURNING d.id, d.subscriber, d.attempts, d."memberId", e.id AS "eventId", e.type, e.shop, e.cause, e.data, e."createdAt"`;
    });
  }

  async function handle(d: Claimed): Promise<string | null> {
    const subscriber = subscriberNamed(d.subscriber);
    if (!subscriber || subscriber.mode !== 'after-commit') return `No after-commit subscriber ${d.subscriber}`;
    const event = {
      id: d.eventId,
      type: d.type,
      shop: d.shop,
      memberId: d.memberId,
      cause: d.cause ?? '',
      at: d.createdAt,
      data: d.data,
    } as StoredEvent;
    try {
      await (subscriber.handle as (e: StoredEvent, ctx: AfterCommitContext) => Promise<void> | void)(event, context);
      return null;
    } catch (error) {
      logger.warn({ err: error, subscriber: d.subscriber, eventId: d.eventId, attempt: d.attempts }, 'subscriber failed');
      return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }

  async function deliver(): Promise<{ claimed: number; delivered: number; failed: number }> {
    const now = clock();
    const claimed = await claim(now);
    if (claimed.length === 0) return { claimed: 0, delivered: 0, failed: 0 };
    // One member's deliveries to one subscriber in order; a failure holds back the rest of that queue.
    const queues = new Map<string, Claimed[]>();
    for (const d of claimed) {
      const key = d.memberId ? `${d.subscriber}\u0000${d.memberId}` : d.id;
      queues.set(key, [...(queues.get(key) ?? []), d]);
    }
    const done: string[] = [];
    const held: string[] = [];
    const failures: Array<{ d: Claimed; error: string }> = [];
    const work = [...queues.values()];
    const runQueue = async (queue: Claimed[]) => {
      for (const [i, d] of queue.entries()) {
        const error = await handle(d);
        if (error === null) {
          done.push(d.id);
          continue;
        }
        failures.push({ d, error });
        held.push(...queue.slice(i + 1).map((h) => h.id));
        return;
      }
    };
    for (let i = 0; i < work.length; i += concurrency) await Promise.all(work.slice(i, i + concurrency).map(runQueue));
    await settleOutcomes(now, done, held, failures);
    return { claimed: claimed.length, delivered: done.length, failed: failures.length };
  }

  async function settleOutcomes(now: Date, done: string[], held: string[], failures: Array<{ d: Claimed; error: string }>) {
    const sql = pgSql(pool);
    if (done.length > 0) {
      await sql.$executeRaw`
        UPDATE "EventDelivery" SET status = 'done', "doneAt" = ${clock()}, "lastError" = NULL WHERE id = ANY(${done}::text[])`;
    }
    if (held.length > 0) {
      // Not attempted: handed back, due again once the earlier failure's retry is.
      await sql.$executeRaw`
        UPDATE "EventDelivery" SET attempts = attempts - 1, "nextAttemptAt" = ${now} WHERE id = ANY(${held}::text[])`;
    }
    for (const { d, error } of failures) {
      const parked = d.attempts >= maxAttempts;
      await sql.$executeRaw`
        UPDATE "EventDelivery" SET status = ${parked ? 'failed' : 'pending'}, "lastError" = ${error.slice(0, 2000)},
          "nextAttemptAt" = ${new Date(now.getTime() + retryDelayMs(d.attempts, backoffMs))}
        WHERE id = ${d.id}`;
      if (parked)
        logger.error({ subscriber: d.subscriber, eventId: d.eventId, attempts: d.attempts, error }, 'event delivery parked as failed');
    }
  }

  // One drain at a time in this process: the minute's dispatch-events job and the after-commit nudges
  // share the queue, so settle() is a barrier — a drain running beside it would hold the events
  // (FOR UPDATE SKIP LOCKED) whose deliveries settle() then returns without.
  let last: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  }

  const drain = () => oneAtATime(drainAll);

  async function drainAll(): Promise<DrainResult> {
    const total: DrainResult = { dispatched: 0, delivered: 0, failed: 0 };
    for (;;) {
      const dispatched = await fanOut();
      const { claimed, delivered, failed } = await deliver();
      total.dispatched += dispatched;
      total.delivered += delivered;
      total.failed += failed;
      if (dispatched < batch && claimed < batch) return total;
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let unlisten: (() => void) | null = null;

  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drain().catch((err: unknown) => logger.error({ err }, 'event dispatch failed (the schedule tries again)'));
      } while (again);
    })().finally(() => (running = null));
    return running;
  }

  const dispatcher: Dispatcher = {
    drain,
    nudge(delayMs = 5) {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void kick();
      }, delayMs);
      timer.unref();
    },
    async settle() {
      if (timer) clearTimeout(timer);
      timer = null;
      await kick();
    },
    listen() {
      unlisten ??= listenForNudges(dispatcher);
    },
    async stop() {
      unlisten?.();
      unlisten = null;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
  return dispatcher;
}
