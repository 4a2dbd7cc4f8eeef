import type { JobDeps } from './deps.js';
import { issueRedemption } from '../loyalty/redemptions.js';
import { debitStoreCredit, pendingDebits } from '../loyalty/store-credit-debits.js';

/**
 * Issues the redemptions Shopify has not issued yet, oldest first, one at a
 * time: under a burst this drains the backlog at the shop's rate limit (the
 * Admin client waits for the bucket to refill on THROTTLED) instead of every
 * request fighting for it. Runs every minute, and at once when a redemption
 * could not be issued during its request. Retries after errors count toward
 * the redemption's attempts (after the last, its points come back); waiting
 * for the rate limit does not. Then, the same way, it takes back the store
 * credit that refunds reversed (after the credits, so a credit and its
 * reversal reach Shopify in that order).
 */
export async function issuePendingRedemptions(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('issue-pending-redemptions needs the pg pool');
  const deadline = Date.now() + 50_000; // leave the next minute's run its turn
  let issued = 0;
  let retry = 0;
  for (;;) {
    const { rows } = await deps.pool.query<{ id: string }>(
      `SELECT id FROM "Redemption" WHERE status = 'PENDING' AND error IS DISTINCT FROM 'needs review' ORDER BY "createdAt" LIMIT 100`,
    );
    if (rows.length === 0) break;
    for (const { id } of rows) {
      const outcome = await issueRedemption(deps.pool, deps.admin ?? null, id);
      if (outcome === 'issued') issued += 1;
      if (outcome === 'retry') retry += 1;
      if (Date.now() > deadline) break;
    }
    if (Date.now() > deadline || retry > 0) break;
  }
  const debits = { done: 0, retry: 0 };
  if (retry === 0) {
    for (const id of await pendingDebits(deps.pool)) {
      const outcome = await debitStoreCredit(deps.pool, deps.admin ?? null, id);
      if (outcome === 'done') debits.done += 1;
      if (outcome === 'retry') debits.retry += 1;
      if (outcome === 'retry' || Date.now() > deadline) break;
    }
  }
  deps.logger.info({ issued, retry, debits }, 'pending redemptions');
}
