// release-pending-points: order points whose holding period (refund window)
// is over become spendable. Each order is released in its own transaction
// under the order's row lock (releaseOrder), so a run racing a refund webhook
// or another run releases every order exactly once.
import type { PrismaClient } from '../db.js';
import { transaction } from '../db/sql.js';
import { ordersDueForRelease, releaseOrder } from '../loyalty/order-points.js';
import { BATCH_SIZE, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';
import type { Programs } from '../loyalty/program.js';

export interface ReleaseResult {
  /** Due orders this run released (one released meanwhile by another process counts too). */
  orders: number;
  /** Points those orders made available. */
  points: number;
  failures: Failure[];
}

/** Releases every order whose pointsAvailableAt ≤ now. */
export async function releaseDuePoints(prisma: PrismaClient, now: Date, programs: Programs | null = null): Promise<ReleaseResult> {
  const result: ReleaseResult = { orders: 0, points: 0, failures: [] };
  const failed = new Set<string>();
  for (;;) {
    const due = await ordersDueForRelease(prisma, now, BATCH_SIZE);
    // Orders that failed come back first in the next batch; stop once only they are left.
    const todo = due.filter((o) => !failed.has(`${o.shop} ${o.orderId}`));
    if (todo.length === 0) break;
    for (const { shop, orderId } of todo) {
      const before = result.failures.length;
      await isolated(result.failures, shop, orderId, async () => {
        // The program (cached) lets the release review the member's tier in the same transaction.
        const program = programs ? await programs.get(shop) : null;
        const points = await transaction(prisma, (tx) => releaseOrder(tx, shop, orderId, now, program));
        result.orders += 1;
        result.points += points;
      });
      if (result.failures.length > before) failed.add(`${shop} ${orderId}`);
    }
    if (due.length < BATCH_SIZE) break;
  }
  return result;
}

export async function releasePendingPointsJob(_data: object, { prisma, programs, logger }: JobDeps): Promise<void> {
  const { orders, points, failures } = await releaseDuePoints(prisma, new Date(), programs);
  if (orders > 0) logger.info({ orders, points }, 'released pending points');
  reportFailures('release-pending-points', failures, logger);
}
