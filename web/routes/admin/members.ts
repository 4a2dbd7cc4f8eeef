// Members in the admin API: look one up, read their ledger, adjust points,
// award a custom action, release an order's pending points early.
import { Router, type Request } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import type { PrismaClient } from '../../db.js';
import { HttpError } from '../../http/errors.js';
import { adjust, earn, NotEnoughPoints } from '../../loyalty/ledger.js';
import { releaseOrder } from '../../loyalty/order-points.js';
import { reviewTier } from '../../loyalty/tiers.js';
import { evaluateRule } from '../../loyalty/domain/rules/index.js';
import { applyCampaigns } from '../../loyalty/domain/rules/campaigns.js';
import { creditExpiresAt } from '../../loyalty/domain/program.js';
import type { Programs } from '../../loyalty/program.js';
import { adjustmentSchema } from '../../loyalty/domain/adjustment.js';
import { historyQuery, memberHistory } from '../../loyalty/member-history.js';
import { countMembers, CSV_HEADER, csvRow, eachMember, isDateCursor, listMembers, memberListQuery, type ListContext } from '../../loyalty/member-list.js';

const shopOf = (req: Request) => req.shop!;

/** `123` or `gid://shopify/Customer/123` → the GID. */
const customerGid = z
  .string()
  .trim()
  .regex(/^(gid:\/\/shopify\/Customer\/)?\d+$/, 'a numeric customer id or a Customer GID')
  .transform((v) => (v.startsWith('gid://') ? v : `gid://shopify/Customer/${v}`));


/**
 * Lets a retried request (Idempotency-Key header) act only once. A key
 * belongs to one shop, one route and one member: the same key on another
 * member is another request.
 */
const requestKey = (req: Request, route: string, memberId: string): string => {
  const header = req.get('idempotency-key');
  if (header === undefined) return `admin:${route}:${memberId}:${crypto.randomUUID()}`;
  if (!/^[\w-]{8,100}$/.test(header)) throw new HttpError(400, 'invalid_input', 'The Idempotency-Key header is not valid', { 'Idempotency-Key': '8 to 100 letters, digits, - or _' });
  return `admin:${route}:${memberId}:${header}`;
};

const keyReused = () =>
  new HttpError(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', { 'Idempotency-Key': 'already used with other values' });

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

/** The lowest tier holds members not placed yet, in the list's tier filter as on the tiers page. */
async function listContext(programs: Programs, shop: string): Promise<ListContext> {
  return { lowestTierId: (await programs.get(shop))?.tiers[0]?.id ?? null };
}

export function memberRoutes(prisma: PrismaClient, programs: Programs, pool: pg.Pool): Router {
  const router = Router();

  /** `?customerId=` finds one member; otherwise a page of the list (search, filters, sort, cursor). */
  router.get('/members', async (req, res) => {
    if (req.query.customerId !== undefined) {
      const { customerId } = z.object({ customerId: customerGid }).parse(req.query);
      const member = await prisma.member.findUnique({ where: { shop_customerId: { shop: shopOf(req), customerId } } });
      res.json({ members: member ? [memberJson(member)] : [], nextCursor: null });
      return;
    }
    const shop = shopOf(req);
    const query = memberListQuery.parse(req.query);
    const page = await listMembers(pool, shop, query, await listContext(programs, shop));
    res.json({ members: page.members.map((m) => ({ ...memberJson(m), tierId: m.tierId })), nextCursor: page.nextCursor });
  });

  /** The current filter as CSV, streamed page by page; X-Total-Count lets the UI show progress. */
  router.get('/members/export.csv', async (req, res) => {
    const shop = shopOf(req);
    const query = memberListQuery.parse({ ...req.query, cursor: undefined, limit: undefined });
    const context = await listContext(programs, shop);
    const total = await countMembers(pool, shop, query, context);
    const tiers = new Map((await programs.get(shop))?.tiers.map((t) => [t.id, t.name]) ?? []);
    const tierName = (id: string | null) => tiers.get(id ?? context.lowestTierId ?? '') ?? null;
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="members-${new Date().toISOString().slice(0, 10)}.csv"`,
      'X-Total-Count': String(total),
      'Cache-Control': 'no-store',
    });
    res.write(`${CSV_HEADER.join(',')}\r\n`);
    for await (const member of eachMember(pool, shop, query, context)) {
      if (!res.write(`${csvRow(member, tierName)}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  router.get('/members/:id', async (req, res) => {
    const member = await prisma.member.findFirst({ where: { id: req.params.id, shop: shopOf(req) } });
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    res.json({ member: memberJson(member) });
  });

  /** The member's points history, newest first, a page at a time (`?cursor=` from the previous page). */
  router.get('/members/:id/entries', async (req, res) => {
    const query = historyQuery.parse(req.query);
    if (query.cursor !== undefined && !isDateCursor(query.cursor)) {
      throw new HttpError(400, 'invalid_input', 'The request is invalid', { cursor: 'not a cursor of this history; start from the first page' });
    }
    const shop = shopOf(req);
    const member = await prisma.member.findFirst({ where: { id: req.params.id, shop }, select: { id: true } });
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    res.json(await memberHistory(prisma, shop, member.id, query));
  });

  router.post('/members/:id/adjustments', async (req, res) => {
    const input = adjustmentSchema.parse(req.body);
    const shop = shopOf(req);
    const member = await prisma.member.findFirst({ where: { id: req.params.id, shop }, select: { id: true } });
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    const key = requestKey(req, 'adjustments', member.id);
    const program = await programs.get(shop);
    try {
      await prisma.$transaction(async (tx) => {
        const appended = await adjust(tx, { shop, memberId: member.id, points: input.points, reason: input.reason, actor: req.userId ?? null, idempotencyKey: key });
        if (appended === 'duplicate') {
          // A retry answers as the first time did; other values under the same key are a mistake, said so.
          const first = await tx.pointEntry.findUniqueOrThrow({ where: { shop_idempotencyKey: { shop, idempotencyKey: key } }, select: { points: true, reason: true } });
          if (Number(first.points) !== input.points || first.reason !== input.reason) throw keyReused();
          return;
        }
        if (input.points > 0) await reviewTier(tx, program, member.id);
      });
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
        await reviewTier(tx, program, member.id, now);
      }
      return total;
    });
    if (points === 0) throw new HttpError(409, 'limit_reached', 'This member already earned this action as often as the rule allows');
    res.status(201).json({ points });
  });

  router.post('/orders/release', async (req, res) => {
    const { orderId } = z.object({ orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/, 'an Order GID') }).parse(req.body);
    const program = await programs.get(shopOf(req));
    const released = await prisma.$transaction((tx) => releaseOrder(tx, shopOf(req), orderId, new Date(), program));
    res.json({ released });
  });

  return router;
}
