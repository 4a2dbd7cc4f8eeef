// Points for subscribing to the shop's email marketing, once per member.
import { z } from 'zod';
import { pointsSchema, type EarnRuleType } from './types.js';

export const newsletterConfig = z.object({ points: pointsSchema });
export type NewsletterConfig = z.infer<typeof newsletterConfig>;

export const newsletter: EarnRuleType<NewsletterConfig> = {
  type: 'newsletter',
  label: 'Newsletter signup',
  config: newsletterConfig,
  trigger: 'newsletter',
  evaluate: (config, context) => (context.alreadyAwarded ? 0 : config.points),
};
