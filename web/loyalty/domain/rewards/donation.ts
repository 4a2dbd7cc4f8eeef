// Points given to a cause the merchant pays out to; nothing is issued in
// Shopify, the redemption itself is the record.
import { z } from 'zod';
import { amountMinorSchema, fixedCost, pointsCostSchema, type RewardType } from './types.js';
import { messages } from '../messages.js';

export const donationConfig = z.object({
  pointsCost: pointsCostSchema,
  amountMinor: amountMinorSchema,
  cause: z.string().trim().min(1, messages.donationCause).max(200),
});
export type DonationConfig = z.infer<typeof donationConfig>;

export const donation: RewardType<DonationConfig> = {
  type: 'donation',
  label: 'Donation',
  config: donationConfig,
  issue: 'donation',
  cost: (config, request) => fixedCost(config.pointsCost, config.amountMinor, request),
};
