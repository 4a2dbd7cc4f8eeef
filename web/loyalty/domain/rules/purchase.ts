// Points per unit of shop currency spent, on the order's earn base.
import { z } from 'zod';
import { earnBaseMinor, productGid } from '../earn-base.js';
import { currencyDigits } from '../money.js';
import { pointsForAmount, rateSchema, roundingSchema } from '../points.js';
import { requireOrder, type EarnRuleType } from './types.js';

export const purchaseConfig = z.object({
  /** Points per whole unit of shop currency, e.g. "1" or "1.5". */
  rate: rateSchema.default('1'),
  rounding: roundingSchema.default('down'),
  includeTax: z.boolean().default(false),
  includeShipping: z.boolean().default(false),
  includeTips: z.boolean().default(false),
  includeGiftCards: z.boolean().default(false),
  excludedProductIds: z
    .array(
      z
        .string()
        .regex(/^(gid:\/\/shopify\/Product\/)?\d+$/, 'a product GID or numeric id')
        .transform(productGid),
    )
    .default([]),
  /** Orders whose earn base is below this (shop currency minor units) earn nothing. */
  minimumOrderMinor: z.number().int().min(0).default(0),
});
export type PurchaseConfig = z.infer<typeof purchaseConfig>;

export const purchase: EarnRuleType<PurchaseConfig> = {
  type: 'purchase',
  label: 'Points per purchase',
  config: purchaseConfig,
  trigger: 'order',
  // The order as placed; refunds later scale these points with orderTargetPoints.
  evaluate(config, context) {
    const order = requireOrder(context, 'purchase');
    const base = earnBaseMinor(order, config);
    if (base < config.minimumOrderMinor) return 0;
    return pointsForAmount(base, currencyDigits(order.currency), config.rate, config.rounding);
  },
};
