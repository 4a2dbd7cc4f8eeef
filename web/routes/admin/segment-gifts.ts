// Gifts to a segment (web/segments/gifts.ts): preview (who and what it
// costs), give (202; the segment-gift job gives it once to every member) and
// its progress.
import { Router } from 'express';
import { HttpError } from '../../http/errors.js';
import type { Jobs } from '../../jobs/index.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { createGift, findGift, giftBody, giftJson, previewGift, UngivableReward } from '../../segments/gifts.js';
import { notFound, shopOf } from './shared.js';

const ungivable = (error: unknown): never => {
  throw error instanceof UngivableReward ? new HttpError(400, 'invalid_input', error.message, error.fields) : error;
};

export function segmentGiftRoutes(deps: Pick<LoyaltyDeps, 'pool'> & { jobs: Pick<Jobs, 'enqueue'> }): Router {
  const router = Router();

  router.post('/segments/:id/gifts', async (req, res) => {
    const input = giftBody.parse(req.body);
    const shop = shopOf(req);
    if (input.preview) {
      const preview = await previewGift(deps, shop, req.params.id, input).catch(ungivable);
      if (!preview) throw notFound('segment');
      res.json({ preview });
      return;
    }
    const gift = await createGift(deps, shop, req.params.id, input, (giftId) => deps.jobs.enqueue('segment-gift', { giftId })).catch(
      ungivable,
    );
    if (!gift) throw notFound('segment');
    res.status(202).json({ gift: giftJson(gift) });
  });

  router.get('/segments/gifts/:id', async (req, res) => {
    const gift = await findGift(deps, shopOf(req), req.params.id);
    if (!gift) throw notFound('gift');
    res.json({ gift: giftJson(gift) });
  });

  return router;
}
