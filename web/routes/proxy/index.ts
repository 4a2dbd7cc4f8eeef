// JSON API for the storefront widget, reached through Shopify's app proxy
// (/apps/tally/* → /proxy/*). req.shop and req.customerId come from the
// signed query only.
import { Router } from 'express';
import type { PrismaClient } from '../../db.js';
import type { Programs } from '../../loyalty/program.js';
import { ruleType } from '../../loyalty/domain/rules/index.js';

export function proxyRoutes(prisma: PrismaClient, programs: Programs): Router {
  const router = Router();

  /** The logged-in shopper's membership and recent activity; guests get { member: null } and the program. */
  router.get('/member', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const shop = req.shop!;
    const program = await programs.get(shop);
    const summary = program && {
      name: program.name,
      currencyName: program.settings.currencyName,
      waysToEarn: program.rules.map((r) => ({ type: r.type, name: r.name, trigger: ruleType(r.type)?.trigger ?? null, config: r.config })),
    };
    const member = req.customerId ? await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId: req.customerId } } }) : null;
    if (!member) return void res.json({ member: null, program: summary });
    const activity = await prisma.pointEntry.findMany({
      where: { shop, memberId: member.id, status: { not: 'VOID' } },
      orderBy: { createdAt: 'desc' },
      take: 10,
      select: { kind: true, points: true, status: true, source: true, availableAt: true, createdAt: true },
    });
    res.json({
      member: {
        firstName: member.firstName,
        points: { available: member.pointsAvailable, pending: member.pointsPending, lifetimeEarned: member.lifetimeEarned, lifetimeRedeemed: member.lifetimeRedeemed },
        tier: null,
        memberSince: member.createdAt.toISOString(),
        activity: activity.map((a) => ({ ...a, availableAt: a.availableAt?.toISOString() ?? null, createdAt: a.createdAt.toISOString() })),
      },
      program: summary,
    });
  });

  return router;
}
