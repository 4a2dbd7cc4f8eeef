// Points turned into Shopify store credit on the customer's account.
import { z } from 'zod';
import { amountMinorSchema, expiresInDaysSchema, fixedCost, pointsCostSchema, type RewardType } from './types.js';

export const storeCreditConfig = z.object({
  pointsCost: pointsCostSchema,
  amountMinor: amountMinorSchema,
  expiresInDays: expiresInDaysSchema.default(null),
});
export type StoreCreditConfig = z.infer<typeof storeCreditConfig>;

export const storeCredit: RewardType<StoreCreditConfig> = {
  type: 'store-credit',
  label: 'Store credit',
  config: storeCreditConfig,
  issue: 'store-credit',
  cost: (config, request) => fixedCost(config.pointsCost, config.amountMinor, request),
};
