// A single-use code for a whole-number percentage off.
import { z } from 'zod';
import { appliesToOption, codeOptions, fixedCost, pointsCostSchema, type RewardType } from './types.js';
import { messages } from '../messages.js';

export const percentageConfig = z.object({
  pointsCost: pointsCostSchema,
  percentage: z.number().int(messages.wholePercentage).min(1).max(100),
  ...codeOptions,
  ...appliesToOption,
});
export type PercentageConfig = z.infer<typeof percentageConfig>;

export const percentage: RewardType<PercentageConfig> = {
  type: 'percentage',
  label: 'Percentage off',
  config: percentageConfig,
  issue: 'discount-code',
  // The money value depends on the cart.
  cost: (config, request) => fixedCost(config.pointsCost, 0, request),
};
