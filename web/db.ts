// The database: PostgreSQL when DATABASE_URL is set, otherwise the embedded
// PGlite server. Either way the app gets a Postgres URL and one Prisma client
// going through the `pg` driver adapter — same SQL, same migrations.
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import type { Config } from './config.js';
import { startEmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { explainDatabaseFailure, StartupError } from './startup-errors.js';

export { PrismaClient };
export type { Sql } from './db/sql.js';
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface Database {
  url: string;
  embedded: boolean;
  prisma: PrismaClient;
  /** Plain pg connections for the webhook hot path (web/db/sql.ts). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  poolSize?: number;
}

export async function openDatabase(database: Config['database'], options: OpenOptions = {}): Promise<Database> {
  let url: string;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if ('url' in database) {
    url = database.url;
    await reachPostgres(url);
  } else {
    const dir = database.embedded.dataDir;
    if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
    const embedded = await startEmbeddedDatabase(dir);
    url = embedded.url;
    stopEmbedded = () => embedded.close();
  }
  if (options.migrate !== false) await migrate(url);
  const adapter = new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 });
  const prisma = new PrismaClient({ adapter });
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
  return {
    url,
    embedded: stopEmbedded !== null,
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await stopEmbedded?.();
    },
  };
}

/**
 * Connects once before anything else does, so an unreachable server, a
 * missing database or a refused role is told as one line naming
 * DATABASE_URL (a StartupError) rather than a driver's stack trace, and an
 * address that never answers fails after 10 s instead of hanging.
 */
async function reachPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const explained = explainDatabaseFailure(error, url);
    throw explained ? new StartupError(explained, { cause: error }) : error;
  }
  await client.end();
}
