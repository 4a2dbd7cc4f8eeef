// A member's whole points history for the admin, newest first, a page at a
// time. Pages are range scans on (shop, memberId, createdAt) from a cursor,
// so the thousandth page of a member with years of orders costs what the
// first does.
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
    select: { id: true, kind: true, points: true, status: true, source: true, orderId: true, reason: true, actor: true, shortfall: true, availableAt: true, createdAt: true },
  });
  const entries = rows.slice(0, query.limit);
  const last = entries.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ v: last.createdAt.toISOString(), id: last.id }) : null;
  return { entries, nextCursor };
}
