// segment-gift: gives a gift to a segment (web/segments/gifts.ts) in batches
// with its progress. Retried from where it stopped: each batch commits with
// the progress, and only members the gift has not reached are picked again.
import pg from 'pg';
import { runGift } from '../segments/gifts.js';
import type { JobDeps } from './deps.js';

export async function segmentGiftJob(data: { giftId: string }, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('segment-gift needs a pg pool');
  const gift = await runGift(deps.pool as pg.Pool, deps.programs, data.giftId);
  deps.logger.info({ giftId: data.giftId, done: gift?.done, status: gift?.status }, 'segment gift given');
}
