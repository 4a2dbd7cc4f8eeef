// Which database the integration tests run on: the embedded PGlite by
// default, real PostgreSQL when TEST_DATABASE_URL is set. On PostgreSQL every
// test app gets a database of its own, created here and dropped at close.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../web/db/embedded.js';

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test app. `standalone` starts the embedded one
 * outside the app (so a test can put a proxy in front of it) and hands over
 * its URL like a PostgreSQL server's.
 */
export async function createTestDatabase(options: { standalone?: boolean } = {}): Promise<TestDatabase> {
  if (!onPostgres && options.standalone) {
    const db = await startEmbeddedDatabase('memory://');
    return { env: { DATABASE_URL: db.url }, drop: () => db.close() };
  }
  if (!onPostgres) return { env: { TALLY_DATA_DIR: 'memory://' }, drop: async () => undefined };
  const name = `tally_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
