// Orders as the program sees them: who bought, how much (shop currency, minor units).
import type { Tx } from '../db.js';
import { customerGid, toMinorUnits, type OrderPayload } from '../webhooks/schemas.js';
import { upsertMember } from './members.js';

/**
 * Records the latest known state of an order; safe for every order topic, in
 * any order: a payload older than the stored one changes nothing.
 */
export async function recordOrder(tx: Tx, shop: string, order: OrderPayload) {
  const sourceUpdatedAt = new Date(order.updated_at);
  const where = { shop_orderId: { shop, orderId: order.admin_graphql_api_id } };
  const stored = await tx.order.findUnique({ where });
  if (stored && stored.sourceUpdatedAt > sourceUpdatedAt) return stored;
  const member = order.customer
    ? await upsertMember(tx, shop, {
        customerId: customerGid(order.customer),
        email: order.customer.email,
        firstName: order.customer.first_name,
        lastName: order.customer.last_name,
      })
    : null;
  const total = order.current_total_price_set.shop_money;
  const fields = {
    memberId: member?.id ?? null,
    name: order.name,
    currencyCode: total.currency_code,
    totalMinor: toMinorUnits(total.amount),
    financialStatus: order.financial_status ?? null,
    cancelledAt: order.cancelled_at ? new Date(order.cancelled_at) : null,
    processedAt: new Date(order.processed_at ?? order.created_at),
    sourceUpdatedAt,
  };
  return tx.order.upsert({
    where,
    create: { shop, orderId: order.admin_graphql_api_id, ...fields },
    update: fields,
  });
}
