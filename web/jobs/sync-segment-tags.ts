// sync-segment-tags: brings Shopify in line with the segments marked
// syncToShopify (web/segments/shopify-sync.ts): the Shopify customer segment
// created once, the tally-segment:<handle> tag added to members who joined and
// removed from those who left. Sent for one shop after a refresh of its
// memberships or a change to a synced segment; every 10 minutes for every shop
// with work, as the fallback. A failed call fails the job and pg-boss retries
// it (with backoff): what is left to do is in SegmentMember, so nothing is lost.
import pg from 'pg';
import { shopsWithSyncWork, syncSegmentTags } from '../segments/shopify-sync.js';
import { isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

export async function syncSegmentTagsJob(data: { shop?: string }, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('sync-segment-tags needs a pg pool');
  const pool = deps.pool as pg.Pool;
  const failures: Failure[] = [];
  const shops = data.shop ? [data.shop] : await shopsWithSyncWork(pool);
  let more = false;
  for (const shop of shops) {
    await isolated(failures, shop, 'segment-tags', async () => {
      const result = await syncSegmentTags({ pool, admin: deps.admin, logger: deps.logger }, shop);
      more ||= result.more;
      if (result.calls > 0) deps.logger.info({ ...result, refused: result.refused.length }, 'sync-segment-tags: Shopify updated');
    });
  }
  reportFailures('sync-segment-tags', failures, deps.logger);
  // The run's time budget ran out: carry on at once rather than at the next schedule.
  if (more) await deps.queue?.send('sync-segment-tags', data);
}
