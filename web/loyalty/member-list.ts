// The admin's member list: search, filters, sort and cursor pagination that
// stay fast at 100,000 members. Every sort order has its own index
// (shop, column, id), and a page is a range scan from the cursor: no OFFSET.
// Members never active (lastActivityAt null) come last in either direction,
// read as a second range once the dated ones run out.
import type pg from 'pg';
import { z } from 'zod';
import { csvField } from './domain/csv.js';
import { messages } from './domain/messages.js';

export { csvField };

export const MEMBER_SORTS = { points: 'pointsAvailable', lastActivity: 'lastActivityAt', memberSince: 'createdAt' } as const;
export type MemberSort = keyof typeof MEMBER_SORTS;

const isoDate = z
  .string()
  .datetime({ offset: true, message: 'an ISO date-time' })
  .transform((s) => new Date(s));
// Bounded so the filter never overflows the column's type: a larger filter matches what the largest would.
const points = z.coerce.number().int('a whole number of points').min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** Search text: PostgreSQL text cannot hold a NUL character. */
const searchText = z
  .string()
  .trim()
  .max(100)
  .refine((s) => !s.includes('\u0000'), 'cannot contain a NUL character');

export const memberListQuery = z
  .object({
    q: searchText.optional(),
    sort: z.enum(['points', 'lastActivity', 'memberSince']).default('memberSince'),
    direction: z.enum(['asc', 'desc']).default('desc'),
    minPoints: points.optional(),
    maxPoints: points.optional(),
    activeAfter: isoDate.optional(),
    activeBefore: isoDate.optional(),
    /** Members in this tier (members not placed yet count in the lowest, as the tiers page says). */
    tierId: z.string().trim().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(300).optional(),
  })
  .refine((f) => f.minPoints === undefined || f.maxPoints === undefined || f.minPoints <= f.maxPoints, {
    path: ['maxPoints'],
    message: messages.atLeastMinimum,
  })
  .refine((f) => f.cursor === undefined || cursorFits(decodeCursor(f.cursor), f.sort), {
    path: ['cursor'],
    message: 'not a cursor of this list; start from the first page',
  });
export type MemberListQuery = z.infer<typeof memberListQuery>;

/** Where the previous page stopped: the sort value (null: among the never active) and the id. */
interface Cursor {
  v: string | number | null;
  id: string;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeCursor(text: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof c?.id === 'string' && (c.v === null || typeof c.v === 'string' || typeof c.v === 'number')) return c;
  } catch {
    // fall through
  }
  return null;
}

/** A date PostgreSQL's timestamp can hold (years 1 to 9999). */
const [EARLIEST, LATEST] = [Date.parse('0001-01-01T00:00:00Z'), Date.parse('9999-12-31T23:59:59Z')];
const isDate = (v: unknown) => {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return ms >= EARLIEST && ms <= LATEST;
};
/** Points as a number or, from a BIGINT column, a string of digits. */
const isPoints = (v: unknown) => Number.isSafeInteger(v) || (typeof v === 'string' && /^-?\d{1,18}$/.test(v));
/** Ids are short and printable. */
const isId = (id: string) => /^[\w-]{1,100}$/.test(id);

/** A cursor made by this list for this sort: a tampered one would reach the query as NaN or an invalid date. */
function cursorFits(cursor: Cursor | null, sort: MemberSort): boolean {
  if (!cursor || !isId(cursor.id)) return false;
  if (cursor.v === null) return true;
  return sort === 'points' ? isPoints(cursor.v) : isDate(cursor.v);
}

/** A cursor of a list ordered by date (a member's history): tampered ones are refused. */
export const isDateCursor = (text: string) => {
  const cursor = decodeCursor(text);
  return cursor !== null && isId(cursor.id) && isDate(cursor.v);
};

export interface MemberRow {
  id: string;
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  pointsAvailable: number;
  pointsPending: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  lastActivityAt: Date | null;
  createdAt: Date;
  redactedAt: Date | null;
  tierId: string | null;
}

const COLUMNS = `id, "customerId", email, "firstName", "lastName", "pointsAvailable", "pointsPending", "lifetimeEarned", "lifetimeRedeemed", "lastActivityAt", "createdAt", "redactedAt", "tierId"`;

/** What the list needs of the program: the lowest tier, which also holds members not placed yet. */
export interface ListContext {
  lowestTierId?: string | null;
}

/** `%text%` for ILIKE, with the user's own % and _ taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filters as SQL conditions over numbered parameters after `params`. */
function filters(shop: string, query: MemberListQuery, params: unknown[], context: ListContext): string[] {
  const add = (value: unknown) => `$${params.push(value)}`;
  const where = [`shop = ${add(shop)}`];
  // Every word of the search in the email, first or last name ("mia nowak"
  // finds Mia Nowak): each is answered by the trigram index on those columns.
  for (const word of query.q?.split(/\s+/).filter(Boolean).slice(0, 5) ?? []) {
    const w = add(contains(word));
    where.push(`(email ILIKE ${w} OR "firstName" ILIKE ${w} OR "lastName" ILIKE ${w})`);
  }
  if (query.minPoints !== undefined) where.push(`"pointsAvailable" >= ${add(query.minPoints)}::bigint`);
  if (query.maxPoints !== undefined) where.push(`"pointsAvailable" <= ${add(query.maxPoints)}::bigint`);
  if (query.activeAfter) where.push(`"lastActivityAt" >= ${add(query.activeAfter)}`);
  if (query.activeBefore) where.push(`"lastActivityAt" < ${add(query.activeBefore)}`);
  if (query.tierId)
    where.push(
      query.tierId === context.lowestTierId ? `("tierId" = ${add(query.tierId)} OR "tierId" IS NULL)` : `"tierId" = ${add(query.tierId)}`,
    );
  return where;
}

async function range(
  pool: pg.Pool,
  shop: string,
  query: MemberListQuery,
  context: ListContext,
  part: 'dated' | 'undated',
  after: Cursor | null,
  limit: number,
): Promise<MemberRow[]> {
  const column = `"${MEMBER_SORTS[query.sort]}"`;
  const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
  const cmp = query.direction === 'asc' ? '>' : '<';
  const params: unknown[] = [];
  const where = filters(shop, query, params, context);
  const add = (value: unknown) => `$${params.push(value)}`;
  if (part === 'undated') {
    where.push(`${column} IS NULL`);
    if (after) where.push(`id ${cmp} ${add(after.id)}`);
  } else {
    where.push(`${column} IS NOT NULL`);
    if (after) {
      const value = query.sort === 'points' ? Number(after.v) : new Date(String(after.v));
      where.push(`(${column}, id) ${cmp} (${add(value)}, ${add(after.id)})`);
    }
  }
  const order = part === 'undated' ? `id ${dir}` : `${column} ${dir}, id ${dir}`;
  const { rows } = await pool.query<MemberRow>(
    `SELECT ${COLUMNS} FROM "Member" WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${add(limit)}`,
    params,
  );
  return rows;
}

function cursorOf(row: MemberRow, sort: MemberSort): Cursor {
  const value = row[MEMBER_SORTS[sort]];
  return { v: value instanceof Date ? value.toISOString() : value, id: row.id };
}

/** One page of members and the cursor of the next page (null on the last). */
export async function listMembers(
  pool: pg.Pool,
  shop: string,
  query: MemberListQuery,
  context: ListContext = {},
): Promise<{ members: MemberRow[]; nextCursor: string | null }> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const want = query.limit + 1; // one more tells whether there is a next page
  const rows: MemberRow[] = [];
  if (!cursor || cursor.v !== null) rows.push(...(await range(pool, shop, query, context, 'dated', cursor, want)));
  // Only lastActivityAt can be null; the other sorts never reach the undated part.
  if (rows.length < want && query.sort === 'lastActivity') {
    rows.push(...(await range(pool, shop, query, context, 'undated', cursor?.v === null ? cursor : null, want - rows.length)));
  }
  const members = rows.slice(0, query.limit);
  const last = members.at(-1);
  return { members, nextCursor: rows.length > query.limit && last ? encodeCursor(cursorOf(last, query.sort)) : null };
}

/** Every member matching the filters, page by page (for the CSV export). */
export async function* eachMember(
  pool: pg.Pool,
  shop: string,
  query: MemberListQuery,
  context: ListContext = {},
): AsyncGenerator<MemberRow> {
  let cursor: string | undefined;
  do {
    const page = await listMembers(pool, shop, { ...query, limit: 200, cursor }, context);
    yield* page.members;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export const CSV_HEADER = [
  'customer_id',
  'email',
  'first_name',
  'last_name',
  'points_available',
  'points_pending',
  'lifetime_earned',
  'lifetime_redeemed',
  'member_since',
  'last_activity',
  'tier',
];

/** One member as a CSV line; `tierName` names their tier (members not placed yet: the lowest). */
export function csvRow(m: MemberRow, tierName: (tierId: string | null) => string | null = () => null): string {
  return [
    m.customerId,
    m.email,
    m.firstName,
    m.lastName,
    m.pointsAvailable,
    m.pointsPending,
    m.lifetimeEarned,
    m.lifetimeRedeemed,
    m.createdAt,
    m.lastActivityAt,
    tierName(m.tierId),
  ]
    .map(csvField)
    .join(',');
}

/** How many members match the filters (for the export's progress). */
export async function countMembers(pool: pg.Pool, shop: string, query: MemberListQuery, context: ListContext = {}): Promise<number> {
  const params: unknown[] = [];
  const where = filters(shop, query, params, context);
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "Member" WHERE ${where.join(' AND ')}`, params);
  return Number(rows[0]?.n ?? 0);
}
