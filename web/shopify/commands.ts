// A command to Shopify: a row that asks Shopify for one thing (a reward's
// discount code or store credit, a store credit debit) and the one state
// machine both kinds share:
//
//   PENDING ──answer──────────▶ ISSUED | DONE        (the kind's success status)
//      │    ──refused / last──▶ FAILED               (the kind's fail() undoes what it must)
//      │    ──answer lost─────▶ NEEDS_REVIEW ──admin settles──▶ success | FAILED | PENDING again
//      └────transient─────────▶ PENDING, attempts + 1, retried by the issue job with backoff
//
// What makes it safe to run again:
//  - what Shopify is asked for is chosen before asking (a redemption's code,
//    a debit's amount from the balance read in the same attempt), and an
//    attempt after one whose answer never came asks Shopify first (a code is
//    looked up) or stops for an admin (store credit cannot be looked up);
//  - an attempt is claimed before Shopify is asked: `attempts` goes up by one
//    only if nobody else moved it (compare and set) and the last error is
//    cleared, so a PENDING row with attempts > 0 and no error is an attempt
//    whose answer was never recorded (its process died mid-call);
//  - every settlement is `UPDATE … WHERE status = 'PENDING'`: once only, and
//    the kind's events (reward.issued, reward.failed, cashback.taken_back) go in that transaction.
// Waiting for Shopify's rate limit is not an attempt: the claim is handed back.
//
// Who attempts: the first attempt right after commit, by the after-commit
// subscriber of the event that made the command (the kind's `triggers`), or
// by the request that made it, if it claims it first; every later one by the issue job
// (web/jobs/issue-redemption.ts, dueCommands below), the one retry mechanism.
import type pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import { ShopifyAdminError, ShopifyThrottledError, type AdminClient } from './admin.js';

/** The statuses a settlement moves a command from. */
export type Settleable = 'PENDING' | 'NEEDS_REVIEW';

export type CommandOutcome = 'done' | 'retry' | 'failed' | 'review' | 'waiting';

/** The columns every command table has. */
export interface CommandRow {
  id: string;
  shop: string;
  status: string;
  attempts: number;
  error: string | null;
  createdAt: Date;
}

/** What one step of a command came to. */
export type Step<R> =
  | { kind: 'succeed'; result: R }
  | { kind: 'fail'; reason: string }
  /** Try again later (counts as an attempt). */
  | { kind: 'retry'; reason: string }
  /** Not yet (nothing asked, no attempt spent): e.g. a debit whose credit has not reached Shopify. */
  | { kind: 'wait' };

export interface CommandKind<Row extends CommandRow, R> {
  /** The table, as quoted SQL identifier text ("Redemption"). */
  table: '"Redemption"' | '"StoreCreditDebit"';
  /** Attempts before a command fails for good. */
  maxAttempts: number;
  /**
   * The events whose after-commit subscriber makes a command's first attempt
   * (each with the key of the command's id in its data): the one that made the
   * command (a redemption is redeemed, granted or paid as cashback) names it.
   */
  triggers: ReadonlyArray<{ event: string; subscriber: string; key: string }>;
  /** An answer lost in transit: ask again (the kind can find what it asked for) or hold it for an admin. */
  lostAnswer(row: Row): 'ask-again' | 'review';
  load(pool: pg.Pool, id: string): Promise<Row | undefined>;
  /** Decides without Shopify when it can (nothing to ask, or not yet); null to ask. */
  precheck(row: Row, admin: AdminClient | null): Step<R> | null;
  /** Asks Shopify (`memo.again`: an earlier attempt may have got through). May throw the Admin client's errors. */
  ask(row: Row, admin: AdminClient, memo: Memo): Promise<Step<R>>;
  /**
   * In the settling transaction: moves the row from `from` to the success
   * status (`UPDATE … WHERE status = from`, with `note` as its error text) and,
   * if it moved, writes what follows (events). Returns whether it moved.
   */
  succeed(sql: Sql, row: Row, result: R, from: Settleable, note: string | null): Promise<boolean>;
  /** The same for FAILED, with what must be undone (points given back). */
  fail(sql: Sql, row: Row, reason: string, from: Settleable): Promise<boolean>;
  /** What an attempt that stops for review keeps for the admin (e.g. the amount it asked to debit). */
  reviewColumns?(memo: Memo): Record<string, unknown>;
}

/** What an attempt noted on its way (what it asked for), for the review columns. */
export interface Memo {
  again: boolean;
  [key: string]: unknown;
}

/** An attempt that may have applied and must not be made again without an admin. */
export const LOST_ANSWER = "Shopify's answer was lost: check Shopify, then settle it here";

/** A command that is not waiting for a review (missing: no such record in the shop). */
export class NotUnderReview extends Error {
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
  }
}

/**
 * The backoff: attempt `attempts + 1` is due BACKOFF_MS · (2^attempts − 1)
 * after the command was made — at once, then 30 s, 1.5 min, 3.5 min, 7.5 min,
 * 15.5 min (doubling gaps), counted from its creation for want of a column
 * holding the last attempt's time.
 */
const BACKOFF_MS = 30_000;

/**
 * One attempt at a command. Safe to call at any time, from anywhere: a
 * command that is not PENDING, or whose attempt someone else just claimed,
 * is left alone. `firstOnly`: only if no attempt was made yet.
 */
export async function attempt<Row extends CommandRow, R>(
  pool: pg.Pool,
  admin: AdminClient | null,
  kind: CommandKind<Row, R>,
  id: string,
  options: { finalAttempt?: boolean; firstOnly?: boolean } = {},
): Promise<CommandOutcome> {
  const row = await kind.load(pool, id);
  if (!row) return 'failed';
  if (row.status === 'NEEDS_REVIEW') return 'review';
  if (row.status !== 'PENDING') return row.status === 'FAILED' ? 'failed' : 'done';
  // The first attempt is made once, by whoever comes first (the request or its subscriber); the rest are the job's.
  if (options.firstOnly && row.attempts > 0) return 'retry';

  const early = kind.precheck(row, admin);
  if (early) return settle(pool, kind, row, early, false);
  if (!admin) return settle(pool, kind, row, { kind: 'fail', reason: 'Tally cannot reach Shopify for this shop' }, false);

  if (!(await claim(pool, kind, row))) return 'retry';
  const memo: Memo = { again: row.attempts > 0 };
  // The last attempt claimed and never recorded its answer: it may have got through.
  if (row.attempts > 0 && row.error === null && kind.lostAnswer(row) === 'review') return holdForReview(pool, kind, row, memo);
  const finalAttempt = options.finalAttempt ?? row.attempts + 1 >= kind.maxAttempts;
  try {
    return await settle(pool, kind, row, await kind.ask(row, admin, memo), finalAttempt);
  } catch (error) {
    // The rate limit is not a failure: wait for the bucket, without spending an attempt.
    if (error instanceof ShopifyThrottledError) {
      await pool.query(`UPDATE ${kind.table} SET attempts = attempts - 1, error = $2 WHERE id = $1 AND status = 'PENDING'`, [
        row.id,
        error.message.slice(0, 500),
      ]);
      return 'retry';
    }
    if (error instanceof ShopifyAdminError && error.mayHaveApplied && kind.lostAnswer(row) === 'review')
      return holdForReview(pool, kind, row, memo);
    const message = (error as Error).message;
    const retryable = error instanceof ShopifyAdminError ? error.retryable : true;
    return settle(pool, kind, row, retryable ? { kind: 'retry', reason: message } : { kind: 'fail', reason: message }, finalAttempt);
  }
}

/** Takes attempt `row.attempts + 1` if nobody else has; clears the last error (see the header). */
async function claim(pool: pg.Pool, kind: CommandKind<CommandRow, unknown>, row: CommandRow): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE ${kind.table} SET attempts = attempts + 1, error = NULL WHERE id = $1 AND status = 'PENDING' AND attempts = $2`,
    [row.id, row.attempts],
  );
  return rowCount === 1;
}

async function settle<Row extends CommandRow, R>(
  pool: pg.Pool,
  kind: CommandKind<Row, R>,
  row: Row,
  step: Step<R>,
  finalAttempt: boolean,
): Promise<CommandOutcome> {
  switch (step.kind) {
    case 'wait':
      return 'waiting';
    case 'succeed':
      return (await succeed(pool, kind, row, step.result)) ? 'done' : outcomeNow(pool, kind, row.id);
    case 'retry':
      if (!finalAttempt) {
        await pool.query(`UPDATE ${kind.table} SET error = $2 WHERE id = $1 AND status = 'PENDING'`, [row.id, step.reason.slice(0, 500)]);
        return 'retry';
      }
      return fail(pool, kind, row, step.reason);
    case 'fail':
      return fail(pool, kind, row, step.reason);
  }
}

/** Moves a PENDING (or, for an admin, NEEDS_REVIEW) command to its success status, once; false when it had already moved. */
async function succeed<Row extends CommandRow, R>(
  pool: pg.Pool,
  kind: CommandKind<Row, R>,
  row: Row,
  result: R,
  from: Settleable = 'PENDING',
  note: string | null = null,
): Promise<boolean> {
  return transaction(pool, (sql) => kind.succeed(sql, row, result, from, note));
}

/** Moves a PENDING (or NEEDS_REVIEW) command to FAILED, once, with the kind's undoing in the same transaction. */
async function fail<Row extends CommandRow, R>(
  pool: pg.Pool,
  kind: CommandKind<Row, R>,
  row: Row,
  reason: string,
  from: Settleable = 'PENDING',
): Promise<CommandOutcome> {
  await transaction(pool, (sql) => kind.fail(sql, row, reason.slice(0, 500), from));
  return 'failed';
}

async function holdForReview<Row extends CommandRow, R>(
  pool: pg.Pool,
  kind: CommandKind<Row, R>,
  row: Row,
  memo: Memo,
): Promise<CommandOutcome> {
  const columns = Object.entries(kind.reviewColumns?.(memo) ?? {});
  const sets = columns.map(([name], i) => `, "${name}" = $${i + 3}`).join('');
  await pool.query(`UPDATE ${kind.table} SET status = 'NEEDS_REVIEW', error = $2${sets} WHERE id = $1 AND status = 'PENDING'`, [
    row.id,
    LOST_ANSWER,
    ...columns.map(([, v]) => v),
  ]);
  return 'review';
}

async function outcomeNow(pool: pg.Pool, kind: CommandKind<CommandRow, unknown>, id: string): Promise<CommandOutcome> {
  const { rows } = await pool.query<{ status: string }>(`SELECT status FROM ${kind.table} WHERE id = $1`, [id]);
  const status = rows[0]?.status;
  return status === 'FAILED' ? 'failed' : status === 'NEEDS_REVIEW' ? 'review' : status === 'PENDING' ? 'retry' : 'done';
}

/**
 * An admin's settlement of a command held for review: `done` (Shopify shows
 * it carried out), `retry` (it did not: the issue job asks again; the
 * attempts made still count, and the note is recorded as the last error so
 * the retry is not taken for an unanswered attempt) or `fail` (it did not,
 * and it is not to be asked again).
 */
export async function settleReview<Row extends CommandRow, R>(
  pool: pg.Pool,
  kind: CommandKind<Row, R>,
  shop: string,
  id: string,
  decision:
    | { outcome: 'done'; result: R; note: string | null }
    | { outcome: 'retry'; note: string; reset?: Record<string, unknown> }
    | { outcome: 'fail'; reason: string },
  what: string,
): Promise<CommandOutcome> {
  const row = await kind.load(pool, id);
  if (!row || row.shop !== shop) throw new NotUnderReview(`No such ${what}`, true);
  if (row.status !== 'NEEDS_REVIEW')
    throw new NotUnderReview(`This ${what} is not waiting for a review (${row.status.toLowerCase().replace('_', ' ')})`);
  if (decision.outcome === 'done')
    return (await succeed(pool, kind, row, decision.result, 'NEEDS_REVIEW', decision.note)) ? 'done' : outcomeNow(pool, kind, id);
  if (decision.outcome === 'fail') return fail(pool, kind, row, decision.reason, 'NEEDS_REVIEW');
  const columns = Object.entries(decision.reset ?? {});
  const sets = columns.map(([name], i) => `, "${name}" = $${i + 3}`).join('');
  const { rowCount } = await pool.query(
    `UPDATE ${kind.table} SET status = 'PENDING', error = $2${sets} WHERE id = $1 AND status = 'NEEDS_REVIEW'`,
    [id, decision.note, ...columns.map(([, v]) => v)],
  );
  return rowCount === 1 ? 'retry' : outcomeNow(pool, kind, id);
}

/** How long a first attempt with no recorded answer may still be in flight (the Admin client's timeouts and retries fit well inside). */
const IN_FLIGHT_MS = 5 * 60_000;

/**
 * The commands the issue job should attempt now, oldest first: PENDING, due
 * by the backoff, and not still with whoever makes the first attempt — its
 * event not yet fanned out, its subscriber's delivery pending, or a first
 * attempt claimed without an answer recorded less than IN_FLIGHT_MS after
 * the command was made (the request or the subscriber may be waiting for
 * Shopify) — so the job never asks Shopify for a command someone else is
 * asking for. The job runs one at a time (pg-boss 'stately'), so its own
 * attempts never overlap.
 */
export async function dueCommands(pool: pg.Pool, kind: CommandKind<CommandRow, unknown>, now: Date, limit = 100): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT c.id FROM ${kind.table} c
     WHERE c.status = 'PENDING'
       AND c."createdAt" + make_interval(secs => $2::float8 * (power(2, c.attempts) - 1)) <= $1
       AND NOT (c.attempts = 1 AND c.error IS NULL AND c."createdAt" > $1::timestamp - make_interval(secs => $7::float8))
       AND NOT EXISTS (
         SELECT 1 FROM unnest($3::text[], $4::text[], $5::text[]) AS t(event, subscriber, key)
         JOIN "Event" e ON e.shop = c.shop AND e."memberId" = c."memberId" AND e.type = t.event AND e.data->>t.key = c.id
         LEFT JOIN "EventDelivery" d ON d."eventId" = e.id AND d.subscriber = t.subscriber
         WHERE e."dispatchedAt" IS NULL OR d.status = 'pending')
     ORDER BY c."createdAt" LIMIT $6`,
    [
      now,
      BACKOFF_MS / 1000,
      kind.triggers.map((t) => t.event),
      kind.triggers.map((t) => t.subscriber),
      kind.triggers.map((t) => t.key),
      limit,
      IN_FLIGHT_MS / 1000,
    ],
  );
  return rows.map((r) => r.id);
}
