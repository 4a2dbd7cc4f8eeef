// Every job the app knows: its handler, retry policy and optional schedule.
import type { Logger } from '../logger.js';
import type { PrismaClient } from '../db.js';
import { pruneWebhookLog } from './prune-webhook-log.js';

export interface JobDeps {
  prisma: PrismaClient;
  logger: Logger;
}

interface JobDefinition<T> {
  run(data: T, deps: JobDeps): Promise<void>;
  retryLimit: number;
  retryDelaySeconds: number;
  cron?: string;
}

function define<T>(def: JobDefinition<T>): JobDefinition<T> {
  return def;
}

export const jobDefinitions = {
  'prune-webhook-log': define<{ olderThanDays?: number }>({
    run: pruneWebhookLog,
    retryLimit: 3,
    retryDelaySeconds: 60,
    cron: '17 3 * * *',
  }),
};
