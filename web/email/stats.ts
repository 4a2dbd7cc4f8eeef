// What each shopper email did, for the messages Tally decided to send in a range of local days (the shop's time
// zone, from..to both included), in one set-based statement:
//  - sent, bounced: the range's sends by their status now;
//  - clicked: those sends with at least one click (EmailSend.clickedAt, set by the signed click redirect);
//  - unsubscribed: unsubscribes from a category, each counted for the last message of that category the member had
//    been sent before unsubscribing (one of the range's sends);
//  - attributedOrders, attributedNetSalesMinor: a member's order (a sale: netSalesMinor not null, not cancelled)
//    placed within 7 days after a click on one of the range's sends to that member, each order counted once, for the
//    message of the latest such click;
//  - repeat-purchase rate (../shared/METRICS.md: customers with ≥ 2 orders in the range ÷ customers with an order in
//    it) of members who were sent the message in the range against members with an order in the range who were not.
import type pg from 'pg';
import { shopContext, utcStartOf, type DayRange } from '../analytics/range.js';
import { emailMessages } from './messages/index.js';

/** An order this long after a click is attributed to the clicked message. */
export const ATTRIBUTION_DAYS = 7;

export interface MessageStats {
  key: string;
  sent: number;
  bounced: number;
  unsubscribed: number;
  clicked: number;
  attributedOrders: number;
  attributedNetSalesMinor: number;
  repeatPurchase: {
    /** Members sent the message who ordered in the range, and the share of them with 2+ orders (null: none). */
    recipients: { customers: number; rate: number | null };
    /** Members not sent the message who ordered in the range. */
    others: { customers: number; rate: number | null };
  };
}

interface Row {
  key: string;
  sent: number;
  bounced: number;
  clicked: number;
  unsubscribed: number;
  attributedOrders: number;
  attributedNet: number;
  recipientBuyers: number;
  recipientRepeat: number;
  otherBuyers: number;
  otherRepeat: number;
}

export async function emailStats(deps: { pool: pg.Pool }, shop: string, range: DayRange) {
  const ctx = await shopContext(deps.pool, shop);
  const start = utcStartOf('$2::date', '$4');
  const end = utcStartOf('$3::date + 1', '$4');
  const { rows } = await deps.pool.query<Row>(
    `WITH sends AS (
       SELECT s.id, s.key, s."memberId", s.status, s."clickedAt"
       FROM "EmailSend" s WHERE s.shop = $1 AND s."createdAt" >= ${start} AND s."createdAt" < ${end}
     ),
     per_key AS (
       SELECT key, count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'bounced') AS bounced,
              count(*) FILTER (WHERE "clickedAt" IS NOT NULL) AS clicked
       FROM sends GROUP BY key
     ),
     unsubscribed AS (
       SELECT last.key, count(*) AS n
       FROM "EmailUnsubscribe" u
       CROSS JOIN LATERAL (
         SELECT s.key FROM "EmailSend" s
         WHERE s.shop = u.shop AND s."memberId" = u."memberId" AND s.category = u.category AND s.status = 'sent'
           AND s."sentAt" <= u."createdAt"
         ORDER BY s."sentAt" DESC LIMIT 1
       ) last
       WHERE u.shop = $1 AND u."createdAt" >= ${start}
         AND EXISTS (SELECT 1 FROM sends r WHERE r."memberId" = u."memberId" AND r.key = last.key AND r.status = 'sent')
       GROUP BY last.key
     ),
     attributed AS (
       SELECT last.key, count(*) AS orders, sum(o."netSalesMinor")::bigint AS net
       FROM "Order" o
       CROSS JOIN LATERAL (
         SELECT s.key FROM "EmailClick" c JOIN "EmailSend" s ON s.id = c."sendId"
         WHERE s.shop = $1 AND s."memberId" = o."memberId" AND s."createdAt" >= ${start} AND s."createdAt" < ${end}
           AND c."createdAt" <= o."processedAt" AND c."createdAt" > o."processedAt" - make_interval(days => $5::int)
         ORDER BY c."createdAt" DESC LIMIT 1
       ) last
       WHERE o.shop = $1 AND o."memberId" IS NOT NULL AND o."netSalesMinor" IS NOT NULL AND o."cancelledAt" IS NULL
         AND o."processedAt" >= ${start}
       GROUP BY last.key
     ),
     buyers AS (
       SELECT o."memberId", count(*) AS orders FROM "Order" o
       WHERE o.shop = $1 AND o."memberId" IS NOT NULL AND o."netSalesMinor" IS NOT NULL AND o."cancelledAt" IS NULL
         AND o."processedAt" >= ${start} AND o."processedAt" < ${end}
       GROUP BY o."memberId"
     ),
     recipients AS (SELECT DISTINCT key, "memberId" FROM sends WHERE status = 'sent'),
     repeat AS (
       SELECT k.key,
              count(*) FILTER (WHERE r."memberId" IS NOT NULL) AS "recipientBuyers",
              count(*) FILTER (WHERE r."memberId" IS NOT NULL AND b.orders >= 2) AS "recipientRepeat",
              count(*) FILTER (WHERE r."memberId" IS NULL) AS "otherBuyers",
              count(*) FILTER (WHERE r."memberId" IS NULL AND b.orders >= 2) AS "otherRepeat"
       FROM per_key k CROSS JOIN buyers b
       LEFT JOIN recipients r ON r.key = k.key AND r."memberId" = b."memberId"
       GROUP BY k.key
     )
     SELECT k.key, k.sent, k.bounced, k.clicked, COALESCE(u.n, 0) AS unsubscribed,
            COALESCE(a.orders, 0) AS "attributedOrders", COALESCE(a.net, 0) AS "attributedNet",
            COALESCE(p."recipientBuyers", 0) AS "recipientBuyers", COALESCE(p."recipientRepeat", 0) AS "recipientRepeat",
            COALESCE(p."otherBuyers", (SELECT count(*) FROM buyers)) AS "otherBuyers",
            COALESCE(p."otherRepeat", (SELECT count(*) FROM buyers WHERE orders >= 2)) AS "otherRepeat"
     FROM per_key k
     LEFT JOIN unsubscribed u ON u.key = k.key
     LEFT JOIN attributed a ON a.key = k.key
     LEFT JOIN repeat p ON p.key = k.key`,
    [shop, range.from, range.to, ctx.timeZone, ATTRIBUTION_DAYS],
  );
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const rate = (repeat: number, customers: number) => (customers > 0 ? repeat / customers : null);
  const messages: MessageStats[] = emailMessages.map(({ key }) => {
    const r = byKey.get(key);
    return {
      key,
      sent: Number(r?.sent ?? 0),
      bounced: Number(r?.bounced ?? 0),
      unsubscribed: Number(r?.unsubscribed ?? 0),
      clicked: Number(r?.clicked ?? 0),
      attributedOrders: Number(r?.attributedOrders ?? 0),
      attributedNetSalesMinor: Number(r?.attributedNet ?? 0),
      repeatPurchase: {
        recipients: {
          customers: Number(r?.recipientBuyers ?? 0),
          rate: r ? rate(Number(r.recipientRepeat), Number(r.recipientBuyers)) : null,
        },
        others: { customers: Number(r?.otherBuyers ?? 0), rate: r ? rate(Number(r.otherRepeat), Number(r.otherBuyers)) : null },
      },
    };
  });
  return { from: range.from, to: range.to, timeZone: ctx.timeZone, currencyCode: ctx.currencyCode, messages };
}
