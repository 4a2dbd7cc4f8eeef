// Members in the admin API: look one up, read their ledger, adjust points,
// award a custom action, release an order's pending points early.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { NotEnoughPoints } from '../../loyalty/ledger.js';
import { adjustmentSchema } from '../../loyalty/domain/adjustment.js';
import {
  adjustPoints,
  awardAction,
  findMember,
  findMemberByCustomer,
  IdempotencyKeyReused,
  memberExport,
  memberHistoryPage,
  memberPage,
  releaseOrderEarly,
} from '../../loyalty/member-admin.js';
import { historyQuery } from '../../loyalty/member-history.js';
import { memberFigures, memberOrders, memberOrdersQuery } from '../../loyalty/member-orders.js';
import { CSV_HEADER, csvRow, isDateCursor, memberListQuery, type MemberRow } from '../../loyalty/member-list.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';

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
  if (!/^[\w-]{8,100}$/.test(header))
    throw new HttpError(400, 'invalid_input', 'The Idempotency-Key header is not valid', {
      'Idempotency-Key': '8 to 100 letters, digits, - or _',
    });
  return `admin:${route}:${memberId}:${header}`;
};

const noMember = () => new HttpError(404, 'not_found', 'No such member');

/** What the admin API answers for a member (the list's row without its tier and redaction columns). */
function memberJson(m: Omit<MemberRow, 'tierId' | 'redactedAt'>) {
  return {
    id: m.id,
    customerId: m.customerId,
    email: m.email,
    firstName: m.firstName,
    lastName: m.lastName,
    points: {
      available: m.pointsAvailable,
      pending: m.pointsPending,
      lifetimeEarned: m.lifetimeEarned,
      lifetimeRedeemed: m.lifetimeRedeemed,
    },
    memberSince: m.createdAt.toISOString(),
    lastActivityAt: m.lastActivityAt?.toISOString() ?? null,
  };
}

export function memberRoutes(deps: LoyaltyDeps): Router {
  const router = Router();

  /** `?customerId=` finds one member; otherwise a page of the list (search, filters, sort, cursor). */
  router.get('/members', async (req, res) => {
    if (req.query.customerId !== undefined) {
      const { customerId } = z.object({ customerId: customerGid }).parse(req.query);
      const member = await findMemberByCustomer(deps, shopOf(req), customerId);
      res.json({ members: member ? [memberJson(member)] : [], nextCursor: null });
      return;
    }
    const query = memberListQuery.parse(req.query);
    const page = await memberPage(deps, shopOf(req), query);
    res.json({ members: page.members.map((m) => ({ ...memberJson(m), tierId: m.tierId })), nextCursor: page.nextCursor });
  });

  /** The current filter as CSV, streamed page by page; X-Total-Count lets the UI show progress. */
  router.get('/members/export.csv', async (req, res) => {
    const query = memberListQuery.parse({ ...req.query, cursor: undefined, limit: undefined });
    const { total, tierName, members } = await memberExport(deps, shopOf(req), query);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="members-${new Date().toISOString().slice(0, 10)}.csv"`,
      'X-Total-Count': String(total),
      'Cache-Control': 'no-store',
    });
    res.write(`${CSV_HEADER.join(',')}\r\n`);
    for await (const member of members) {
      if (!res.write(`${csvRow(member, tierName)}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  router.get('/members/:id', async (req, res) => {
    const member = await findMember(deps, shopOf(req), req.params.id);
    if (!member) throw noMember();
    res.json({ member: memberJson(member) });
  });

  /** The member's points history, newest first, a page at a time (`?cursor=` from the previous page). */
  router.get('/members/:id/entries', async (req, res) => {
    const query = historyQuery.parse(req.query);
    if (query.cursor !== undefined && !isDateCursor(query.cursor)) {
      throw new HttpError(400, 'invalid_input', 'The request is invalid', {
        cursor: 'not a cursor of this history; start from the first page',
      });
    }
    const page = await memberHistoryPage(deps, shopOf(req), req.params.id, query);
    if (!page) throw noMember();
    res.json(page);
  });

  /** The member's orders, newest first, a page at a time (`?cursor=` from the previous page). */
  router.get('/members/:id/orders', async (req, res) => {
    const query = memberOrdersQuery.parse(req.query);
    if (query.cursor !== undefined && !isDateCursor(query.cursor)) {
      throw new HttpError(400, 'invalid_input', 'The request is invalid', {
        cursor: 'not a cursor of these orders; start from the first page',
      });
    }
    const page = await memberOrders(deps, shopOf(req), req.params.id, query);
    if (!page) throw noMember();
    res.json(page);
  });

  /** The member's lifetime value, average order value, orders, days since the last order and average gap (null: no data). */
  router.get('/members/:id/figures', async (req, res) => {
    const figures = await memberFigures(deps, shopOf(req), req.params.id);
    if (!figures) throw noMember();
    res.json({ figures });
  });

  router.post('/members/:id/adjustments', async (req, res) => {
    const input = adjustmentSchema.parse(req.body);
    const memberId = req.params.id;
    const idempotencyKey = requestKey(req, 'adjustments', memberId);
    try {
      const member = await adjustPoints(deps, { shop: shopOf(req), memberId, ...input, actor: req.userId ?? null, idempotencyKey });
      if (!member) throw noMember();
      res.status(201).json({ member: memberJson(member) });
    } catch (error) {
      if (error instanceof NotEnoughPoints)
        throw new HttpError(409, 'not_enough_points', 'The member does not have that many points available', {
          points: 'more than the available balance',
        });
      if (error instanceof IdempotencyKeyReused)
        throw new HttpError(409, 'IDEMPOTENCY_KEY_REUSED', error.message, { 'Idempotency-Key': 'already used with other values' });
      throw error;
    }
  });

  router.post('/members/:id/actions', async (req, res) => {
    const { ruleId } = z.object({ ruleId: z.string().min(1) }).parse(req.body);
    const points = await awardAction(deps, { shop: shopOf(req), memberId: req.params.id, ruleId });
    if (points === 'no-member') throw noMember();
    if (points === 'no-rule')
      throw new HttpError(404, 'not_found', 'No enabled custom action with that id', { ruleId: 'not a custom action of this program' });
    if (points === 0) throw new HttpError(409, 'limit_reached', 'This member already earned this action as often as the rule allows');
    res.status(201).json({ points });
  });

  router.post('/orders/release', async (req, res) => {
    const { orderId } = z.object({ orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/, 'an Order GID') }).parse(req.body);
    res.json({ released: await releaseOrderEarly(deps, shopOf(req), orderId) });
  });

  return router;
}
