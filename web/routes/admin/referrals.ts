// Referrals in the admin API: the program's referral settings, every
// referral with its status and reason, the top referrers, and the review of
// blocked referrals. Every query is scoped to the session token's shop.
import { Router, type Request } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import type { PrismaClient } from '../../db.js';
import { HttpError } from '../../http/errors.js';
import { parseProgramSettings } from '../../loyalty/domain/program.js';
import { REASON_TEXT, type BlockReason } from '../../loyalty/domain/referrals/fraud.js';
import { referralSettingsInput, referralSettingsSchema } from '../../loyalty/domain/referrals/settings.js';
import { fieldErrors } from '../../loyalty/domain/validation.js';
import type { Programs } from '../../loyalty/program.js';
import { changeProgram } from '../../loyalty/program-changes.js';
import { listReferrals, REFERRAL_STATUSES, topReferrers } from '../../loyalty/referrals/reports.js';
import { reviewReferral, ReviewRefused } from '../../loyalty/referrals/review.js';

const shopOf = (req: Request) => req.shop!;

const OTHER_REASONS: Record<string, string> = {
  order_cancelled: "The friend's order was cancelled",
  order_refunded: "The friend's order was refunded",
};
const reasonText = (reason: string | null) => (reason ? (REASON_TEXT[reason as BlockReason] ?? OTHER_REASONS[reason] ?? reason) : null);

export function adminReferralRoutes(deps: { prisma: PrismaClient; pool: pg.Pool; programs: Programs }): Router {
  const router = Router();

  async function currentSettings(shop: string) {
    const program = await deps.prisma.program.findUnique({ where: { shop } });
    if (!program) throw new HttpError(404, 'not_found', 'This shop has no program yet');
    const parsed = parseProgramSettings(program.settings);
    return { program, settings: parsed.ok ? parsed.value : null };
  }

  router.get('/referrals/settings', async (req, res) => {
    const { settings } = await currentSettings(shopOf(req));
    res.json({ settings: settings?.referrals ?? referralSettingsSchema.parse({}) });
  });

  /** Replaces the referral settings; missing fields take their defaults. Invalid input changes nothing. */
  router.put('/referrals/settings', async (req, res) => {
    const shop = shopOf(req);
    const parsed = referralSettingsInput.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'invalid_input', 'The referral settings are invalid', fieldErrors(parsed.error));
    const rewardId = parsed.data.referrerRewardId;
    if (rewardId && !(await deps.prisma.reward.findFirst({ where: { id: rewardId, shop, system: false } }))) {
      throw new HttpError(400, 'invalid_input', 'The referral settings are invalid', { referrerRewardId: 'No reward with this id' });
    }
    const { program } = await currentSettings(shop);
    await changeProgram(deps.prisma, shop, 'referrals', req.userId, (tx) =>
      tx.program.update({ where: { shop }, data: { settings: { ...(program.settings as object), referrals: parsed.data } } }),
    );
    res.json({ settings: parsed.data });
  });

  router.get('/referrals', async (req, res) => {
    const filter = z.object({ status: z.enum(REFERRAL_STATUSES).optional(), referrerId: z.string().min(1).optional() }).parse(req.query);
    const rows = await listReferrals(deps.pool, shopOf(req), filter);
    res.json({ referrals: rows.map((r) => ({ ...r, reasonText: reasonText(r.reason) })) });
  });

  router.get('/referrals/top', async (req, res) => {
    const { limit } = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }).parse(req.query);
    res.json({ referrers: await topReferrers(deps.pool, shopOf(req), limit) });
  });

  router.post('/referrals/:id/:decision', async (req, res) => {
    const decision = z.enum(['approve', 'reject']).parse(req.params.decision);
    try {
      const referral = await reviewReferral(deps.pool, await deps.programs.get(shopOf(req)), { shop: shopOf(req), referralId: String(req.params.id), decision, actor: req.userId ?? null });
      res.json({ referral: { id: referral.id, status: referral.status, reason: referral.reason, reviewedBy: referral.reviewedBy, reviewedAt: referral.reviewedAt } });
    } catch (error) {
      if (error instanceof ReviewRefused) throw new HttpError(error.code === 'NOT_FOUND' ? 404 : 409, error.code, error.message);
      throw error;
    }
  });

  return router;
}
