import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Sql } from '../db/sql.js';
import type { Jobs } from '../jobs/index.js';
import type { LoadedProgram } from '../loyalty/program.js';

export interface WebhookContext {
  /** The delivery's transaction: the handler's writes commit with the delivery log, or not at all. */
  tx: Sql;
  shop: string;
  topic: string;
  deliveryId: string;
  log: Logger;
  jobs: Pick<Jobs, 'enqueue'>;
  /** The shop's program (settings, rules, campaigns); null when it has none or it is switched off. */
  program(): Promise<LoadedProgram | null>;
}

/** What a handler did: the delivery log records it. */
export type WebhookOutcome = 'processed' | 'ignored';

export interface WebhookHandler<T = unknown> {
  topic: string;
  /** The part of the payload the handler relies on; anything else passes through. */
  payload: z.ZodType<T>;
  /** Handlers for installed shops only; compliance topics run for any shop. */
  requiresInstalledShop: boolean;
  /**
   * A key the transactions about one thing share (an order): the intake
   * takes it as an advisory lock within its first statement, before the
   * handler runs, so deliveries about the same order queue instead of
   * deadlocking, at no extra round trip.
   */
  serialiseOn?(shop: string, payload: T): string;
  handle(ctx: WebhookContext, payload: T): Promise<WebhookOutcome>;
}

export function defineHandler<T>(handler: WebhookHandler<T>): WebhookHandler<T> {
  return handler;
}
