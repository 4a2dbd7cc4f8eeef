// The hot path's transaction helper: a deadlock or a serialization failure
// runs the work again (PostgreSQL rolled it back), any other error rolls
// back and reaches the caller.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../web/db/embedded.js';
import { transaction } from '../../web/db/sql.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;
let embedded: EmbeddedDatabase | null = null;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.env.DATABASE_URL) pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: 4 });
  else {
    embedded = await startEmbeddedDatabase('memory://');
    pool = new pg.Pool({ connectionString: embedded.url, max: 4 });
  }
  await pool.query('CREATE TABLE account (id int PRIMARY KEY, n int NOT NULL); INSERT INTO account VALUES (1, 0), (2, 0)');
});
afterAll(async () => {
  await pool?.end();
  await embedded?.close();
  await database?.drop();
});

const balances = async () => (await pool.query<{ n: number }>('SELECT n FROM account ORDER BY id')).rows.map((r) => r.n);

describe('transaction()', () => {
  it('rolls back and rethrows an ordinary error, running the work once', async () => {
    const before = await balances();
    let runs = 0;
    const failing = transaction(pool, async (sql) => {
      runs++;
      await sql.$executeRaw`UPDATE account SET n = n + 1 WHERE id = 1`;
      await sql.$executeRaw`SELECT 1 / 0`;
    });
    await expect(failing).rejects.toMatchObject({ code: '22012' });
    expect(runs).toBe(1);
    expect(await balances()).toEqual(before);
  });

  // Only a server with concurrent sessions can deadlock; the embedded database runs one unit of work at a time.
  it.runIf(onPostgres)('runs a transaction again when PostgreSQL breaks a deadlock with it, so both commit', async () => {
    const before = await balances();
    let runs = 0;
    let locked = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    // Each takes one row, waits until the other holds the other row, then wants it: a deadlock on the first run.
    const crossing = (first: number, second: number) =>
      transaction(pool, async (sql) => {
        runs++;
        await sql.$executeRaw`UPDATE account SET n = n + 1 WHERE id = ${first}`;
        if (++locked === 2) bothLocked();
        await barrier;
        await sql.$executeRaw`UPDATE account SET n = n + 1 WHERE id = ${second}`;
      });
    await Promise.all([crossing(1, 2), crossing(2, 1)]);
    expect(runs).toBe(3);
    expect(await balances()).toEqual(before.map((n) => n + 2));
  });
});
