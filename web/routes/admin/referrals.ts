// Referrals in the admin API: the program's referral settings, every
// referral with its status and reason, the top referrers, and the review of
// blocked referrals. Every query is scoped to the session token's shop.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { REASON_TEXT, type BlockReason } from '../../loyalty/domain/referrals/fraud.js';
import { referralSettingsInput } from '../../loyalty/domain/referrals/settings.js';
import { fieldErrors } from '../../loyalty/domain/validation.js';
import { listReferrals, REFERRAL_STATUSES, topReferrers } from '../../loyalty/referrals/reports.js';
import { reviewReferral, ReviewRefused } from '../../loyalty/referrals/review.js';
import { referralSettings, saveReferralSettings } from '../../loyalty/referrals/settings.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';

const shopOf = (req: Request) => req.shop!;

const OTHER_REASONS: Record<string, string> = {
  order_cancelled: "The friend's order was cancelled",
  order_refunded: "The friend's order was refunded",
};
const reasonText = (reason: string | null) => (reason ? (REASON_TEXT[reason as BlockReason] ?? OTHER_REASONS[reason] ?? reason) : null);

const noProgram = () => new HttpError(404, 'not_found', 'This shop has no program yet');

export function adminReferralRoutes(deps: LoyaltyDeps): Router {
  const router = Router();

  router.get('/referrals/settings', async (req, res) => {
    const settings = await referralSettings(deps, shopOf(req));
    if (!settings) throw noProgram();
    res.json({ settings });
  });

  /** Replaces the referral settings; missing fields take their defaults. Invalid input changes nothing. */
  router.put('/referrals/settings', async (req, res) => {
    const parsed = referralSettingsInput.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'invalid_input', 'The referral settings are invalid', fieldErrors(parsed.error));
    const saved = await saveReferralSettings(deps, shopOf(req), parsed.data, req.userId);
    if (saved === 'unknown-reward')
      throw new HttpError(400, 'invalid_input', 'The referral settings are invalid', { referrerRewardId: 'No reward with this id' });
    if (saved === 'no-program') throw noProgram();
    res.json({ settings: saved });
  });

  router.get('/referrals', async (req, res) => {
    const filter = z.object({ status: z.enum(REFERRAL_STATUSES).optional(), referrerId: z.string().min(1).optional() }).parse(req.query);
    const rows = await listReferrals(deps, shopOf(req), filter);
    res.json({ referrals: rows.map((r) => ({ ...r, reasonText: reasonText(r.reason) })) });
  });

  router.get('/referrals/top', async (req, res) => {
    const { limit } = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }).parse(req.query);
    res.json({ referrers: await topReferrers(deps, shopOf(req), limit) });
  });

  router.post('/referrals/:id/:decision', async (req, res) => {
    const decision = z.enum(['approve', 'reject']).parse(req.params.decision);
    try {
      const referral = await reviewReferral(deps, {
        shop: shopOf(req),
        referralId: String(req.params.id),
        decision,
        actor: req.userId ?? null,
      });
      res.json({
        referral: {
          id: referral.id,
          status: referral.status,
          reason: referral.reason,
          reviewedBy: referral.reviewedBy,
          reviewedAt: referral.reviewedAt,
        },
      });
    } catch (error) {
      if (error instanceof ReviewRefused) throw new HttpError(error.code === 'NOT_FOUND' ? 404 : 409, error.code, error.message);
      throw error;
    }
  });

  return router;
}
