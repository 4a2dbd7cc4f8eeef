// refresh-segments: recomputes the RFM scores and today's snapshot
// (web/segments/rfm.ts), then who is in each segment (SegmentMember,
// web/segments/membership.ts: the eleven RFM segments and every rule
// segment), nightly for every active shop, or now for one shop
// (POST /api/admin/segments/refresh sends { shop }). A shop with segments
// synced to Shopify then gets a sync-segment-tags run. A failing shop does
// not hold up the others.
import pg from 'pg';
import { refreshMemberships } from '../segments/membership.js';
import { recomputeRfm } from '../segments/rfm.js';
import { hasSyncWork } from '../segments/shopify-sync.js';
import { activeShops, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

export async function refreshSegmentsJob(data: { shop?: string }, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('refresh-segments needs a pg pool');
  const pool = deps.pool as pg.Pool;
  const failures: Failure[] = [];
  const shops = data.shop ? [data.shop] : await activeShops(deps.prisma);
  for (const shop of shops) {
    await isolated(failures, shop, 'rfm', async () => {
      const { scored, today } = await recomputeRfm(pool, shop);
      const changes = await refreshMemberships(pool, shop);
      const joined = changes.reduce((n, c) => n + c.joined, 0);
      const left = changes.reduce((n, c) => n + c.left, 0);
      deps.logger.info({ shop, scored, today, segments: changes.length, joined, left }, 'refresh-segments: RFM and members recomputed');
      if (await hasSyncWork(pool, shop)) await deps.queue?.send('sync-segment-tags', { shop });
    });
  }
  reportFailures('refresh-segments', failures, deps.logger);
}
