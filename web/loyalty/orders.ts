// Orders as the program sees them: who bought, how much (shop currency, minor units).
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db.js';
import { customerGid, toMinorUnits, type OrderPayload } from '../webhooks/schemas.js';
import { upsertMember } from './members.js';

/**
 * Records the latest known state of an order in one statement; safe for every
 * order topic, in any order: a payload older than the stored one (Shopify's
 * updated_at) changes nothing. Returns the member id, if the order has a customer.
 */
export async function recordOrder(tx: Tx, shop: string, order: OrderPayload): Promise<{ memberId: string | null }> {
  const memberId = order.customer
    ? await upsertMember(tx, shop, {
        customerId: customerGid(order.customer),
        email: order.customer.email,
        firstName: order.customer.first_name,
        lastName: order.customer.last_name,
      })
    : null;
  const total = order.current_total_price_set.shop_money;
  await tx.$executeRaw`
    INSERT INTO "Order" (id, shop, "orderId", "memberId", name, "currencyCode", "totalMinor", "financialStatus",
                         "cancelledAt", "processedAt", "sourceUpdatedAt", "updatedAt")
    VALUES (${randomUUID()}, ${shop}, ${order.admin_graphql_api_id}, ${memberId}, ${order.name}, ${total.currency_code},
            ${toMinorUnits(total.amount)}, ${order.financial_status ?? null},
            ${order.cancelled_at ? new Date(order.cancelled_at) : null}, ${new Date(order.processed_at ?? order.created_at)},
            ${new Date(order.updated_at)}, now())
    ON CONFLICT (shop, "orderId") DO UPDATE SET
      "memberId" = EXCLUDED."memberId", name = EXCLUDED.name, "currencyCode" = EXCLUDED."currencyCode",
      "totalMinor" = EXCLUDED."totalMinor", "financialStatus" = EXCLUDED."financialStatus",
      "cancelledAt" = EXCLUDED."cancelledAt", "processedAt" = EXCLUDED."processedAt",
      "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt", "updatedAt" = now()
    WHERE "Order"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt"`;
  return { memberId };
}
