// Automatic cashback: an earn mode that returns a percentage of each order as
// Shopify store credit instead of points. The rule gives no points (so a
// shop can run it beside the purchase rule, or instead of it); the credit is
// worked out when the order's pending period ends (web/loyalty/cashback.ts),
// on the order's earn base net of refunds, so a refund inside the return
// window never has to be taken back.
import { z } from 'zod';
import { divideRounded, parseRate, rateSchema } from '../points.js';
import { type EarnRuleType } from './types.js';

export const cashbackConfig = z.object({
  /** Percent of the order's earn base, e.g. "5" or "2.5". */
  percentage: rateSchema.refine((s) => {
    try {
      const r = parseRate(s);
      return r.numerator > 0n && r.numerator <= 100n * r.denominator;
    } catch {
      return true; // the regex reports it
    }
  }, 'a percentage above 0 and at most 100'),
  /** Orders whose earn base is below this (minor units) get nothing back. */
  minimumOrderMinor: z.number().int().min(0).default(0),
  /** The store credit expires this many days after it is credited (null: never). */
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
});
export type CashbackConfig = z.infer<typeof cashbackConfig>;

export const cashback: EarnRuleType<CashbackConfig> = {
  type: 'cashback',
  label: 'Cashback as store credit',
  config: cashbackConfig,
  trigger: 'order',
  evaluate: () => 0,
};

/** The store credit for an order whose earn base, net of refunds, is `baseMinor`: rounded down to the minor unit. */
export function cashbackMinor(config: CashbackConfig, baseMinor: number): number {
  if (baseMinor <= 0 || baseMinor < config.minimumOrderMinor) return 0;
  const rate = parseRate(config.percentage);
  return Number(divideRounded(BigInt(baseMinor) * rate.numerator, rate.denominator * 100n, 'down'));
}
