// Shopify's mandatory privacy requests (GDPR/CCPA). Raw SQL: these run inside
// the webhook transaction (web/db/sql.ts).
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import type { LoyaltyDeps } from './services.js';
import { guestCustomerId } from './members.js';
import { REDACTED_KEY } from './order-points.js';
import { deleteCustomerCheckouts } from './checkouts.js';
import { anonymiseSurveyResponses } from '../surveys/redaction.js';

const GUEST_PREFIX = guestCustomerId('');

async function recordRequest(
  sql: Sql,
  r: { shop: string; topic: string; customerId?: string | null; dataRequestId?: string | null; exported?: object | null },
) {
  const id = randomUUID();
  await sql.$executeRaw`
    INSERT INTO "ComplianceRequest" (id, shop, topic, "customerId", "dataRequestId", export, "completedAt")
    SELECT ${id}, ${r.shop}, ${r.topic}::"ComplianceTopic", ${r.customerId ?? null}, ${r.dataRequestId ?? null},
           ${r.exported ? JSON.stringify(r.exported) : null}::jsonb, now()
    WHERE EXISTS (SELECT 1 FROM "Shop" WHERE domain = ${r.shop})`;
  return id;
}

/**
 * customers/redact: erase the customer's personal data. The member row and
 * its ledger stay, anonymised, so the shop's point totals and liability
 * remain true; nothing left can identify the shopper. Their orders stay in
 * the analytics under tokens instead of who they were: the account's orders
 * under the member's new id; guest orders keyed by their email (the
 * request's, the one the member had) or named in the request, under one
 * token per email, so customer counts stay right.
 */
export async function redactCustomer(
  sql: Sql,
  shop: string,
  customerId: string,
  request: { email?: string | null; orderIds?: readonly string[] } = {},
): Promise<boolean> {
  const token = `${REDACTED_KEY}${randomUUID()}`;
  const rows = await sql.$queryRaw<Array<{ id: string; email: string | null }>>`
    WITH before AS (SELECT id, email FROM "Member" WHERE shop = ${shop} AND "customerId" = ${customerId} FOR UPDATE)
    UPDATE "Member" m SET "customerId" = ${token}, email = NULL, "firstName" = NULL, "lastName" = NULL,
      birthday = NULL, "acceptsMarketing" = false, "redactedAt" = now(), "updatedAt" = now()
    FROM before WHERE m.id = before.id
    RETURNING m.id, before.email`;
  const member = rows[0];
  if (member) {
    // Admins' free-text reasons may name the shopper; the points themselves stay.
    await sql.$executeRaw`UPDATE "PointEntry" SET reason = NULL WHERE "memberId" = ${member.id} AND reason IS NOT NULL`;
    await sql.$executeRaw`UPDATE "Order" SET "guestEmail" = NULL WHERE "memberId" = ${member.id}`;
    await sql.$executeRaw`DELETE FROM "MemberDevice" WHERE shop = ${shop} AND "memberId" = ${member.id}`;
  }
  await sql.$executeRaw`UPDATE "Order" SET "customerKey" = ${token} WHERE shop = ${shop} AND "customerKey" = ${customerId}`;
  const emails = [...new Set([request.email, member?.email].map((e) => e?.trim().toLowerCase()).filter((e): e is string => Boolean(e)))];
  // Checkouts kept for the abandoned_checkout email hold the address and the link back: deleted.
  await deleteCustomerCheckouts(sql, shop, { customerId, memberId: member?.id ?? null, emails });
  if (emails.length > 0 || request.orderIds?.length) {
    // One token per email, from a salt forgotten after these statements: an email's orders still count as one customer, and
    // nothing leads back to it. Rows the backfill (web/jobs/backfill-order-sales.ts) has not reached are found by their guest email.
    const salt = randomUUID();
    await sql.$executeRaw`
      UPDATE "Order" SET "customerKey" = ${REDACTED_KEY} || md5(${salt} || COALESCE("customerKey", lower(btrim("guestEmail")))), "guestEmail" = NULL
      WHERE shop = ${shop} AND facts->>'customerId' IS NULL AND ("customerKey" IS NULL OR "customerKey" NOT LIKE 'redacted:%')
        AND (COALESCE("customerKey", lower(btrim("guestEmail"))) = ANY(${emails}::text[]) OR "orderId" = ANY(${request.orderIds ?? []}::text[]))`;
    // The member its guest orders held points under ('guest:<email>', web/loyalty/members.ts) is the same shopper.
    await sql.$executeRaw`
      UPDATE "Member" SET "customerId" = ${REDACTED_KEY} || md5(${salt} || substr("customerId", ${GUEST_PREFIX.length + 1})), email = NULL,
        "firstName" = NULL, "lastName" = NULL, birthday = NULL, "acceptsMarketing" = false, "redactedAt" = now(), "updatedAt" = now()
      WHERE shop = ${shop} AND ("customerId" = ANY(${emails.map(guestCustomerId)}::text[])
        OR ("customerId" LIKE 'guest:%' AND id IN (SELECT "memberId" FROM "Order" WHERE shop = ${shop} AND "orderId" = ANY(${request.orderIds ?? []}::text[]))))`;
  }
  // As a referred friend: the referral stays (the referrer's reward depends on it), without who the friend was.
  await sql.$executeRaw`
    UPDATE "Referral" SET "friendCustomerId" = NULL, "friendEmail" = NULL, "deviceId" = NULL
    WHERE shop = ${shop} AND ("friendCustomerId" = ${customerId} OR (${member?.id ?? null}::text IS NOT NULL AND "friendMemberId" = ${member?.id ?? null}))`;
  // Survey answers stay counted, anonymised.
  await anonymiseSurveyResponses(sql, shop, { customerId, memberId: member?.id ?? null, orderIds: request.orderIds });
  await recordRequest(sql, { shop, topic: 'CUSTOMERS_REDACT', customerId });
  return member !== undefined;
}

/** shop/redact: the shop uninstalled 48 hours ago; delete everything we hold for it. */
export async function redactShop(sql: Sql, shop: string, keepDeliveryId: string): Promise<void> {
  // Members, orders, ledger, program, rules, rewards and compliance records cascade from the shop.
  await sql.$executeRaw`DELETE FROM "StoreCreditDebit" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Redemption" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Referral" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "ReferralCode" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "MemberDevice" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Checkout" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "ShopifyResource" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Shop" WHERE domain = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Session" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Refund" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "SurveyResponse" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "SurveyInvite" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Survey" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "Event" WHERE shop = ${shop}`;
  await sql.$executeRaw`DELETE FROM "WebhookDelivery" WHERE shop = ${shop} AND id <> ${keepDeliveryId}`;
}

/** customers/data_request: everything we hold about the customer, for the merchant to send them. */
export async function exportCustomerData(sql: Sql, shop: string, input: { customerId: string; dataRequestId: string }) {
  const [member] = await sql.$queryRaw<Array<Record<string, unknown> & { id: string }>>`
    SELECT id, "customerId", email, "firstName", "lastName", to_char(birthday, 'YYYY-MM-DD') AS birthday, "acceptsMarketing",
           "createdAt", "pointsAvailable", "pointsPending", "lifetimeEarned", "lifetimeRedeemed",
           "tierId", (SELECT name FROM "Tier" t WHERE t.id = "Member"."tierId") AS "tierName", "tierReachedAt", "tierKeptUntil"
    FROM "Member" WHERE shop = ${shop} AND "customerId" = ${input.customerId}`;
  let data: object | null = null;
  if (member) {
    const entries = await sql.$queryRaw<Array<Record<string, unknown>>>`
      SELECT "createdAt" AS at, kind, points, status, source, reason FROM "PointEntry" WHERE "memberId" = ${member.id} ORDER BY "createdAt"`;
    const orders = await sql.$queryRaw<Array<Record<string, unknown>>>`
      SELECT "orderId", name, "totalMinor", "currencyCode", "processedAt" FROM "Order" WHERE "memberId" = ${member.id} ORDER BY "processedAt"`;
    const referrals = await sql.$queryRaw<Array<Record<string, unknown>>>`
      SELECT CASE WHEN "referrerId" = ${member.id} THEN 'referrer' ELSE 'friend' END AS role, status, reason, "orderId", "createdAt"
      FROM "Referral" WHERE shop = ${shop} AND ("referrerId" = ${member.id} OR "friendMemberId" = ${member.id} OR "friendCustomerId" = ${input.customerId})
      ORDER BY "createdAt"`;
    const [code] = await sql.$queryRaw<
      Array<{ code: string }>
    >`SELECT code FROM "ReferralCode" WHERE shop = ${shop} AND "memberId" = ${member.id}`;
    const tierHistory = await sql.$queryRaw<Array<Record<string, unknown>>>`
      SELECT "createdAt" AS at, "fromName" AS "from", "toName" AS "to", reason FROM "TierChange" WHERE "memberId" = ${member.id} ORDER BY "createdAt"`;
    // Checkouts kept for the abandoned_checkout email (web/loyalty/checkouts.ts); their resume link is a credential, left out.
    const checkouts = await sql.$queryRaw<Array<Record<string, unknown>>>`
      SELECT email, "subtotalMinor" AS "earnBaseMinor", "currencyCode", "sourceUpdatedAt" AS "updatedAt", "completedAt", "remindedAt"
      FROM "Checkout" WHERE shop = ${shop} AND ("memberId" = ${member.id} OR "customerId" = ${input.customerId}) ORDER BY "sourceUpdatedAt"`;
    data = {
      customerId: member.customerId,
      email: member.email,
      firstName: member.firstName,
      lastName: member.lastName,
      birthday: member.birthday,
      acceptsMarketing: member.acceptsMarketing,
      enrolledAt: member.createdAt,
      balances: {
        available: member.pointsAvailable,
        pending: member.pointsPending,
        lifetimeEarned: member.lifetimeEarned,
        lifetimeRedeemed: member.lifetimeRedeemed,
      },
      pointsHistory: entries,
      referralCode: code?.code ?? null,
      referrals,
      tier: member.tierId
        ? { id: member.tierId, name: member.tierName, reachedAt: member.tierReachedAt, keptUntil: member.tierKeptUntil }
        : null,
      tierHistory,
      checkouts,
      orders: orders.map((o) => ({
        orderId: o.orderId,
        name: o.name,
        total: { minorUnits: o.totalMinor, currencyCode: o.currencyCode },
        processedAt: o.processedAt,
      })),
    };
  }
  const id = await recordRequest(sql, {
    shop,
    topic: 'CUSTOMERS_DATA_REQUEST',
    customerId: input.customerId,
    dataRequestId: input.dataRequestId,
    exported: { shop, generatedAt: new Date().toISOString(), member: data },
  });
  return { id, found: member !== undefined };
}

/** The shop's privacy requests for the admin, newest first. */
export function listComplianceRequests({ prisma }: Pick<LoyaltyDeps, 'prisma'>, shop: string) {
  return prisma.complianceRequest.findMany({
    where: { shop },
    orderBy: { createdAt: 'desc' },
    take: 100,
    select: { id: true, topic: true, customerId: true, dataRequestId: true, createdAt: true, completedAt: true },
  });
}

/** One privacy request with what it exported; null when not the shop's. */
export function findComplianceRequest({ prisma }: Pick<LoyaltyDeps, 'prisma'>, shop: string, id: string) {
  return prisma.complianceRequest.findFirst({ where: { id, shop } });
}
