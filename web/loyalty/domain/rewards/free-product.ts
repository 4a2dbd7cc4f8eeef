// One unit of a product variant for free, as a single-use code limited to
// that variant (see web/shopify/operations/discounts.ts for how "one unit" is
// expressed to Shopify).
import { z } from 'zod';
import { codeOptions, fixedCost, gidSchema, pointsCostSchema, type RewardType } from './types.js';

export const freeProductConfig = z.object({ pointsCost: pointsCostSchema, variantId: gidSchema('ProductVariant'), ...codeOptions });
export type FreeProductConfig = z.infer<typeof freeProductConfig>;

export const freeProduct: RewardType<FreeProductConfig> = {
  type: 'free-product',
  label: 'Free product',
  config: freeProductConfig,
  issue: 'discount-code',
  // Worth the variant's price, which the catalogue knows and the config does not.
  cost: (config, request) => fixedCost(config.pointsCost, 0, request),
};
