// JSON API for the admin UI. Mounted behind session-token auth: req.shop is
// the token's shop, and every query below is scoped to it.
import { Router } from 'express';
import type { PrismaClient } from '../../db.js';
import { HttpError, refuseNulCharacters } from '../../http/errors.js';
import type { Programs } from '../../loyalty/program.js';
import { dashboard, dashboardQuery } from '../../loyalty/analytics.js';
import { earnRuleRoutes } from './earn-rules.js';
import { eventRoutes } from './events.js';
import { memberRoutes } from './members.js';
import { programRoutes } from './program.js';
import { adminRedemptionRoutes } from './redemptions.js';
import { adminReferralRoutes } from './referrals.js';
import { rewardAdminRoutes } from './rewards.js';
import { shopOf } from './shared.js';
import { tierRoutes } from './tiers.js';

export function adminRoutes(prisma: PrismaClient, programs: Programs, redemptions: Parameters<typeof adminRedemptionRoutes>[0]): Router {
  const router = Router();
  router.use(refuseNulCharacters);
  router.use(programRoutes(prisma));
  router.use(earnRuleRoutes(prisma));
  router.use(rewardAdminRoutes(prisma));
  router.use(eventRoutes(redemptions.pool));
  router.use(memberRoutes(prisma, programs, redemptions.pool));
  router.use(adminRedemptionRoutes(redemptions));
  router.use(adminReferralRoutes({ prisma, pool: redemptions.pool, programs }));
  router.use(tierRoutes({ pool: redemptions.pool, programs }));

  router.get('/dashboard', async (req, res) => {
    res.json(await dashboard(redemptions.pool, shopOf(req), dashboardQuery.parse(req.query)));
  });

  router.get('/shop', async (req, res) => {
    const shop = shopOf(req);
    const [row, program, members, outstanding, webhooksReceived] = await Promise.all([
      prisma.shop.findUniqueOrThrow({ where: { domain: shop } }),
      prisma.program.findUnique({ where: { shop } }),
      prisma.member.count({ where: { shop } }),
      prisma.member.aggregate({ where: { shop }, _sum: { pointsAvailable: true } }),
      prisma.webhookDelivery.count({ where: { shop } }),
    ]);
    res.json({
      shop: { domain: row.domain, name: row.name, currencyCode: row.currencyCode },
      program: program ? { name: program.name } : null,
      stats: { members, pointsOutstanding: outstanding._sum.pointsAvailable ?? 0, webhooksReceived },
    });
  });

  router.get('/compliance-requests', async (req, res) => {
    const requests = await prisma.complianceRequest.findMany({
      where: { shop: shopOf(req) },
      orderBy: { createdAt: 'desc' },
      take: 100,
      select: { id: true, topic: true, customerId: true, dataRequestId: true, createdAt: true, completedAt: true },
    });
    res.json({ requests });
  });

  router.get('/compliance-requests/:id', async (req, res) => {
    const request = await prisma.complianceRequest.findFirst({ where: { id: req.params.id, shop: shopOf(req) } });
    if (!request) throw new HttpError(404, 'not_found', 'No such compliance request');
    res.json({ request });
  });

  return router;
}
