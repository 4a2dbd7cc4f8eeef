import type { JobDeps } from './definitions.js';
import { issueRedemption } from '../loyalty/redemptions.js';

/**
 * Retries creating a redemption's Shopify discount. 'retry' throws so
 * pg-boss tries again with backoff; after the last attempt the redemption
 * fails and its points come back (issueRedemption counts the attempts).
 */
export async function issueRedemptionJob(data: { redemptionId: string }, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('issue-redemption needs the pg pool');
  const outcome = await issueRedemption(deps.pool, deps.admin ?? null, data.redemptionId);
  deps.logger.info({ redemptionId: data.redemptionId, outcome }, 'redemption issue attempt');
  if (outcome === 'retry') throw new Error(`Shopify has not issued redemption ${data.redemptionId} yet; retrying`);
}
