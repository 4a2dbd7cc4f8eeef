// refresh-analytics: brings every shop's order sale chains up to date
// (web/analytics/chains.ts) in the background, so the Analytics page's read
// finds little or nothing to refresh: after a deploy (every order starts
// stale: about 10 minutes for 1,000,000 orders on a loaded 2-core machine)
// and after a day's orders and refunds (seconds), instead of the merchant
// waiting for it. The read still refreshes what changed since, under the
// same per-shop lock, so figures are never older than the read.
import { refreshChains } from '../analytics/chains.js';
import type { JobDeps } from './deps.js';

export async function refreshAnalyticsJob(_data: object, { pool, logger }: JobDeps): Promise<void> {
  if (!pool) throw new Error('refresh-analytics needs the pg pool');
  const { rows } = await pool.query<{ shop: string }>(`SELECT DISTINCT shop FROM "Order" WHERE "chainStale"`);
  for (const { shop } of rows) {
    const written = await refreshChains(pool, shop);
    if (written > 0) logger.info({ shop, written }, 'analytics chains refreshed');
  }
}
