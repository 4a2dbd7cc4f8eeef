// Starts a real Tally (database, jobs, HTTP server on a free port) for a test.
import { loadConfig } from '../../web/config.js';
import { startTally, type Tally } from '../../web/start.js';
import { createTestDatabase } from './database.js';

export interface TestApp extends Tally {
  prisma: Tally['db']['prisma'];
}

export interface TestAppOptions {
  env?: Record<string, string>;
  seed?: boolean;
  frontend?: boolean;
  /** Rewrites the database URL the app connects to (e.g. through a proxy). */
  database?: (url: string) => Promise<string>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase({ standalone: Boolean(options.database) });
  if (options.database) database.env.DATABASE_URL = await options.database(database.env.DATABASE_URL!);
  const config = loadConfig({
    NODE_ENV: options.env?.NODE_ENV ?? 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TALLY_SEED: options.seed === false ? 'false' : 'true',
    ...database.env,
    ...options.env,
  });
  const tally = await startTally(config, { frontend: options.frontend ?? false });
  return {
    ...tally,
    prisma: tally.db.prisma,
    async close() {
      await tally.close();
      await database.drop();
    },
  };
}

/** Runs `fn` with some program settings changed for `shop`, then puts them back. */
export async function withProgramSettings<T>(app: TestApp, shop: string, changes: Record<string, string | number | boolean | null>, fn: () => Promise<T>): Promise<T> {
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop } });
  await app.prisma.program.update({ where: { shop }, data: { settings: { ...(program.settings as object), ...changes } } });
  app.programs.forget(shop);
  try {
    return await fn();
  } finally {
    await app.prisma.program.update({ where: { shop }, data: { settings: program.settings as object } });
    app.programs.forget(shop);
  }
}
