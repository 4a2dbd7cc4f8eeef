// "500 points → 5.00 off": a single-use code for a fixed amount off the cart.
import { z } from 'zod';
import { amountMinorSchema, appliesToOption, codeOptions, fixedCost, pointsCostSchema, type RewardType } from './types.js';

export const fixedAmountConfig = z.object({
  pointsCost: pointsCostSchema,
  amountMinor: amountMinorSchema,
  ...codeOptions,
  ...appliesToOption,
});
export type FixedAmountConfig = z.infer<typeof fixedAmountConfig>;

export const fixedAmount: RewardType<FixedAmountConfig> = {
  type: 'fixed-amount',
  label: 'Amount off',
  config: fixedAmountConfig,
  issue: 'discount-code',
  cost: (config, request) => fixedCost(config.pointsCost, config.amountMinor, request),
};
