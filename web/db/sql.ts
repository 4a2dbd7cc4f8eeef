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

/**
 * Errors after which PostgreSQL rolled the transaction back and running it
 * again is the cure: deadlock_detected (two deliveries of one order taking
 * the same rows in another order) and serialization_failure.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * BEGIN … COMMIT on a pooled connection; any error rolls back and is
 * rethrown, except a deadlock or serialization failure, which runs `work`
 * again (up to 3 times). So `work` must only touch the database.
 */
export async function transaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(pool, work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
    }
  }
}

/** Callbacks to run once a transaction() committed, by its Sql handle. */
const onCommit = new WeakMap<Sql, Array<() => void>>();

/**
 * Runs `fn` after the transaction `sql` belongs to commits (nothing when it
 * rolls back). For an Sql that is not a transaction()'s — a Prisma
 * transaction, a bare pool — nothing is queued (false): its caller says when.
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
