// zod shapes of the Shopify payload fields the handlers use (REST webhook
// format, as in dev/fixtures/shopify/webhooks). Ids may arrive as numbers
// or, past 2^53, as strings (see payload.ts); GIDs are always strings.
import { z } from 'zod';
import { InvalidOrderError, orderFacts, refundFacts } from '../loyalty/domain/order-facts.js';
import { InvalidAmountError, parseMoney } from '../loyalty/domain/money.js';

export const numericId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
export const gid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `expected a ${type} GID`);

export const money = z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currency_code: z.string().length(3) });
export const moneySet = z.object({ shop_money: money, presentment_money: money });

export const customerRef = z
  .object({
    id: numericId,
    admin_graphql_api_id: gid('Customer').optional(),
    email: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
  })
  .passthrough();

export function customerGid(customer: { id: string; admin_graphql_api_id?: string | undefined }): string {
  return customer.admin_graphql_api_id ?? `gid://shopify/Customer/${customer.id}`;
}

export const orderPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: gid('Order'),
    name: z.string(),
    currency: z.string().length(3),
    financial_status: z.string().nullish(),
    cancelled_at: z.string().nullish(),
    processed_at: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string(),
    current_total_price_set: moneySet,
    customer: customerRef.nullish(),
  })
  .passthrough();
export type OrderPayload = z.infer<typeof orderPayload>;

export const refundPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: gid('Refund').optional(),
    order_id: numericId,
    created_at: z.string(),
  })
  .passthrough();

export const customerPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: gid('Customer'),
    email: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    email_marketing_consent: z.object({ state: z.string().nullish() }).passthrough().nullish(),
    /** The customer's language, when the payload has it (e.g. "fr", "zh-CN"). */
    locale: z.string().trim().min(2).max(35).nullish().catch(null),
  })
  .passthrough();

export const customerDeletePayload = z.object({ id: numericId, admin_graphql_api_id: gid('Customer').optional() }).passthrough();

export const shopRef = z.object({ shop_id: numericId, shop_domain: z.string() }).passthrough();

export const customersRedactPayload = shopRef.extend({
  customer: z.object({ id: numericId, email: z.string().nullish(), phone: z.string().nullish() }).passthrough(),
  orders_to_redact: z.array(numericId).default([]),
});

export const customersDataRequestPayload = shopRef.extend({
  customer: z.object({ id: numericId, email: z.string().nullish(), phone: z.string().nullish() }).passthrough(),
  orders_requested: z.array(numericId).default([]),
  data_request: z.object({ id: numericId }).passthrough(),
});

export const appUninstalledPayload = z.object({ id: numericId.optional(), myshopify_domain: z.string().optional() }).passthrough();

/** Runs a domain normaliser inside zod, so its errors become field errors (400, logged as malformed). */
function normalised<T>(normalise: (payload: unknown) => T) {
  return (payload: unknown, ctx: z.RefinementCtx): T => {
    try {
      return normalise(payload);
    } catch (error) {
      if (error instanceof InvalidOrderError)
        ctx.addIssue({ code: 'custom', message: error.reason, path: error.path ? error.path.split('.') : [] });
      else if (error instanceof InvalidAmountError) ctx.addIssue({ code: 'custom', message: error.message });
      else throw error;
      return z.NEVER;
    }
  };
}

/** The order's current total in shop money, in that currency's minor units (JPY has none, KWD three). */
function currentTotalMinor(payload: unknown): number {
  const { amount, currency_code: currency } = (payload as OrderPayload).current_total_price_set.shop_money;
  try {
    return parseMoney(amount, currency);
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new InvalidOrderError('current_total_price_set.shop_money.amount', error.reason);
    throw error;
  }
}

/** An order topic's payload, as the points engine takes it. */
export const orderInput = orderPayload.transform((order, ctx) => {
  const facts = normalised(orderFacts)(order, ctx);
  return {
    facts,
    name: order.name,
    totalMinor: normalised(currentTotalMinor)(order, ctx),
    customer: order.customer
      ? {
          customerId: customerGid(order.customer),
          email: order.customer.email ?? null,
          firstName: order.customer.first_name ?? null,
          lastName: order.customer.last_name ?? null,
        }
      : null,
  };
});

export const refundInput = refundPayload.transform(normalised(refundFacts));
