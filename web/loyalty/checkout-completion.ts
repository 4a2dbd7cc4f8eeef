// The order side of the abandoned_checkout email (web/loyalty/checkouts.ts): an order that names its checkout
// (checkout_token) marks that checkout completed, so it is never reminded. Its own module, imported by
// order-points.ts, so the checkouts module can use the order's points rules without an import cycle.
import { fragment, type Fragment } from '../events/emit.js';

/**
 * `checkout_done AS (INSERT … ON CONFLICT DO UPDATE)`: a CTE for the order's own statement (storeOrder), so marking
 * costs no round trip. An order that arrives before its checkout's webhook makes a row holding only the mark (no
 * personal data; its sourceUpdatedAt is the epoch, so the checkout's payload fills it in and keeps the mark).
 */
export function checkoutCompletedCte(shop: string, token: string, currency: string, now: Date): Fragment {
  return fragment`checkout_done AS (
      INSERT INTO "Checkout" (shop, token, "currencyCode", "subtotalMinor", "sourceUpdatedAt", "completedAt", "updatedAt")
      VALUES (${shop}, ${token}, ${currency}, 0, '1970-01-01T00:00:00Z'::timestamp, ${now}::timestamp, ${now}::timestamp)
      ON CONFLICT (shop, token) DO UPDATE SET "completedAt" = COALESCE("Checkout"."completedAt", EXCLUDED."completedAt")
      WHERE "Checkout"."completedAt" IS NULL)`;
}
