// review-tiers: the tier changes no ledger change triggers — downgrades once
// the policy allows them (a tier's kept-until date passed: end of period,
// retention over, a manual lock ended), renewals of members who re-qualified,
// and a first tier for members who have none — and announces downgrades due
// within 30 days (tier.at_risk, once per member and tier period). One set-based pass per shop
// (planTiers 'due' → applyTierPlan), in one transaction each; applying only
// rows whose tier did not change meanwhile makes a re-run or a racing
// webhook harmless.
import type { PrismaClient } from '../db.js';
import { transaction, type Sql } from '../db/sql.js';
import type { Programs } from '../loyalty/program.js';
import { announceTiersAtRisk, applyTierPlan, planTiers, tierSetup } from '../loyalty/tiers.js';
import { activeShops, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';
import type pg from 'pg';

export interface ReviewResult {
  reviewed: number;
  up: number;
  down: number;
  written: number;
  /** Members told their tier is at risk (tier.at_risk). */
  atRisk: number;
  failures: Failure[];
}

/** Reviews every active shop's due members at `now`. `run` gives the transaction (a pg pool's, or a Prisma one). */
export async function reviewTiers(
  prisma: PrismaClient,
  programs: Programs,
  now: Date,
  run: <T>(work: (sql: Sql) => Promise<T>) => Promise<T>,
): Promise<ReviewResult> {
  const result: ReviewResult = { reviewed: 0, up: 0, down: 0, written: 0, atRisk: 0, failures: [] };
  for (const shop of await activeShops(prisma)) {
    const program = await programs.get(shop);
    if (!program || program.tiers.length === 0) continue;
    await isolated(result.failures, shop, 'review-tiers', async () => {
      const setup = tierSetup(program);
      await run(async (sql) => {
        const planned = await planTiers(sql, setup, now, 'due');
        result.reviewed += planned.length;
        result.up += planned.filter((p) => p.move === 'up').length;
        result.down += planned.filter((p) => p.move === 'down').length;
        result.written += await applyTierPlan(sql, setup, planned, {}, now);
        result.atRisk += await announceTiersAtRisk(sql, setup, now);
      });
    });
  }
  return result;
}

export const onPool =
  (pool: pg.Pool) =>
  <T>(work: (sql: Sql) => Promise<T>) =>
    transaction(pool, work);
export const onPrisma =
  (prisma: PrismaClient) =>
  <T>(work: (sql: Sql) => Promise<T>) =>
    transaction(prisma, (tx) => work(tx), { timeout: 120_000 });

export async function reviewTiersJob(_data: object, { prisma, programs, logger, pool }: JobDeps): Promise<void> {
  const result = await reviewTiers(prisma, programs, new Date(), pool ? onPool(pool) : onPrisma(prisma));
  if (result.written > 0) logger.info({ reviewed: result.reviewed, up: result.up, down: result.down }, 'reviewed tiers');
  reportFailures('review-tiers', result.failures, logger);
}
