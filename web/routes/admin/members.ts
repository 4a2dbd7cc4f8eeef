// Members in the admin API: look one up, read their ledger, adjust points,
// award a custom action, release an order's pending points early.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../db.js';
import { HttpError } from '../../http/errors.js';
import { adjust, earn, NotEnoughPoints } from '../../loyalty/ledger.js';
import { releaseOrder } from '../../loyalty/order-points.js';
import { evaluateRule } from '../../loyalty/domain/rules/index.js';
import { applyCampaigns } from '../../loyalty/domain/rules/campaigns.js';
import { creditExpiresAt } from '../../loyalty/domain/program.js';
import type { Programs } from '../../loyalty/program.js';

const shopOf = (req: Request) => req.shop!;

/** `123` or `gid://shopify/Customer/123` → the GID. */
const customerGid = z
  .string()
  .trim()
  .regex(/^(gid:\/\/shopify\/Customer\/)?\d+$/, 'a numeric customer id or a Customer GID')
  .transform((v) => (v.startsWith('gid://') ? v : `gid://shopify/Customer/${v}`));

const Adjustment = z.object({
  points: z.number().int('a whole number of points').refine((p) => p !== 0, 'cannot be zero').refine((p) => Math.abs(p) <= 1_000_000, 'at most 1,000,000 at a time'),
  reason: z.string().trim().min(3, 'say why, in a few words').max(500),
});

/** Lets a retried request (Idempotency-Key header) adjust only once. */
const requestKey = (req: Request, fallback: string) => {
  const header = req.get('idempotency-key');
  return header && /^[\w-]{8,100}$/.test(header) ? header : fallback;
};

function memberJson(m: { id: string; customerId: string; email: string | null; firstName: string | null; lastName: string | null; pointsAvailable: number; pointsPending: number; lifetimeEarned: number; lifetimeRedeemed: number; createdAt: Date; lastActivityAt: Date | null }) {
  return {
    id: m.id,
    customerId: m.customerId,
    email: m.email,
    firstName: m.firstName,
    lastName: m.lastName,
    points: { available: m.pointsAvailable, pending: m.pointsPending, lifetimeEarned: m.lifetimeEarned, lifetimeRedeemed: m.lifetimeRedeemed },
    memberSince: m.createdAt.toISOString(),
    lastActivityAt: m.lastActivityAt?.toISOString() ?? null,
  };
}

export function memberRoutes(prisma: PrismaClient, programs: Programs): Router {
  const router = Router();

  router.get('/members', async (req, res) => {
    const { customerId } = z.object({ customerId: customerGid }).parse(req.query);
    const member = await prisma.member.findUnique({ where: { shop_customerId: { shop: shopOf(req), customerId } } });
    res.json({ members: member ? [memberJson(member)] : [] });
  });

  router.get('/members/:id', async (req, res) => {
    const member = await prisma.member.findFirst({ where: { id: req.params.id, shop: shopOf(req) } });
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    const entries = await prisma.pointEntry.findMany({ where: { shop: member.shop, memberId: member.id }, orderBy: { createdAt: 'desc' }, take: 200 });
    res.json({
      member: memberJson(member),
      entries: entries.map((e) => ({ id: e.id, kind: e.kind, points: e.points, status: e.status, source: e.source, orderId: e.orderId, reason: e.reason, actor: e.actor, shortfall: e.shortfall, availableAt: e.availableAt, createdAt: e.createdAt })),
    });
  });

  router.post('/members/:id/adjustments', async (req, res) => {
    const input = Adjustment.parse(req.body);
    const shop = shopOf(req);
    const member = await prisma.member.findFirst({ where: { id: req.params.id, shop }, select: { id: true } });
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    const key = `admin:${requestKey(req, crypto.randomUUID())}`;
    try {
      await prisma.$transaction((tx) =>
        adjust(tx, { shop, memberId: member.id, points: input.points, reason: input.reason, actor: req.userId ?? null, idempotencyKey: key }),
      );
    } catch (error) {
      if (error instanceof NotEnoughPoints) throw new HttpError(409, 'not_enough_points', 'The member does not have that many points available', { points: 'more than the available balance' });
      throw error;
    }
    const updated = await prisma.member.findUniqueOrThrow({ where: { id: member.id } });
    res.status(201).json({ member: memberJson(updated) });
  });

  router.post('/members/:id/actions', async (req, res) => {
    const { ruleId } = z.object({ ruleId: z.string().min(1) }).parse(req.body);
    const shop = shopOf(req);
    const [member, program] = await Promise.all([prisma.member.findFirst({ where: { id: req.params.id, shop } }), programs.get(shop)]);
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    const rule = program?.rules.find((r) => r.id === ruleId && r.type === 'custom-action');
    if (!program || !rule) throw new HttpError(404, 'not_found', 'No enabled custom action with that id', { ruleId: 'not a custom action of this program' });
    const now = new Date();
    const points = await prisma.$transaction(async (tx) => {
      // Counted under the member's row lock, so two clicks cannot both pass the limit.
      await tx.$queryRaw`SELECT 1 FROM "Member" WHERE id = ${member.id} FOR UPDATE`;
      const timesAwarded = await tx.pointEntry.count({ where: { shop, memberId: member.id, source: 'RULE', sourceId: rule.id } });
      const base = evaluateRule(rule, { now, timeZone: program.timeZone, timesAwarded });
      const total = applyCampaigns(base, program.campaigns, now, rule.type, program.settings.rounding);
      if (total > 0) {
        await earn(tx, { shop, memberId: member.id, points: total, source: 'RULE', sourceId: rule.id, idempotencyKey: `action:${rule.id}:${member.id}:${timesAwarded + 1}`, expiresAt: creditExpiresAt(now, program.settings.expiry) });
      }
      return total;
    });
    if (points === 0) throw new HttpError(409, 'limit_reached', 'This member already earned this action as often as the rule allows');
    res.status(201).json({ points });
  });

  router.post('/orders/release', async (req, res) => {
    const { orderId } = z.object({ orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/, 'an Order GID') }).parse(req.body);
    const released = await prisma.$transaction((tx) => releaseOrder(tx, shopOf(req), orderId));
    res.json({ released });
  });

  return router;
}
