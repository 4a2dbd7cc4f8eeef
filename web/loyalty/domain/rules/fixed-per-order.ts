// A fixed number of points per order, whatever its size (frequency programs).
import { z } from 'zod';
import { DEFAULT_EARN_BASE_OPTIONS, earnBaseMinor } from '../earn-base.js';
import { pointsSchema, requireOrder, type EarnRuleType } from './types.js';

export const fixedPerOrderConfig = z.object({
  points: pointsSchema,
  /** Compared with the line items after discounts, without gift cards, tax, shipping or tips. */
  minimumOrderMinor: z.number().int().min(0).default(0),
});
export type FixedPerOrderConfig = z.infer<typeof fixedPerOrderConfig>;

export const fixedPerOrder: EarnRuleType<FixedPerOrderConfig> = {
  type: 'fixed-per-order',
  label: 'Points per order',
  config: fixedPerOrderConfig,
  trigger: 'order',
  evaluate(config, context) {
    const order = requireOrder(context, 'fixed-per-order');
    return earnBaseMinor(order, DEFAULT_EARN_BASE_OPTIONS) >= config.minimumOrderMinor ? config.points : 0;
  },
};
