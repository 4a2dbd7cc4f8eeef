// Background work on pg-boss (works on PostgreSQL and on the embedded PGlite).
// Every process can enqueue; only processes with the worker role (TALLY_WORKER,
// on by default) run jobs and schedules, so web and worker scale separately.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { PrismaClient, Tx } from '../db.js';
import { programCache, type Programs } from '../loyalty/program.js';
import type { AdminClient } from '../shopify/admin.js';
import { jobDefinitions, type JobDeps } from './definitions.js';
import { createDispatcher, type Dispatcher } from '../events/dispatcher.js';
import { nudge } from '../events/nudge.js';
import type { JobQueue } from '../events/subscriber.js';
import type { MailSetup } from '../email/sender.js';

export type JobName = keyof typeof jobDefinitions;

export interface Jobs {
  /** Enqueues a job; pass `tx` to enqueue inside the caller's transaction (committed or rolled back with it). */
  enqueue(name: JobName, data: object, options?: { tx?: Tx; singletonKey?: string }): Promise<string | null>;
  /** Stops taking jobs, lets in-flight ones finish (up to `timeoutMs`), then disconnects. */
  stop(timeoutMs?: number): Promise<void>;
  boss: PgBoss;
  /** The event outbox's dispatcher (null without `pool`): drains on this process's after-commit nudges, and in a worker on the schedule. */
  events: Dispatcher | null;
}

/** Lets pg-boss run its SQL through a Prisma transaction. */
function viaTransaction(tx: Tx): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
  };
}

export async function startJobs(options: {
  url: string;
  worker: boolean;
  logger: Logger;
  prisma: PrismaClient;
  /** The process's program cache (so its forget() reaches the jobs); a private one when absent. */
  programs?: Programs;
  /** Needed by jobs that call Shopify (sync-members-to-shopify); without it they fail and are retried. */
  admin?: AdminClient;
  pool?: pg.Pool;
  /** Shopper emails' transport (web/email), for their subscribers and the send job. */
  mail?: MailSetup | null;
  /** Dispatcher settings (tests shorten the backoff). */
  events?: Partial<Pick<Parameters<typeof createDispatcher>[0], 'maxAttempts' | 'backoffMs' | 'leaseMs' | 'batchSize' | 'clock'>>;
}): Promise<Jobs> {
  const { worker, logger } = options;
  const boss = new PgBoss({
    connectionString: options.url,
    max: 4,
    schedule: worker,
    supervise: worker,
  });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  const programs = options.programs ?? programCache(options.prisma);
  const admin = options.admin ?? null;
  const queue: JobQueue = {
    send: (name, data, opts = {}) => boss.send(name, data, opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
  };
  const events = options.pool
    ? createDispatcher({
        ...options.events,
        pool: options.pool,
        prisma: options.prisma,
        programs,
        admin,
        jobs: queue,
        mail: options.mail ?? null,
        logger: logger.child({ part: 'events' }),
      })
    : null;
  // Every process drains what it committed (its own program cache must follow its own saves);
  // a worker also drains once at start (what committed before a crash) and on the schedule.
  events?.listen();
  if (worker) nudge();
  const deps: JobDeps = {
    prisma: options.prisma,
    logger,
    programs,
    admin,
    pool: options.pool,
    mail: options.mail ?? null,
    queue,
    ...(events ? { events } : {}),
  };
  for (const [name, def] of Object.entries(jobDefinitions)) {
    await boss.createQueue(name, {
      name,
      retryLimit: def.retryLimit,
      retryBackoff: true,
      retryDelay: def.retryDelaySeconds,
      policy: def.policy ?? 'standard',
    });
    if (!worker) continue;
    await boss.work(name, { batchSize: 1 }, async ([job]) => {
      if (!job) return;
      const log = logger.child({ job: name, jobId: job.id });
      log.debug('job started');
      await def.run(job.data as never, { ...deps, logger: log });
      log.debug('job finished');
    });
    if (def.cron) await boss.schedule(name, def.cron, {}, { tz: 'UTC' });
    if (def.atStart) await boss.send(name, {});
  }
  return {
    boss,
    events,
    async enqueue(name, data, opts = {}) {
      return boss.send(name, data, {
        ...(opts.tx ? { db: viaTransaction(opts.tx) } : {}),
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      });
    },
    async stop(timeoutMs = 20_000) {
      await events?.stop();
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
}
