// A reward type is data plus one pure function: a zod schema for its config
// (what the database stores next to the type name) and cost(), which prices a
// redemption in points and shop-currency minor units. How the reward reaches
// the customer (a discount code, store credit, a donation record) is named by
// `issue`; the Shopify documents live in web/shopify/operations. Adding a type
// is one file registered in rewards/index.ts.
import { z } from 'zod';
import { messages } from '../messages.js';

export type RewardIssue = 'discount-code' | 'free-shipping-code' | 'store-credit' | 'donation';

export interface CostRequest {
  /** Points the member chose to spend; only variable-cost types (points-slider) need it. */
  points?: number;
}

export interface RewardCost {
  points: number;
  /**
   * Money value in shop-currency minor units when the config fixes it; 0 when it
   * depends on the cart or the catalogue (percentage, free shipping, free product).
   */
  valueMinor: number;
}

export interface CostError {
  error: 'INVALID_POINTS';
  message: string;
}

export interface RewardType<C> {
  type: string;
  /** English fallback; the UI shows its own translated name for the type. */
  label: string;
  config: z.ZodType<C>;
  issue: RewardIssue;
  cost(config: C, request: CostRequest): RewardCost | CostError;
}

/** Points a reward costs: a whole number, at least 1, at most 2^53 − 1 (what a JSON number holds exactly; stored as BIGINT). */
export const pointsCostSchema = z.number().int(messages.wholePoints).min(1).max(Number.MAX_SAFE_INTEGER);

/** Largest single reward value, in minor units: 2^53 − 1, what a JSON number holds exactly (stored as BIGINT). */
export const MAX_VALUE_MINOR = Number.MAX_SAFE_INTEGER;

/** A positive amount in shop-currency minor units. */
export const amountMinorSchema = z.number().int(messages.wholeMinorUnits).min(1).max(MAX_VALUE_MINOR);

/** Days from issue; null = never. */
export const expiresInDaysSchema = z.number().int().min(1).max(3650).nullable();

/** A Shopify GID of `kind`, also accepting the bare numeric id. */
export function gidSchema(kind: 'Product' | 'ProductVariant' | 'Collection') {
  const pattern = new RegExp(`^(gid://shopify/${kind}/)?\\d+$`);
  return z
    .string()
    .trim()
    .regex(pattern, `a ${kind} GID or numeric id`)
    .transform((id) => (/^\d+$/.test(id) ? `gid://shopify/${kind}/${id}` : id));
}

export const appliesToSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('products'), productIds: z.array(gidSchema('Product')).min(1, messages.atLeastOneProduct) }),
  z.object({ kind: z.literal('collections'), collectionIds: z.array(gidSchema('Collection')).min(1, messages.atLeastOneCollection) }),
]);
export type AppliesTo = z.infer<typeof appliesToSchema>;

export const combinesWithSchema = z.object({
  productDiscounts: z.boolean().default(false),
  orderDiscounts: z.boolean().default(false),
  shippingDiscounts: z.boolean().default(false),
});
export type CombinesWith = z.infer<typeof combinesWithSchema>;

/** Options every discount-code reward has. */
export const codeOptions = {
  /** Cart subtotal required to use the code; 0 = none. */
  minimumSubtotalMinor: z.number().int().min(0).max(MAX_VALUE_MINOR).default(0),
  codeExpiresInDays: expiresInDaysSchema.default(null),
  combinesWith: combinesWithSchema.default({ productDiscounts: false, orderDiscounts: false, shippingDiscounts: false }),
};

/** Amount-off codes may be limited to products or collections. */
export const appliesToOption = { appliesTo: appliesToSchema.default({ kind: 'all' }) };

export interface CodeOptions {
  minimumSubtotalMinor: number;
  codeExpiresInDays: number | null;
  combinesWith: CombinesWith;
}

/**
 * The cost of a fixed-price reward. A request that names a different number of
 * points is refused: the member was shown another price.
 */
export function fixedCost(pointsCost: number, valueMinor: number, request: CostRequest): RewardCost | CostError {
  if (request.points !== undefined && request.points !== pointsCost) {
    return { error: 'INVALID_POINTS', message: `this reward costs ${pointsCost} points, not ${request.points}` };
  }
  return { points: pointsCost, valueMinor };
}
