// The engine's hot path (webhooks → ledger) speaks SQL through this small
// interface: tagged templates, as Prisma's $queryRaw/$executeRaw. A Prisma
// transaction satisfies it, and so does a plain `pg` client — which the
// webhook intake uses, because Prisma's per-query overhead (its Wasm query
// compiler) was the largest cost of a delivery (see README, Benchmarks).
import pg from 'pg';

export interface Sql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

// Timestamps are stored as UTC in `timestamp(3)` columns (Prisma's
// convention): write Dates as UTC and read them back as UTC.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => new Date(`${value.replace(' ', 'T')}Z`));

const text = (strings: TemplateStringsArray) => strings.reduce((sql, part, i) => `${sql}$${i}${part}`);

/** Runs SQL on one pg connection (inside whatever transaction it is in). */
export function pgSql(client: { query(text: string, values: unknown[]): Promise<pg.QueryResult> }): Sql {
  return {
    async $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]) {
      return (await client.query(text(strings), values)).rows as T;
    },
    async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]) {
      return (await client.query(text(strings), values)).rowCount ?? 0;
    },
  };
}

/** Resolves when the database answers a trivial query (the health check). */
export async function databaseAnswers(sql: Sql): Promise<void> {
  await sql.$queryRaw`SELECT 1`;
}

/**
 * Errors after which PostgreSQL rolled the transaction back and running it
 * again is the cure: deadlock_detected (two deliveries of one order taking
 * the same rows in another order) and serialization_failure. Prisma reports
 * them as P2034, or carries PostgreSQL's code inside its driver-adapter error.
 */
const RETRYABLE = new Set(['40P01', '40001', 'P2034']);
const ATTEMPTS = 3;

export function isRetryable(error: unknown): boolean {
  const e = error as {
    code?: unknown;
    cause?: { originalCode?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  return [e?.code, e?.cause?.originalCode, e?.meta?.driverAdapterError?.cause?.originalCode].some(
    (code) => typeof code === 'string' && RETRYABLE.has(code),
  );
}

/** A Prisma client, as far as transaction() needs it (its interactive $transaction). */
export interface PrismaTransactions<Tx extends Sql> {
  $transaction<T>(work: (tx: Tx) => Promise<T>, options?: { timeout?: number; maxWait?: number }): Promise<T>;
}

export interface TransactionOptions {
  /** Prisma only: how long the work may take (Prisma's default is 5 s). */
  timeout?: number;
}

/**
 * The one way to open a transaction. On a pg pool (the engine: ledger,
 * orders, redemptions, tiers, events) `work` gets an Sql on one connection
 * between BEGIN and COMMIT; on the Prisma client (configuration CRUD behind
 * repository functions) it gets Prisma's transaction client, which is an Sql
 * too. Either way any error rolls back and is rethrown, except a deadlock or
 * serialization failure, which runs `work` again (up to 3 times) — so `work`
 * must only touch the database — and afterCommit() callbacks run once it
 * committed.
 */
export function transaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T>;
export function transaction<T, Tx extends Sql>(
  prisma: PrismaTransactions<Tx>,
  work: (tx: Tx) => Promise<T>,
  options?: TransactionOptions,
): Promise<T>;
export async function transaction<T, Tx extends Sql>(
  db: pg.Pool | PrismaTransactions<Tx>,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const run = db instanceof pg.Pool ? () => once(db, work as unknown as (sql: Sql) => Promise<T>) : () => onPrisma(db, work, options);
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
    }
  }
}

async function onPrisma<T, Tx extends Sql>(
  prisma: PrismaTransactions<Tx>,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  const committed: Array<() => void> = [];
  const result = await prisma.$transaction(
    async (tx) => {
      onCommit.set(tx, committed);
      return work(tx);
    },
    options.timeout ? { timeout: options.timeout } : undefined,
  );
  for (const fn of committed) fn();
  return result;
}

/** Callbacks to run once a transaction() committed, by its Sql handle. */
const onCommit = new WeakMap<Sql, Array<() => void>>();

/**
 * Runs `fn` after the transaction `sql` belongs to commits (nothing when it
 * rolls back). For an Sql that is not a transaction()'s — a bare pool or
 * client, autocommitting each statement — nothing is queued (false): its
 * caller says when.
 */
export function afterCommit(sql: Sql, fn: () => void): boolean {
  const queued = onCommit.get(sql);
  if (queued && !queued.includes(fn)) queued.push(fn);
  return queued !== undefined;
}

async function once<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: if the server goes away
  // between two of its queries, pg emits 'error' on the client, and an
  // 'error' nobody listens to kills the process. Note it instead; the next
  // query fails (rolling the work back) and the client is thrown away.
  let lost: Error | undefined;
  const onLost = (error: Error) => void (lost = error);
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    const sql = pgSql(client);
    const committed: Array<() => void> = [];
    onCommit.set(sql, committed);
    const result = await work(sql);
    await client.query('COMMIT');
    for (const fn of committed) fn();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}
