// A member's whole points history for the admin, newest first, a page at a
// time. Pages are range scans on (shop, memberId, createdAt) from a cursor,
// so the thousandth page of a member with years of orders costs what the
// first does. Each entry says which order (by its name) or reward it is about.
import { z } from 'zod';
import type { PrismaClient } from '../db.js';
import { decodeCursor, encodeCursor } from './member-list.js';

export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
});
export type HistoryQuery = z.infer<typeof historyQuery>;

/** One ledger entry as the admin sees it (`When` is string once it has travelled as JSON). */
export interface HistoryEntry<When = Date> {
  id: string;
  kind: string;
  points: number;
  status: string;
  source: string;
  orderId: string | null;
  reason: string | null;
  actor: string | null;
  shortfall: number;
  availableAt: When | null;
  createdAt: When;
  /** The order's name as the shop shows it ("#1001"), for entries of an order. */
  orderName: string | null;
  /** What the points were spent on (or given back for), for entries of a redemption. */
  reward: { name: string; code: string | null } | null;
  /** The way to earn that gave the points (the signup bonus, a birthday…), for entries of an earn rule. */
  ruleName: string | null;
}

type LedgerRow = Omit<HistoryEntry, 'orderName' | 'reward' | 'ruleName'> & { sourceId: string | null };

/** The orders' names, the redemptions' rewards and the earn rules the entries refer to, in three lookups for the page. */
async function withDetails(prisma: PrismaClient, shop: string, rows: LedgerRow[]): Promise<HistoryEntry[]> {
  const orderIds = [...new Set(rows.flatMap((r) => (r.orderId ? [r.orderId] : [])))];
  const redemptionIds = [...new Set(rows.flatMap((r) => (r.source === 'REWARD' && r.sourceId ? [r.sourceId] : [])))];
  const ruleIds = [...new Set(rows.flatMap((r) => (r.source === 'RULE' && r.sourceId ? [r.sourceId] : [])))];
  const [orders, redemptions, rules] = await Promise.all([
    orderIds.length ? prisma.order.findMany({ where: { shop, orderId: { in: orderIds } }, select: { orderId: true, name: true } }) : [],
    redemptionIds.length
      ? prisma.redemption.findMany({
          where: { shop, id: { in: redemptionIds } },
          select: { id: true, code: true, reward: { select: { name: true } } },
        })
      : [],
    ruleIds.length ? prisma.earnRule.findMany({ where: { shop, id: { in: ruleIds } }, select: { id: true, name: true } }) : [],
  ]);
  const names = new Map(orders.map((o) => [o.orderId, o.name]));
  const rewards = new Map(redemptions.map((r) => [r.id, { name: r.reward.name, code: r.code }]));
  const ruleNames = new Map(rules.map((r) => [r.id, r.name]));
  return rows.map(({ sourceId, ...r }) => ({
    ...r,
    orderName: (r.orderId && names.get(r.orderId)) ?? null,
    reward: (r.source === 'REWARD' && sourceId && rewards.get(sourceId)) || null,
    ruleName: (r.source === 'RULE' && sourceId && ruleNames.get(sourceId)) || null,
  }));
}

/** One page of the member's entries and the cursor of the next (null on the last). */
export async function memberHistory(
  prisma: PrismaClient,
  shop: string,
  memberId: string,
  query: HistoryQuery,
): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const at = cursor && typeof cursor.v === 'string' ? new Date(cursor.v) : null;
  // Entries written in the same millisecond are told apart by id.
  const after = at ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: cursor!.id } }] } : {};
  const rows = await prisma.pointEntry.findMany({
    where: { shop, memberId, ...after },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    select: {
      id: true,
      kind: true,
      points: true,
      status: true,
      source: true,
      sourceId: true,
      orderId: true,
      reason: true,
      actor: true,
      shortfall: true,
      availableAt: true,
      createdAt: true,
    },
  });
  const entries = await withDetails(prisma, shop, rows.slice(0, query.limit));
  const last = entries.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ v: last.createdAt.toISOString(), id: last.id }) : null;
  return { entries, nextCursor };
}
