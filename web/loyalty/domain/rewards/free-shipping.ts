// A single-use free shipping code, optionally only for rates up to a price.
import { z } from 'zod';
import { amountMinorSchema, codeOptions, fixedCost, pointsCostSchema, type RewardType } from './types.js';

export const freeShippingConfig = z.object({
  pointsCost: pointsCostSchema,
  /** Only shipping rates up to this are made free; null = any rate. */
  maxShippingMinor: amountMinorSchema.nullable().default(null),
  ...codeOptions,
});
export type FreeShippingConfig = z.infer<typeof freeShippingConfig>;

export const freeShipping: RewardType<FreeShippingConfig> = {
  type: 'free-shipping',
  label: 'Free shipping',
  config: freeShippingConfig,
  issue: 'free-shipping-code',
  cost: (config, request) => fixedCost(config.pointsCost, 0, request),
};
