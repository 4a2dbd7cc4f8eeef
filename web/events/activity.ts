// What the admin's Activity page and GET /api/admin/events read: a shop's
// recent events with each after-commit subscriber's delivery, and the retry
// of a delivery parked as failed.
import type pg from 'pg';
import { pgSql } from '../db/sql.js';
import { nudge } from './nudge.js';

export interface DeliveryJson {
  id: string;
  subscriber: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface EventJson {
  id: string;
  type: string;
  memberId: string | null;
  cause: string | null;
  data: unknown;
  createdAt: string;
  deliveries: DeliveryJson[];
}

export interface EventQuery {
  type?: string | undefined;
  memberId?: string | undefined;
  /** Only events with a delivery parked as failed. */
  failed?: boolean | undefined;
  limit: number;
}

/** Newest first. */
export async function listEvents({ pool }: { pool: pg.Pool }, shop: string, q: EventQuery): Promise<EventJson[]> {
  const rows = await pgSql(pool).$queryRaw<Array<Omit<EventJson, 'createdAt'> & { createdAt: Date }>>`
    SELECT e.id, e.type, e."memberId", e.cause, e.data, e."createdAt",
      COALESCE((
        SELECT json_agg(json_build_object('id', d.id, 'subscriber', d.subscriber, 'status', d.status, 'attempts', d.attempts,
                                          'lastError', d."lastError", 'nextAttemptAt', d."nextAttemptAt") ORDER BY d.subscriber)
        FROM "EventDelivery" d WHERE d."eventId" = e.id), '[]'::json) AS deliveries
    FROM "Event" e
    WHERE e.shop = ${shop}
      AND (${q.type ?? null}::text IS NULL OR e.type = ${q.type ?? null})
      AND (${q.memberId ?? null}::text IS NULL OR e."memberId" = ${q.memberId ?? null})
      AND (${!q.failed} OR EXISTS (SELECT 1 FROM "EventDelivery" f WHERE f."eventId" = e.id AND f.status = 'failed'))
    ORDER BY e."createdAt" DESC, e.seq DESC
    LIMIT ${q.limit}`;
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

export type RetryOutcome = 'queued' | 'not-found' | 'not-failed';

/** Puts a failed delivery back in the queue (one more attempt) and nudges the dispatcher. */
export async function retryDelivery({ pool }: { pool: pg.Pool }, shop: string, deliveryId: string): Promise<RetryOutcome> {
  const sql = pgSql(pool);
  const [row] = await sql.$queryRaw<Array<{ status: string }>>`
    WITH r AS (
      UPDATE "EventDelivery" SET status = 'pending', "nextAttemptAt" = now()
      WHERE id = ${deliveryId} AND shop = ${shop} AND status = 'failed'
      RETURNING 'queued'::text AS status
    )
    SELECT status FROM r
    UNION ALL
    SELECT 'not-failed' FROM "EventDelivery" WHERE id = ${deliveryId} AND shop = ${shop} AND NOT EXISTS (SELECT 1 FROM r)`;
  if (!row) return 'not-found';
  if (row.status === 'queued') nudge();
  return row.status as RetryOutcome;
}
