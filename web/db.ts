// The database: PostgreSQL when DATABASE_URL is set, otherwise the embedded
// PGlite server. Either way the app gets a Postgres URL and one Prisma client
// going through the `pg` driver adapter — same SQL, same migrations.
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as BasePrismaClient } from './generated/prisma/client.js';
import type { Config } from './config.js';
import { startEmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { bigintAsNumber, moneyAndPointsAsNumbers, numberTypes } from './db/numbers.js';
import { explainDatabaseFailure, StartupError } from './startup-errors.js';

export type { Sql } from './db/sql.js';

/**
 * Prisma with money and points as numbers: BIGINT columns read as `number`
 * (web/db/numbers.ts), exact to 2^53 − 1, as everywhere else in the app.
 */
export function numberedPrisma(adapter: PrismaPg): PrismaClient {
  return new BasePrismaClient({ adapter }).$extends(bigintAsNumber) as unknown as PrismaClient;
}
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- never called: it names the type numberedPrisma's client has
const withNumberTypes = (client: BasePrismaClient) => client.$extends(moneyAndPointsAsNumbers);
export type PrismaClient = ReturnType<typeof withNumberTypes>;
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
  const prisma = numberedPrisma(adapter);
  // BIGINT (money, points, count(*)) read as numbers, exact or refused (web/db/numbers.ts).
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: numberTypes });
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
