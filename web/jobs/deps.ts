// What every job's handler is given. Its own module so the jobs and the list
// of job definitions (definitions.ts) both import it without importing each other.
import type pg from 'pg';
import type { PrismaClient } from '../db.js';
import type { Dispatcher } from '../events/dispatcher.js';
import type { Logger } from '../logger.js';
import type { Programs } from '../loyalty/program.js';
import type { AdminClient } from '../shopify/admin.js';
import type { MailSetup } from '../email/sender.js';
import type { JobQueue } from '../events/subscriber.js';

export interface JobDeps {
  prisma: PrismaClient;
  logger: Logger;
  programs: Programs;
  /** The Admin API client; null where the process has none (jobs that need it fail loudly). */
  admin: AdminClient | null;
  /** Plain pg connections (web/db/sql.ts), for jobs on the engine's hot path. */
  pool?: pg.Pool;
  /** The event outbox's dispatcher (absent without `pool`). */
  events?: Dispatcher;
  /** Shopper emails' transport (absent or null: no SMTP configured, the send job does nothing). */
  mail?: MailSetup | null;
  /** The queue, for a job that sends another (absent: the other job's schedule does it). */
  queue?: JobQueue;
}
