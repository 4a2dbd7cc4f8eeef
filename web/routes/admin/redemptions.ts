// Redemptions in the admin API: every redemption with its status and the
// order that used it, and issuing a reward to a member on their behalf.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { NotUnderReview, RedemptionRefused } from '../../loyalty/redemptions.js';
import {
  listRedemptions,
  listStoreCreditDebits,
  redeemForMember,
  settleDebitReview,
  settleRedemptionReview,
  type RedemptionDeps,
} from '../../loyalty/redemptions-admin.js';

const shopOf = (req: Request) => req.shop!;

export type RedemptionRouteDeps = RedemptionDeps;

export function adminRedemptionRoutes(deps: RedemptionRouteDeps): Router {
  const router = Router();

  router.get('/redemptions', async (req, res) => {
    const { status, memberId } = z
      .object({
        status: z.enum(['PENDING', 'ISSUED', 'USED', 'FAILED', 'EXPIRED', 'NEEDS_REVIEW']).optional(),
        memberId: z.string().optional(),
      })
      .parse(req.query);
    res.json({ redemptions: await listRedemptions(deps, shopOf(req), { status, memberId }) });
  });

  /** An admin issues a reward to a member (goodwill, a support case): the member's points pay for it. */
  router.post('/members/:id/redemptions', async (req, res) => {
    const input = z.object({ rewardId: z.string().min(1), points: z.number().int().positive().optional() }).parse(req.body);
    const shop = shopOf(req);
    // Scoped to this route (the member is part of the redemption's unique key); a malformed key is refused, not ignored.
    const header = req.get('idempotency-key');
    if (header !== undefined && !/^[\w-]{8,100}$/.test(header)) {
      throw new HttpError(400, 'invalid_input', 'The Idempotency-Key header is not valid', {
        'Idempotency-Key': '8 to 100 letters, digits, - or _',
      });
    }
    const key = `admin:redemptions:${header ?? crypto.randomUUID()}`;
    try {
      const redemption = await redeemForMember(deps, { shop, memberId: req.params.id!, ...input, idempotencyKey: key });
      if (!redemption) throw new HttpError(404, 'not_found', 'No such member');
      if (redemption.rewardId !== input.rewardId) {
        throw new HttpError(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', {
          'Idempotency-Key': 'already used with other values',
        });
      }
      const { id, status, code, points, error } = redemption;
      res.status(201).json({ redemption: { id, status, code, points, error } });
    } catch (error) {
      if (error instanceof RedemptionRefused) throw new HttpError(409, error.code, error.message);
      throw error;
    }
  });

  /** Runs a review ("try again" wakes the issue job); a record not under review is a 409 (404 when not in the shop). */
  const reviewed = async (review: () => Promise<string>) => {
    try {
      return await review();
    } catch (error) {
      if (error instanceof NotUnderReview)
        throw new HttpError(error.missing ? 404 : 409, error.missing ? 'not_found' : 'not_under_review', error.message);
      throw error;
    }
  };

  /** Settles a store credit redemption whose Shopify answer was lost, after the admin checked Shopify. */
  router.post('/redemptions/:id/review', async (req, res) => {
    const { outcome } = z.object({ outcome: z.enum(['credited', 'retry', 'return-points']) }).parse(req.body);
    res.json({ outcome: await reviewed(() => settleRedemptionReview(deps, shopOf(req), req.params.id!, outcome, req.userId ?? null)) });
  });

  /** Store credit taken back by refunds after cashback (see loyalty/cashback.ts). */
  router.get('/store-credit-debits', async (req, res) => {
    const { status } = z.object({ status: z.enum(['PENDING', 'DONE', 'FAILED', 'NEEDS_REVIEW']).optional() }).parse(req.query);
    res.json({ debits: await listStoreCreditDebits(deps, shopOf(req), status ?? null) });
  });

  router.post('/store-credit-debits/:id/review', async (req, res) => {
    const { outcome } = z.object({ outcome: z.enum(['debited', 'retry', 'cancel']) }).parse(req.body);
    res.json({ outcome: await reviewed(() => settleDebitReview(deps, shopOf(req), req.params.id!, outcome, req.userId ?? null)) });
  });

  return router;
}
