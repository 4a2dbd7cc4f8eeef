// JSON API for the storefront widget, reached through Shopify's app proxy
// (/apps/tally/* → /proxy/*). req.shop and req.customerId come from the
// signed query only.
import { Router } from 'express';
import type { PrismaClient } from '../../db.js';

export function proxyRoutes(prisma: PrismaClient): Router {
  const router = Router();

  /** The logged-in shopper's membership; guests get { member: null }. */
  router.get('/member', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    if (!req.customerId) return void res.json({ member: null });
    const member = await prisma.member.findUnique({
      where: { shop_customerId: { shop: req.shop!, customerId: req.customerId } },
    });
    res.json({
      member: member && {
        firstName: member.firstName,
        points: { available: member.pointsAvailable, pending: member.pointsPending, lifetimeEarned: member.lifetimeEarned },
      },
    });
  });

  return router;
}
