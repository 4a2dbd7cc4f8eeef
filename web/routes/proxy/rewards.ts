// The storefront's rewards: what the shopper can see and afford, and
// redeeming one. The shopper is the signed logged_in_customer_id only.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { RedemptionRefused, type RedemptionRow } from '../../loyalty/redemptions.js';
import type { RedemptionDeps } from '../../loyalty/redemptions-admin.js';
import { redeemForShopper, shopperRedemption, shopperRewards } from '../../loyalty/storefront-rewards.js';
import { StorefrontLimits } from './rate-limit.js';

export interface RewardRouteDeps extends RedemptionDeps {
  /** The storefront's write limits (rate-limit.ts); its own when not given. */
  limits?: StorefrontLimits;
}

const REFUSAL_STATUS: Record<string, number> = {
  INSUFFICIENT_POINTS: 409,
  LIMIT_REACHED: 409,
  NOT_ELIGIBLE: 403,
  REWARD_DISABLED: 410,
  INVALID_POINTS: 400,
  NOT_FOUND: 404,
};

/** A redemption as the widget shows it; `rewardName` labels its code ("Your discount code for 5 off"). */
export function redemptionJson(r: RedemptionRow & { rewardName?: string | null }, shop: string) {
  // A redemption an admin must check in Shopify is, to the shopper, still on its way.
  const status = r.status === 'NEEDS_REVIEW' ? 'pending' : r.status.toLowerCase();
  const usable = r.status === 'ISSUED' && r.code;
  return {
    id: r.id,
    rewardName: r.rewardName ?? null,
    status,
    points: r.points,
    code: usable ? r.code : null,
    // Shopify's shareable discount link applies the code to the cart.
    discountUrl: usable ? `https://${shop}/discount/${encodeURIComponent(r.code!)}` : null,
    expiresAt: r.expiresAt,
    error: r.status === 'FAILED' ? 'We could not create your reward; your points are back in your balance.' : null,
  };
}

export function rewardRoutes(deps: RewardRouteDeps): Router {
  const router = Router();
  const limits = deps.limits ?? new StorefrontLimits();

  router.get('/rewards', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    res.json(await shopperRewards(deps, req.shop!, req.customerId ?? null));
  });

  const RedeemInput = z.object({
    rewardId: z.string().min(1),
    points: z.number().int().positive().optional(),
    idempotencyKey: z.string().regex(/^[\w-]{8,100}$/, '8 to 100 letters, digits, - or _'),
  });

  router.post('/redemptions', async (req, res) => {
    limits.checkAddress(req, res, 'redemption');
    if (!req.customerId) throw new HttpError(401, 'NOT_ELIGIBLE', 'Log in to redeem rewards');
    limits.check(res, 'redemption', 'perCustomer', `${req.shop} ${req.customerId}`);
    const input = RedeemInput.parse(req.body);
    const shop = req.shop!;
    let redemption: RedemptionRow & { rewardName: string | null };
    try {
      redemption = await redeemForShopper(deps, { shop, customerId: req.customerId, ...input });
    } catch (error) {
      if (error instanceof RedemptionRefused) throw new HttpError(REFUSAL_STATUS[error.code] ?? 400, error.code, error.message);
      throw error;
    }
    res.status(201).json({ redemption: redemptionJson(redemption, shop) });
  });

  /** A pending redemption's progress (the widget polls it until the code arrives). */
  router.get('/redemptions/:id', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const redemption = await shopperRedemption(deps, req.shop!, req.customerId ?? null, req.params.id!);
    if (!redemption) throw new HttpError(404, 'NOT_FOUND', 'No such redemption');
    res.json({ redemption: redemptionJson(redemption, req.shop!) });
  });

  return router;
}
