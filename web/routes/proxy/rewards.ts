// The storefront's rewards: what the shopper can see and afford, and
// redeeming one. The shopper is the signed logged_in_customer_id only.
import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { rewardType } from '../../loyalty/domain/rewards/index.js';
import { redeemNow, RedemptionRefused, type RedemptionRow } from '../../loyalty/redemptions.js';
import type { AdminClient } from '../../shopify/admin.js';
import type { Jobs } from '../../jobs/index.js';
import { StorefrontLimits } from './rate-limit.js';

export interface RewardRouteDeps {
  pool: pg.Pool;
  admin: AdminClient | null;
  jobs: Pick<Jobs, 'enqueue'>;
  /** The storefront's write limits (rate-limit.ts); its own when not given. */
  limits?: StorefrontLimits;
}

const REFUSAL_STATUS: Record<string, number> = { INSUFFICIENT_POINTS: 409, LIMIT_REACHED: 409, NOT_ELIGIBLE: 403, REWARD_DISABLED: 410, INVALID_POINTS: 400, NOT_FOUND: 404 };

/** A redemption as the widget shows it; `rewardName` labels its code ("Your discount code for 5 off"). */
export function redemptionJson(r: RedemptionRow & { rewardName?: string | null }, shop: string) {
  const status = r.status.toLowerCase();
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
    const shop = req.shop!;
    const [rewards, member, tiers] = await Promise.all([
      deps.pool.query(`SELECT id, type, name, config, "tierIds" FROM "Reward" WHERE shop = $1 AND enabled ORDER BY "createdAt"`, [shop]),
      req.customerId ? deps.pool.query(`SELECT "pointsAvailable", "tierId" FROM "Member" WHERE shop = $1 AND "customerId" = $2`, [shop, req.customerId]) : null,
      deps.pool.query<{ id: string; name: string }>(`SELECT id, name FROM "Tier" WHERE shop = $1 ORDER BY threshold`, [shop]),
    ]);
    const available: number | null = member?.rows[0]?.pointsAvailable ?? null;
    const tierId: string | null = member?.rows[0]?.tierId ?? null;
    const tierName = new Map(tiers.rows.map((t) => [t.id, t.name]));
    const list = rewards.rows
      .map((r) => {
        const type = rewardType(r.type);
        const config = type?.config.safeParse(r.config);
        if (!type || !config?.success) return null;
        const c = config.data as { pointsCost?: number; minPoints?: number; maxPoints?: number; pointsStep?: number; minimumSubtotalMinor?: number };
        const cheapest = c.pointsCost ?? c.minPoints ?? 0;
        return {
          id: r.id,
          type: r.type,
          name: r.name,
          ...(c.pointsCost !== undefined ? { pointsCost: c.pointsCost } : { slider: { min: c.minPoints, max: c.maxPoints, step: c.pointsStep } }),
          affordable: available !== null && available >= cheapest,
          // Discount codes only (the cart block offers those that fit the cart); null for store credit and donations.
          minimumSubtotal: c.minimumSubtotalMinor ?? null,
          // VIP-only rewards show to everyone (something to climb for); only their tiers may redeem them.
          tiers: r.tierIds.length ? r.tierIds.filter((id: string) => tierName.has(id)).map((id: string) => ({ id, name: tierName.get(id) })) : null,
          eligible: r.tierIds.length === 0 || (tierId !== null && r.tierIds.includes(tierId)),
        };
      })
      .filter(Boolean);
    res.json({ rewards: list, pointsAvailable: available });
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
    const [{ rows }, reward] = await Promise.all([
      deps.pool.query(`SELECT "currencyCode" FROM "Shop" WHERE domain = $1`, [shop]),
      deps.pool.query<{ name: string }>(`SELECT name FROM "Reward" WHERE id = $1 AND shop = $2`, [input.rewardId, shop]),
    ]);
    let redemption: RedemptionRow;
    try {
      redemption = await redeemNow(
        { pool: deps.pool, admin: deps.admin, enqueueIssue: () => deps.jobs.enqueue('issue-pending-redemptions', {}) },
        { shop, customerId: req.customerId, ...input, currencyCode: rows[0]?.currencyCode ?? 'USD' },
      );
    } catch (error) {
      if (error instanceof RedemptionRefused) throw new HttpError(REFUSAL_STATUS[error.code] ?? 400, error.code, error.message);
      throw error;
    }
    res.status(201).json({ redemption: redemptionJson({ ...redemption, rewardName: reward.rows[0]?.name }, shop) });
  });

  /** A pending redemption's progress (the widget polls it until the code arrives). */
  router.get('/redemptions/:id', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const { rows } = await deps.pool.query(
      `SELECT d.*, w.name AS "rewardName" FROM "Redemption" d JOIN "Member" m ON m.id = d."memberId" LEFT JOIN "Reward" w ON w.id = d."rewardId" WHERE d.id = $1 AND d.shop = $2 AND m."customerId" = $3`,
      [req.params.id, req.shop, req.customerId ?? ''],
    );
    if (!rows[0]) throw new HttpError(404, 'NOT_FOUND', 'No such redemption');
    res.json({ redemption: redemptionJson(rows[0], req.shop!) });
  });

  return router;
}
