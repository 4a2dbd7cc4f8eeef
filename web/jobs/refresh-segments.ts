// refresh-segments: recomputes the RFM scores and today's snapshot
// (web/segments/rfm.ts), nightly for every active shop, or now for one shop
// (POST /api/admin/segments/refresh sends { shop }). One statement per shop;
// a failing shop does not hold up the others.
import pg from 'pg';
import { recomputeRfm } from '../segments/rfm.js';
import { activeShops, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

export async function refreshSegmentsJob(data: { shop?: string }, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('refresh-segments needs a pg pool');
  const failures: Failure[] = [];
  const shops = data.shop ? [data.shop] : await activeShops(deps.prisma);
  for (const shop of shops) {
    await isolated(failures, shop, 'rfm', async () => {
      const { scored, today } = await recomputeRfm(deps.pool as pg.Pool, shop);
      deps.logger.info({ shop, scored, today }, 'refresh-segments: RFM recomputed');
    });
  }
  reportFailures('refresh-segments', failures, deps.logger);
}
