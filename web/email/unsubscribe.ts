// A member stops one category of email (the signed one-click link, RFC 8058). Stopping marketing also tells Shopify
// (customerEmailMarketingConsentUpdate UNSUBSCRIBED), through a job that retries while Shopify cannot be reached
// (web/jobs/email-consent-to-shopify.ts); the member's stored marketing state says UNSUBSCRIBED at once, dated now, so
// an older consent webhook arriving late does not undo it.
import type pg from 'pg';
import { pgSql } from '../db/sql.js';
import type { UnsubscribeTarget } from './links.js';

/** The one queue method an unsubscribe needs (web/jobs/index.ts's Jobs has it). */
export interface ConsentQueue {
  enqueue(
    name: 'email-consent-to-shopify',
    data: { shop: string; memberId: string },
    options?: { singletonKey?: string },
  ): Promise<unknown>;
}

/**
 * Records the unsubscribe (once; again is a no-op, but a marketing one is sent to Shopify again, in case the last
 * request's job was never queued). The shop's name, or null when the member is not the shop's.
 */
export async function unsubscribe(
  deps: { pool: pg.Pool; jobs?: ConsentQueue | null },
  target: UnsubscribeTarget,
): Promise<{ shopName: string } | null> {
  const sql = pgSql(deps.pool);
  const [member] = await sql.$queryRaw<Array<{ shopName: string | null }>>`
    SELECT s.name AS "shopName" FROM "Member" m LEFT JOIN "Shop" s ON s.domain = m.shop
    WHERE m.id = ${target.memberId} AND m.shop = ${target.shop}`;
  if (!member) return null;
  await sql.$executeRaw`
    INSERT INTO "EmailUnsubscribe" (shop, "memberId", category) VALUES (${target.shop}, ${target.memberId}, ${target.category})
    ON CONFLICT DO NOTHING`;
  if (target.category === 'marketing') {
    await sql.$executeRaw`
      UPDATE "Member" SET "emailMarketingState" = 'UNSUBSCRIBED', "acceptsMarketing" = false, "emailMarketingConsentAt" = ${new Date()}, "updatedAt" = now()
      WHERE id = ${target.memberId} AND shop = ${target.shop} AND "emailMarketingState" IS DISTINCT FROM 'UNSUBSCRIBED'`;
    await deps.jobs?.enqueue('email-consent-to-shopify', target, { singletonKey: `${target.shop}:${target.memberId}` });
  }
  return { shopName: member.shopName ?? target.shop };
}

/** The shop's name for the landing page, or null when the member is not the shop's. */
export async function unsubscribePageFacts(deps: { pool: pg.Pool }, target: UnsubscribeTarget) {
  const [row] = await pgSql(deps.pool).$queryRaw<Array<{ shopName: string | null; unsubscribed: boolean }>>`
    SELECT s.name AS "shopName",
           EXISTS (SELECT 1 FROM "EmailUnsubscribe" u WHERE u.shop = m.shop AND u."memberId" = m.id AND u.category = ${target.category}) AS unsubscribed
    FROM "Member" m LEFT JOIN "Shop" s ON s.domain = m.shop WHERE m.id = ${target.memberId} AND m.shop = ${target.shop}`;
  return row ? { shopName: row.shopName ?? target.shop, unsubscribed: row.unsubscribed } : null;
}
