// The shop-local day a points digest belongs to and what the member's orders earned on it: read by the
// subscribers that decide the digest (triggers.ts) and by the message that renders it (messages/points-earned.ts),
// which is why it lives apart from both (no import cycle through the sender).
import type { Sql } from '../db/sql.js';
import { localDate } from '../loyalty/domain/time.js';
import { zonedInstant } from './schedule.js';

export async function shopTimeZone(sql: Sql, shop: string): Promise<string> {
  const [row] = await sql.$queryRaw<Array<{ tz: string }>>`SELECT "ianaTimezone" AS tz FROM "Shop" WHERE domain = ${shop}`;
  return row?.tz ?? 'UTC';
}

/** YYYY-MM-DD of `at` in the time zone. */
export function isoLocalDate(at: Date, timeZone: string): string {
  const d = localDate(at, timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The points a member's orders earned (available or pending, not voided) on one shop-local day, and how many orders. */
export async function orderPointsOfDay(sql: Sql, shop: string, memberId: string, date: string, timeZone: string) {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const from = zonedInstant(timeZone, y, m, d, 0);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const to = zonedInstant(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0);
  const [row] = await sql.$queryRaw<Array<{ points: number | null; orders: number }>>`
    SELECT sum(points)::bigint AS points, count(DISTINCT "orderId") AS orders
    FROM "PointEntry"
    WHERE shop = ${shop} AND "memberId" = ${memberId} AND kind = 'EARN' AND source = 'ORDER' AND status <> 'VOID'
      AND "createdAt" >= ${from} AND "createdAt" < ${to}`;
  return { points: Number(row?.points ?? 0), orders: Number(row?.orders ?? 0) };
}
