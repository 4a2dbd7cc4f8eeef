// Starts a real Tally (database, jobs, HTTP server on a free port) for a test.
import { loadConfig } from '../../web/config.js';
import { startTally, type Tally } from '../../web/start.js';
import { createTestDatabase } from './database.js';

export interface TestApp extends Tally {
  prisma: Tally['db']['prisma'];
}

export async function startTestApp(options: { env?: Record<string, string>; seed?: boolean; frontend?: boolean } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
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
