// Points for orders. Every order topic and every refund ends in settle():
// under a lock on the order row, the points the order should hold now
// (awarded × net base ÷ earn base, at the rate used when awarded) are
// compared with what its entries already hold, and the difference is
// appended. So deliveries may come twice, late, out of order or in parallel:
// the order converges on one figure and never counts anything twice.
import { randomUUID } from 'node:crypto';
import type { Sql as Tx } from '../db/sql.js';
import type { OrderFacts, RefundFacts } from './domain/order-facts.js';
import { DEFAULT_EARN_BASE_OPTIONS, netBaseMinor, earnBaseMinor } from './domain/earn-base.js';
import { applyMultiplier, orderTargetPoints } from './domain/points.js';
import { evaluateRule, ruleType } from './domain/rules/index.js';
import { applyCampaigns } from './domain/rules/campaigns.js';
import { creditExpiresAt } from './domain/program.js';
import { clawBack, earn, hold, release, voidPending } from './ledger.js';
import { enrolMember, guestCustomerId, type CustomerProfile } from './members.js';
import type { LoadedProgram } from './program.js';
import { cancelReferral } from './referrals/settlement.js';
import { reverseCashback, type ReleasedOrder } from './cashback.js';
import type { DomainEvent, StoredEvent } from '../events/catalog.js';
import { emit, emitted, fragment, joinFragments, outboxCteWhen, prepare, runFragment } from '../events/emit.js';
import { workUnder } from './working-program.js';
import { programFor } from './segment-campaigns.js';
import { checkoutCompletedCte } from './checkout-completion.js';

/** Financial states in which an order has been paid for (fully or partly). */
const PAID = new Set(['paid', 'partially_paid', 'partially_refunded', 'refunded']);

/** Whether the order is in a paid state now (an order seen so once stays a sale: its paidAt is sticky). */
export const isPaidStatus = (financialStatus: string | null) => PAID.has(financialStatus ?? '');

/**
 * The order's net sales for analytics (../shared/METRICS.md): line items after
 * discounts less refunded lines, without tax, shipping, tips or gift cards —
 * the default earn base, whatever the shop's program counts for points.
 */
export const netSalesMinor = (facts: OrderFacts, refunds: readonly RefundFacts[]) =>
  netBaseMinor(facts, DEFAULT_EARN_BASE_OPTIONS, refunds);

/** An order's customer for analytics: the Shopify customer, else the guest's normalised email (null: neither). */
export const customerKeyOf = (facts: Pick<OrderFacts, 'customerId' | 'email'>) =>
  facts.customerId ?? (facts.email?.trim().toLowerCase() || null);

/** customerKey and guest emails of a customer erased on request (web/loyalty/compliance.ts) start with this; never overwritten. */
export const REDACTED_KEY = 'redacted:';

interface LockedOrder {
  id: string;
  orderId: string;
  memberId: string | null;
  facts: OrderFacts | null;
  earnBaseMinor: number | null;
  pointsAwarded: number;
  pointsAvailableAt: Date | null;
  pointsReleasedAt: Date | null;
  spentMinor: number;
  /** spentMinor before this delivery (0 for an order this delivery inserted). */
  spentBefore: number;
  /** The spend order.paid stated, when this delivery's statement wrote it (the order's first count). */
  paidSpent?: number;
  refunds: RefundFacts[];
  /** What the order's entries hold now: points, counting clawback shortfalls as taken. */
  held: number;
  /** Net sales as stored (null: not a sale). */
  netSalesMinor: number | null;
}

/** Dates travel through JSON in `facts`; bring them back. */
function reviveFacts(facts: OrderFacts): OrderFacts {
  return { ...facts, processedAt: new Date(facts.processedAt), updatedAt: new Date(facts.updatedAt) };
}

const revive = (row: (LockedOrder & { inserted?: boolean }) | undefined): LockedOrder | null =>
  row ? { ...row, facts: row.facts ? reviveFacts(row.facts) : null, spentBefore: row.inserted ? 0 : row.spentMinor } : null;

/**
 * Serialises the transactions of one order. An order delivery locks the
 * member (enrolment) and then the order; a refund or a release starts from
 * the order and then credits the member. Taken first by all three, this
 * lock keeps them from holding the two rows in opposite orders (a deadlock
 * that racing orders/updated and refunds/create did hit on PostgreSQL).
 */
async function serialiseOrder(tx: Tx, shop: string, orderId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${orderLockKey(shop, orderId)}, 0))`;
}

/**
 * The key of that lock. The webhook intake takes it within its first
 * statement (a handler's `serialiseOn`), saving the round trip; such
 * callers pass `{ serialised: true }`.
 */
export const orderLockKey = (shop: string, orderId: string) => `${shop}/${orderId}`;

interface ApplyOptions {
  /** The caller already holds the order's lock (orderLockKey) in this transaction. */
  serialised?: boolean;
}

async function lockOrder(tx: Tx, shop: string, orderId: string): Promise<LockedOrder | null> {
  const rows = await tx.$queryRaw<LockedOrder[]>`
    SELECT o.id, o."orderId", o."memberId", o.facts, o."earnBaseMinor", o."pointsAwarded", o."pointsAvailableAt", o."pointsReleasedAt", o."spentMinor",
      o."netSalesMinor", (SELECT COALESCE(json_agg(r.facts), '[]'::json) FROM "Refund" r WHERE r.shop = o.shop AND r."orderId" = o."orderId") AS refunds,
      (SELECT COALESCE(sum(e.points - e.shortfall), 0)::bigint FROM "PointEntry" e
        WHERE e.shop = o.shop AND e."orderId" = o."orderId" AND e.status <> 'VOID') AS held
    FROM "Order" o WHERE o.shop = ${shop} AND o."orderId" = ${orderId}
    FOR UPDATE OF o`;
  return revive(rows[0]);
}

/**
 * Stores the order's latest state (a payload older than the stored one
 * changes nothing). When it wrote, the row is locked and returned as
 * settle() needs it, saving a round trip; otherwise null. When this payload
 * fixes the order's award (its first paid state), the same statement writes
 * the order.paid event, whose subscribers then run (a referred friend's
 * first order qualifies the referral before the order's points can be released).
 */
async function storeOrder(
  tx: Tx,
  shop: string,
  input: {
    facts: OrderFacts;
    memberId: string | null;
    totalMinor: number;
    name: string;
    award: Award | null;
    spentMinor: number;
    now: Date;
  },
): Promise<LockedOrder | null> {
  const { facts, memberId, totalMinor, name, award, now } = input;
  const stored = { ...facts, email: null }; // personal data stays out of the facts
  // Analytics: a sale from the first paid delivery on (paidAt sticks), its net from this payload's refunds (applyOrder adds
  // refunds stored apart); a cancelled order is no sale. A customer erased on request keeps its token (REDACTED_KEY).
  const paidAt = isPaidStatus(facts.financialStatus) ? now : null;
  const net = facts.cancelled ? null : netSalesMinor(facts, facts.refunds);
  const upsert = fragment`
    INSERT INTO "Order" (id, shop, "orderId", "memberId", name, "currencyCode", "totalMinor", "financialStatus", "cancelledAt",
                         "processedAt", "sourceUpdatedAt", facts, "guestEmail", "earnBaseMinor", "pointsAwarded", "awardedAt",
                         "pointsAvailableAt", "spentMinor", "customerKey", "paidAt", "netSalesMinor", "updatedAt")
    VALUES (${randomUUID()}, ${shop}, ${facts.orderId}, ${memberId}, ${name}, ${facts.currency}, ${totalMinor},
            ${facts.financialStatus}, ${facts.cancelled ? facts.updatedAt : null}, ${facts.processedAt}, ${facts.updatedAt},
            ${JSON.stringify(stored)}::jsonb, ${facts.customerId ? null : facts.email},
            ${award?.earnBaseMinor ?? null}::bigint, ${award?.pointsAwarded ?? 0}, ${award ? now : null}::timestamp,
            ${award?.pointsAvailableAt ?? null}::timestamp, ${input.spentMinor}, ${customerKeyOf(facts)},
            ${paidAt}::timestamp, ${paidAt ? net : null}::bigint, now())
    ON CONFLICT (shop, "orderId") DO UPDATE SET
      "memberId" = COALESCE("Order"."memberId", EXCLUDED."memberId"), name = EXCLUDED.name,
      "currencyCode" = EXCLUDED."currencyCode", "totalMinor" = EXCLUDED."totalMinor",
      "financialStatus" = EXCLUDED."financialStatus", "cancelledAt" = EXCLUDED."cancelledAt",
      "processedAt" = EXCLUDED."processedAt", "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt",
      facts = EXCLUDED.facts, "updatedAt" = now(),
      "guestEmail" = CASE WHEN "Order"."customerKey" LIKE 'redacted:%' THEN NULL ELSE EXCLUDED."guestEmail" END,
      "customerKey" = CASE WHEN "Order"."customerKey" LIKE 'redacted:%' THEN "Order"."customerKey" ELSE EXCLUDED."customerKey" END,
      "paidAt" = COALESCE("Order"."paidAt", EXCLUDED."paidAt"),
      "netSalesMinor" = CASE WHEN COALESCE("Order"."paidAt", EXCLUDED."paidAt") IS NOT NULL THEN ${net}::bigint END,
      -- The award is fixed once: only an order not yet awarded takes this payload's (it is the newest state).
      "earnBaseMinor" = COALESCE("Order"."earnBaseMinor", EXCLUDED."earnBaseMinor"),
      "pointsAwarded" = CASE WHEN "Order"."earnBaseMinor" IS NULL THEN EXCLUDED."pointsAwarded" ELSE "Order"."pointsAwarded" END,
      "awardedAt" = COALESCE("Order"."awardedAt", EXCLUDED."awardedAt"),
      "pointsAvailableAt" = CASE WHEN "Order"."earnBaseMinor" IS NULL THEN EXCLUDED."pointsAvailableAt" ELSE "Order"."pointsAvailableAt" END
    WHERE "Order"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt"
    RETURNING id, "orderId", "memberId", facts, "earnBaseMinor", "pointsAwarded", "pointsAvailableAt", "pointsReleasedAt", "spentMinor", (xmax = 0) AS inserted,
      "netSalesMinor",
      (SELECT COALESCE(json_agg(r.facts), '[]'::json) FROM "Refund" r WHERE r.shop = ${shop} AND r."orderId" = ${facts.orderId}) AS refunds,
      (SELECT COALESCE(sum(e.points - e.shortfall), 0)::bigint FROM "PointEntry" e
        WHERE e.shop = ${shop} AND e."orderId" = ${facts.orderId} AND e.status <> 'VOID') AS held`;
  const paid = award ? prepare(orderPaid(shop, memberId, facts, award, input.spentMinor, now)) : null;
  // The checkout this order completed gets no abandoned_checkout email (web/loyalty/checkouts.ts): marked in this
  // statement, no round trip of its own. A row is made if its checkouts/* webhook has not come yet; that webhook
  // keeps the mark.
  const checkout = facts.checkoutToken ? checkoutCompletedCte(shop, facts.checkoutToken, facts.currency, now) : null;
  if (!paid)
    return revive(
      (await runFragment<LockedOrder[]>(tx, checkout ? joinFragments(fragment`WITH `, checkout, fragment` `, upsert) : upsert))[0],
    );
  // The event is written only if the order had no award before this statement (prev sees the row as it was).
  const statement = joinFragments(
    fragment`WITH prev AS (SELECT "earnBaseMinor" FROM "Order" WHERE shop = ${shop} AND "orderId" = ${facts.orderId}), `,
    checkout ? joinFragments(checkout, fragment`, `) : fragment``,
    fragment`o AS (`,
    upsert,
    fragment`), `,
    outboxCteWhen(paid, 'o', fragment`NOT EXISTS (SELECT 1 FROM prev WHERE prev."earnBaseMinor" IS NOT NULL)`),
    fragment`
    SELECT o.*, (SELECT count(*) FROM ev)::int AS "paidEvent" FROM o`,
  );
  const [row] = await runFragment<Array<LockedOrder & { paidEvent: number }>>(tx, statement);
  if (row?.paidEvent) await emitted(tx, { ...paid, memberId: row.memberId } as StoredEvent);
  const locked = revive(row);
  return locked && row?.paidEvent ? { ...locked, paidSpent: paid.data.spentMinor } : locked;
}

/** order.paid: the order counted for the first time, its award fixed. */
function orderPaid(
  shop: string,
  memberId: string | null,
  facts: OrderFacts,
  award: Award,
  spentMinor: number,
  now: Date,
): DomainEvent<'order.paid'> {
  const data = {
    orderId: facts.orderId,
    points: award.pointsAwarded,
    spentMinor,
    discountCodes: facts.discountCodes,
    referralCode: facts.referral?.code ?? null,
  };
  return { type: 'order.paid', shop, memberId, cause: `order:${facts.orderId}`, at: now, data };
}

/** The order as stored, with the email its shopper is known by (stored facts keep no personal data), for order.paid's subscribers. */
export async function storedOrder(tx: Tx, shop: string, orderId: string): Promise<{ facts: OrderFacts; email: string | null } | null> {
  const [row] = await tx.$queryRaw<Array<{ facts: OrderFacts | null; email: string | null }>>`
    SELECT o.facts, COALESCE(o."guestEmail", m.email) AS email FROM "Order" o LEFT JOIN "Member" m ON m.id = o."memberId"
    WHERE o.shop = ${shop} AND o."orderId" = ${orderId}`;
  return row?.facts ? { facts: reviveFacts(row.facts), email: row.email } : null;
}

async function storeRefund(tx: Tx, shop: string, refund: RefundFacts): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "Refund" (id, shop, "refundId", "orderId", facts)
    VALUES (${randomUUID()}, ${shop}, ${refund.refundId}, ${refund.orderId}, ${JSON.stringify(refund)}::jsonb)
    ON CONFLICT (shop, "refundId") DO NOTHING`;
  return inserted === 1;
}

export interface OrderInput {
  facts: OrderFacts;
  /** Name and total as Shopify shows them (analytics); the points use `facts`. */
  name: string;
  totalMinor: number;
  customer: CustomerProfile | null;
}

/** orders/create, paid, updated, cancelled: record, then settle the order's points. */
export async function applyOrder(
  tx: Tx,
  shop: string,
  program: LoadedProgram | null,
  input: OrderInput,
  key: string,
  now = new Date(),
  options: ApplyOptions = {},
) {
  const { facts } = input;
  workUnder(tx, program);
  if (!options.serialised) await serialiseOrder(tx, shop, facts.orderId);
  const profile = input.customer ?? (facts.email ? { customerId: guestCustomerId(facts.email), email: facts.email } : null);
  const member = profile ? await enrolMember(tx, shop, program, profile, now, 'order') : null;
  const memberId = member?.id ?? null;
  // Refunds first, so the order row's RETURNING already counts them.
  for (const refund of facts.refunds) await storeRefund(tx, shop, refund);
  // The award rides on the same statement (one round trip fewer for the usual orders/paid).
  // Campaigns for a segment boost only its members (segment-campaigns.ts: a query only while one is in force).
  const earning = program && isPaidStatus(facts.financialStatus) ? await programFor(tx, program, memberId, facts.processedAt) : program;
  const award = awardOf(earning, facts, now, member?.tierId ?? null);
  // A new order's spent is written with it (settle corrects it if stored refunds say otherwise): one statement fewer.
  const spentMinor = award && program ? netBaseMinor(facts, program.earnBase, facts.refunds) : 0;
  const locked = await storeOrder(tx, shop, { facts, memberId, totalMinor: input.totalMinor, name: input.name, award, spentMinor, now });
  if (locked) await countStoredRefunds(tx, locked);
  return program ? settle(tx, program, facts.orderId, key, now, locked) : null;
}

/** refunds/create: record the refund; if its order is known, settle it (else the order settles when it arrives). */
export async function applyRefund(
  tx: Tx,
  shop: string,
  program: LoadedProgram | null,
  refund: RefundFacts,
  key: string,
  now = new Date(),
  options: ApplyOptions = {},
) {
  workUnder(tx, program);
  if (!options.serialised) await serialiseOrder(tx, shop, refund.orderId);
  if (!(await storeRefund(tx, shop, refund))) return null;
  const order = await lockOrder(tx, shop, refund.orderId);
  if (!order) return null;
  await countStoredRefunds(tx, order);
  return program ? settle(tx, program, refund.orderId, key, now, order) : null;
}

/**
 * Net sales counting every refund stored for the order (refunds/create may
 * come before or after the order, or only some of them listed in its
 * payload): one statement, only when they change the figure.
 */
async function countStoredRefunds(tx: Tx, order: LockedOrder): Promise<void> {
  if (order.netSalesMinor === null || !order.facts) return;
  const net = netSalesMinor(order.facts, order.refunds);
  if (net === order.netSalesMinor) return;
  await tx.$executeRaw`UPDATE "Order" SET "netSalesMinor" = ${net} WHERE id = ${order.id}`;
  order.netSalesMinor = net;
}

/**
 * The points an order's purchase rules give at the order's time: campaigns
 * included, then the member's tier multiplier (a perk, so it stacks with a
 * campaign: Gold's 1.5× on a double-points weekend is 3×).
 */
export function awardFor(program: LoadedProgram, facts: OrderFacts, now: Date, tierId: string | null): number {
  let points = 0;
  for (const rule of program.rules) {
    if (ruleType(rule.type)?.trigger !== 'order') continue;
    const base = evaluateRule(rule, { now, timeZone: program.timeZone, order: facts });
    points += applyCampaigns(base, program.campaigns, facts.processedAt, rule.type, program.settings.rounding);
  }
  const multiplier = program.tiers.find((t) => t.id === tierId)?.perks.multiplier ?? '1';
  return multiplier === '1' ? points : applyMultiplier(points, multiplier, program.settings.rounding);
}

interface Award {
  earnBaseMinor: number;
  pointsAwarded: number;
  pointsAvailableAt: Date | null;
}

/** What a paid, uncancelled order is awarded, fixed once: base, points and when they become available. */
function awardOf(program: LoadedProgram | null, facts: OrderFacts, now: Date, tierId: string | null): Award | null {
  if (!program || facts.cancelled || !isPaidStatus(facts.financialStatus)) return null;
  const { pendingUntilFulfilled, pendingDays } = program.settings;
  return {
    earnBaseMinor: earnBaseMinor(facts, program.earnBase),
    pointsAwarded: awardFor(program, facts, now, tierId),
    pointsAvailableAt: pendingUntilFulfilled && !facts.fulfilled ? null : new Date(now.getTime() + pendingDays * 86_400_000),
  };
}

export interface Settlement {
  orderId: string;
  memberId: string;
  target: number;
  delta: number;
  released: number;
}

/** Brings the order's points to what they should be now; see the file comment. */
export async function settle(
  tx: Tx,
  program: LoadedProgram,
  orderId: string,
  key: string,
  now = new Date(),
  locked: LockedOrder | null = null,
): Promise<Settlement | null> {
  const shop = workUnder(tx, program).shop;
  const order = locked ?? (await lockOrder(tx, shop, orderId));
  if (!order?.facts || !order.memberId) return null;
  const { facts, memberId } = order;
  const settings = program.settings;
  // What the order counts for amount-spent and orders tiers and for cashback, kept current whatever the basis (an edit may switch to it);
  // written before the events that review the member's tier by it (order.paid, the points entry, order.spend_changed).
  const net = netBaseMinor(facts, program.earnBase, order.refunds);
  const spent = facts.cancelled ? 0 : net;
  let spentWritten = spent === order.spentMinor;
  const writeSpent = async () => {
    if (!spentWritten) await tx.$executeRaw`UPDATE "Order" SET "spentMinor" = ${spent} WHERE id = ${order.id}`;
    spentWritten = true;
  };
  // The spend the events stated so far: order.paid states the first count, order.spend_changed each change after it.
  let stated = order.paidSpent ?? order.spentBefore;

  // An order stored before it was paid (or by a refund) is awarded when settled.
  if (order.earnBaseMinor === null) {
    const [member] = program.tiers.length
      ? await tx.$queryRaw<Array<{ tierId: string | null }>>`SELECT "tierId" FROM "Member" WHERE id = ${memberId}`
      : [];
    const award = awardOf(await programFor(tx, program, memberId, facts.processedAt), facts, now, member?.tierId ?? null);
    if (!award) return null;
    order.earnBaseMinor = award.earnBaseMinor;
    order.pointsAwarded = award.pointsAwarded;
    order.pointsAvailableAt = award.pointsAvailableAt;
    await tx.$executeRaw`
      UPDATE "Order" SET "earnBaseMinor" = ${award.earnBaseMinor}, "pointsAwarded" = ${award.pointsAwarded}, "awardedAt" = ${now},
        "pointsAvailableAt" = ${award.pointsAvailableAt} WHERE id = ${order.id}`;
    await writeSpent();
    await emit(tx, orderPaid(shop, memberId, facts, award, spent, now));
    stated = spent;
  } else if (settings.pendingUntilFulfilled && facts.fulfilled && !order.pointsAvailableAt && !order.pointsReleasedAt) {
    order.pointsAvailableAt = now;
    await tx.$executeRaw`UPDATE "Order" SET "pointsAvailableAt" = ${now} WHERE id = ${order.id}`;
  }

  await writeSpent();
  const target = facts.cancelled
    ? 0
    : orderTargetPoints({
        awarded: order.pointsAwarded,
        earnBaseMinor: order.earnBaseMinor,
        netBaseMinor: net,
        rounding: settings.rounding,
      });
  const delta = target - order.held;
  const pending = order.pointsReleasedAt === null;
  const entry = { shop, memberId, orderId, idempotencyKey: `order:${orderId}:${key}`, sourceId: orderId, createdAt: now };
  if (delta !== 0) {
    if (pending && target === 0) await voidPending(tx, shop, orderId);
    else if (delta > 0 && pending)
      await hold(tx, {
        ...entry,
        points: delta,
        source: 'ORDER',
        availableAt: order.pointsAvailableAt,
        expiresAt: creditExpiresAt(now, settings.expiry),
      });
    else if (delta > 0) await earn(tx, { ...entry, points: delta, source: 'ORDER', expiresAt: creditExpiresAt(now, settings.expiry) });
    else
      await clawBack(tx, {
        ...entry,
        points: -delta,
        status: pending ? 'PENDING' : 'AVAILABLE',
        availableAt: order.pointsAvailableAt,
        policy: settings.negativeBalance,
      });
  }
  // Cancelled or refunded in full: a referral this order qualified earns nothing.
  if (facts.cancelled || (order.refunds.length > 0 && net <= 0))
    await cancelReferral(tx, program, orderId, facts.cancelled ? 'order_cancelled' : 'order_refunded', now);
  // Cashback is paid at release: a refund or cancellation after it takes back its share.
  if (!pending && spent < order.spentMinor)
    await reverseCashback(tx, program, { orderId, memberId }, { before: order.spentMinor, after: spent }, key, now);
  // Its reactions (tier review, referral reward, cashback) are subscribers of the points and order events the ledger and the release emit.
  const released =
    pending && order.pointsAvailableAt && order.pointsAvailableAt <= now ? await releaseOrder(tx, shop, orderId, now, program) : 0;
  // A change in what a counted order counts for (its subscribers review amount-spent and orders tiers).
  if (spent !== stated) {
    await emit(tx, {
      type: 'order.spend_changed',
      shop,
      memberId,
      cause: `order:${orderId}`,
      at: now,
      data: { orderId, beforeMinor: stated, afterMinor: spent },
    });
  }
  return { orderId, memberId, target, delta, released };
}

/**
 * Makes an order's pending points available (the release job, or an admin
 * releasing early) and emits order.released, whose subscribers reward the
 * referrer of a friend's order and pay cashback; the points.released event
 * reviews the member's tier. The program is what those reactions work under
 * (null: the shop's program is off, and only the referral reward, read from
 * stored settings, follows).
 */
export async function releaseOrder(
  tx: Tx,
  shop: string,
  orderId: string,
  now = new Date(),
  program: LoadedProgram | null = null,
): Promise<number> {
  workUnder(tx, program);
  await serialiseOrder(tx, shop, orderId);
  const rows = await tx.$queryRaw<Array<ReleasedOrder & { id: string }>>`
    SELECT id, "orderId", "memberId", "spentMinor", "processedAt" FROM "Order"
    WHERE shop = ${shop} AND "orderId" = ${orderId} AND "pointsReleasedAt" IS NULL FOR UPDATE`;
  const order = rows[0];
  if (!order) return 0;
  const released = await release(tx, shop, orderId, now);
  await tx.$executeRaw`UPDATE "Order" SET "pointsReleasedAt" = ${now}, "pointsAvailableAt" = COALESCE("pointsAvailableAt", ${now}) WHERE id = ${order.id}`;
  const data = { orderId, points: released, spentMinor: order.spentMinor, processedAt: order.processedAt.toISOString() };
  await emit(tx, { type: 'order.released', shop, memberId: order.memberId, cause: `order:${orderId}`, at: now, data });
  return released;
}

/** Orders whose pending points are due, for the release job. */
export async function ordersDueForRelease(tx: Tx, now: Date, limit = 500): Promise<Array<{ shop: string; orderId: string }>> {
  return tx.$queryRaw`
    SELECT shop, "orderId" FROM "Order"
    WHERE "pointsReleasedAt" IS NULL AND "pointsAvailableAt" <= ${now} AND "earnBaseMinor" IS NOT NULL
    ORDER BY "pointsAvailableAt" LIMIT ${limit}`;
}
