// A subscriber is one reaction to one event, in one file:
// web/subscribers/<event>/<reaction>.ts exporting defineSubscriber({...}).
// In-transaction subscribers run inside emit(), so they commit or roll back
// with the cause (tier review, referral reward, cashback). After-commit
// subscribers run from the outbox (web/events/dispatcher.ts), at least once
// and retried with backoff until done or parked as failed — so they must be
// idempotent — and see one member's events in the order they committed.
import type pg from 'pg';
import type { Sql } from '../db/sql.js';
import type { PrismaClient } from '../db.js';
import type { Logger } from '../logger.js';
import type { Programs } from '../loyalty/program.js';
import type { AdminClient } from '../shopify/admin.js';
import type { MailSetup } from '../email/sender.js';
import type { EventName, StoredEvent } from './catalog.js';

export interface InTransactionContext {
  /** The cause's transaction. */
  sql: Sql;
}

/** The job queue (pg-boss), for a reaction that hands its work to a job, e.g. a batched Shopify sync. */
export interface JobQueue {
  /** Enqueues `name` (a job of web/jobs/definitions.ts); null when the queue's policy dropped it (one already waits). */
  send(name: string, data: object, options?: { startAfterSeconds?: number }): Promise<string | null>;
}

export interface AfterCommitContext {
  /** Autocommit statements on the pool (open a transaction() for more than one). */
  sql: Sql;
  pool: pg.Pool;
  prisma: PrismaClient;
  programs: Programs;
  admin: AdminClient | null;
  /** Null where the dispatcher runs without a job queue (benchmarks): such reactions leave the work to its schedule. */
  jobs: JobQueue | null;
  /** Shopper emails' SMTP transport and link signing (null: no SMTP configured, so no email is sent). */
  mail: MailSetup | null;
  logger: Logger;
}

export type Subscriber<N extends EventName = EventName> =
  | { on: N; mode: 'in-transaction'; handle(event: StoredEvent<N>, ctx: InTransactionContext): Promise<void> | void }
  | { on: N; mode: 'after-commit'; handle(event: StoredEvent<N>, ctx: AfterCommitContext): Promise<void> | void }
  /**
   * A reaction to the state events change rather than to each event (the Shopify member sync reads the version
   * columns, not the event): called once per dispatcher batch that held one of its events, with no delivery row and
   * no retry of its own — what it reads is its own record of what is left to do, and a schedule must cover a call
   * that failed or never came. It costs the webhook path nothing per event, which a delivery row does.
   */
  | { on: N; mode: 'after-commit-coalesced'; handle(ctx: AfterCommitContext): Promise<void> | void };

export function defineSubscriber<N extends EventName>(subscriber: Subscriber<N>): Subscriber<N> {
  return subscriber;
}

/** A subscriber with its name, "<event>/<reaction>" (its path under web/subscribers). */
export type NamedSubscriber = Subscriber & { name: string };
