// Checkouts, for the abandoned_checkout email: stored from checkouts/create and checkouts/update (an older payload
// never overwrites a newer one), marked completed by the order that names them (checkout-completion.ts, inside the
// order's own statement), and read by the email-abandoned-checkouts job once untouched for 4 hours. The points a
// checkout would earn are the program's earn base and earn rules, scored as the order would be (awardFor).
import type { Sql } from '../db/sql.js';
import { storedCheckoutOrder, type CheckoutFacts } from './domain/checkout-facts.js';
import { DEFAULT_EARN_BASE_OPTIONS, earnBaseMinor } from './domain/earn-base.js';
import { awardFor } from './order-points.js';
import type { LoadedProgram } from './program.js';

/** A checkout untouched this long, with no order, is abandoned. */
export const ABANDONED_AFTER_MS = 4 * 3_600_000;
/** A checkout untouched longer than this is not reminded any more (the job was down, or the message was off). */
export const REMIND_WITHIN_MS = 3 * 86_400_000;
/** Checkouts (and what they hold about the shopper) are deleted this long after their last update. */
export const KEEP_CHECKOUTS_MS = 30 * 86_400_000;

/** Stores the checkout's latest state (a payload older than the stored one changes nothing); whether it wrote. */
export async function storeCheckout(tx: Sql, shop: string, program: LoadedProgram | null, facts: CheckoutFacts): Promise<boolean> {
  // What the checkout would earn on, as the order it would become: the program's earn base (products it excludes,
  // gift cards, tax or shipping if they count).
  const subtotalMinor = earnBaseMinor(facts.order, program?.earnBase ?? DEFAULT_EARN_BASE_OPTIONS);
  const written = await tx.$executeRaw`
    INSERT INTO "Checkout" (shop, token, "memberId", "customerId", email, "currencyCode", "subtotalMinor", "abandonedUrl",
                            "sourceUpdatedAt", "completedAt", "updatedAt")
    VALUES (${shop}, ${facts.token},
            (SELECT id FROM "Member" WHERE shop = ${shop} AND "customerId" = ${facts.customerId}::text),
            ${facts.customerId}, ${facts.email}, ${facts.currency}, ${subtotalMinor}, ${facts.abandonedUrl},
            ${facts.updatedAt}, ${facts.completedAt}::timestamp, now())
    ON CONFLICT (shop, token) DO UPDATE SET
      "memberId" = COALESCE(EXCLUDED."memberId", "Checkout"."memberId"), "customerId" = EXCLUDED."customerId",
      email = EXCLUDED.email, "currencyCode" = EXCLUDED."currencyCode", "subtotalMinor" = EXCLUDED."subtotalMinor",
      "abandonedUrl" = EXCLUDED."abandonedUrl", "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt",
      -- Completed stays completed (the order may have marked it before this payload came).
      "completedAt" = COALESCE("Checkout"."completedAt", EXCLUDED."completedAt"), "updatedAt" = now()
    WHERE "Checkout"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt"`;
  return written > 0;
}

export interface DueCheckout {
  shop: string;
  token: string;
  currencyCode: string;
  subtotalMinor: number;
  abandonedUrl: string | null;
  sourceUpdatedAt: Date;
  memberId: string;
  tierId: string | null;
  pointsAvailable: number;
  shopCurrency: string;
}

/**
 * Checkouts abandoned at `now` (untouched for ABANDONED_AFTER_MS but not REMIND_WITHIN_MS, no order, not reminded)
 * of a member (guests are skipped: marketing needs a customer's consent), in shops that send abandoned_checkout,
 * after the keyset `after`. Consent itself is decided by recordEmail, which logs a suppressed message.
 */
export async function abandonedCheckouts(
  sql: Sql,
  now: Date,
  options: { enabledByDefault: boolean; limit: number; after: { at: Date; shop: string; token: string } | null },
): Promise<DueCheckout[]> {
  const after = options.after ?? { at: new Date(0), shop: '', token: '' };
  return sql.$queryRaw<DueCheckout[]>`
    SELECT c.shop, c.token, c."currencyCode", c."subtotalMinor", c."abandonedUrl", c."sourceUpdatedAt",
           m.id AS "memberId", m."tierId", m."pointsAvailable", s."currencyCode" AS "shopCurrency"
    FROM "Checkout" c
    JOIN "Shop" s ON s.domain = c.shop AND s."uninstalledAt" IS NULL
    LEFT JOIN "EmailMessage" em ON em.shop = c.shop AND em.key = 'abandoned_checkout'
    JOIN "Member" m ON m.shop = c.shop
      AND m.id = COALESCE(c."memberId", (SELECT id FROM "Member" WHERE shop = c.shop AND "customerId" = c."customerId"))
    WHERE c."completedAt" IS NULL AND c."remindedAt" IS NULL
      AND c."sourceUpdatedAt" <= ${new Date(now.getTime() - ABANDONED_AFTER_MS)}
      AND c."sourceUpdatedAt" > ${new Date(now.getTime() - REMIND_WITHIN_MS)}
      AND COALESCE(em.enabled, ${options.enabledByDefault})
      AND (c."sourceUpdatedAt", c.shop, c.token) > (${after.at}::timestamp, ${after.shop}, ${after.token})
    ORDER BY c."sourceUpdatedAt", c.shop, c.token
    LIMIT ${options.limit}`;
}

/** Claims the checkout's one reminder (false: already reminded, or completed since it was read). */
export async function claimReminder(tx: Sql, shop: string, token: string, now: Date): Promise<boolean> {
  const claimed = await tx.$executeRaw`
    UPDATE "Checkout" SET "remindedAt" = ${now}, "updatedAt" = now()
    WHERE shop = ${shop} AND token = ${token} AND "remindedAt" IS NULL AND "completedAt" IS NULL`;
  return claimed > 0;
}

/**
 * The points the checkout would earn as an order placed `now` by the member: the program's earn rules, campaigns
 * and the member's tier multiplier, as an order is scored. Null when it cannot be said: the program is off, or the
 * checkout is in a currency other than the shop's (points are earned on shop money; no exchange rate is known).
 */
export function checkoutPoints(program: LoadedProgram | null, checkout: DueCheckout, now: Date): number | null {
  if (!program || checkout.currencyCode !== checkout.shopCurrency) return null;
  const order = storedCheckoutOrder({
    token: checkout.token,
    currency: checkout.currencyCode,
    earnBaseMinor: Number(checkout.subtotalMinor),
    at: now,
  });
  return awardFor(program, order, now, checkout.tierId);
}

/** Whether the checkout was completed (by its order) since the reminder was decided: the email is then not sent. */
export async function checkoutCompleted(sql: Sql, shop: string, token: string): Promise<boolean> {
  const [row] = await sql.$queryRaw<Array<{ completed: boolean }>>`
    SELECT "completedAt" IS NOT NULL AS completed FROM "Checkout" WHERE shop = ${shop} AND token = ${token}`;
  return row?.completed ?? false;
}

/** Deletes checkouts last updated before `before` (they are no use after the reminder, and hold personal data). */
export async function pruneCheckouts(sql: Sql, before: Date): Promise<number> {
  return sql.$executeRaw`DELETE FROM "Checkout" WHERE "sourceUpdatedAt" < ${before} AND "updatedAt" < ${before}`;
}

/** customers/redact: the customer's checkouts (by customer, member or email) are deleted. */
export async function deleteCustomerCheckouts(
  sql: Sql,
  shop: string,
  who: { customerId: string; memberId: string | null; emails: readonly string[] },
): Promise<number> {
  return sql.$executeRaw`
    DELETE FROM "Checkout"
    WHERE shop = ${shop} AND ("customerId" = ${who.customerId} OR "memberId" = ${who.memberId}::text OR email = ANY(${[...who.emails]}::text[]))`;
}
