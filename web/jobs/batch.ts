// Helpers shared by the batch jobs: which shops to work on, per-item failure
// isolation (one bad member must not hold up the rest of a shop), and the
// shop-local date that idempotency keys and notices are named by.
import type { Logger } from '../logger.js';
import type { PrismaClient } from '../db.js';
import { localDate } from '../loyalty/domain/time.js';

export interface Failure {
  shop: string;
  /** The member or order that failed. */
  id: string;
  error: unknown;
}

/** Rows read per query; each row then gets its own short transaction. */
export const BATCH_SIZE = 200;

/** Shops whose program runs: installed, with the program switched on. */
export async function activeShops(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ shop: string }>>`
    SELECT p.shop FROM "Program" p JOIN "Shop" s ON s.domain = p.shop
    WHERE p.enabled AND s."uninstalledAt" IS NULL ORDER BY p.shop`;
  return rows.map((r) => r.shop);
}

/** Runs `work`; a failure is recorded in `failures` instead of thrown, so the batch goes on. */
export async function isolated(failures: Failure[], shop: string, id: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    failures.push({ shop, id, error });
  }
}

/** Logs each failure and throws, so pg-boss retries the job (everything already done is kept, re-runs are idempotent). */
export function reportFailures(job: string, failures: Failure[], logger: Logger): void {
  if (failures.length === 0) return;
  for (const f of failures.slice(0, 20)) logger.error({ err: f.error, shop: f.shop, id: f.id }, `${job}: item failed`);
  throw new AggregateError(
    failures.map((f) => f.error),
    `${job}: ${failures.length} item(s) failed, first: ${failures[0]!.shop} ${failures[0]!.id}`,
  );
}

/** yyyy-mm-dd of `at` in the shop's time zone. */
export function isoLocalDate(at: Date, timeZone: string): string {
  const { year, month, day } = localDate(at, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
