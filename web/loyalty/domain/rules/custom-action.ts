// Points for an action the merchant names (follow on social media, write a
// review), optionally limited per member.
import { z } from 'zod';
import { pointsSchema, type EarnRuleType } from './types.js';
import { messages } from '../messages.js';

export const customActionConfig = z.object({
  name: z.string().trim().min(1, messages.actionName).max(100),
  points: pointsSchema,
  /** null = unlimited. */
  limitPerMember: z.number().int().min(1).nullable().default(null),
});
export type CustomActionConfig = z.infer<typeof customActionConfig>;

export const customAction: EarnRuleType<CustomActionConfig> = {
  type: 'custom-action',
  label: 'Custom action',
  config: customActionConfig,
  trigger: 'custom',
  evaluate(config, context) {
    if (config.limitPerMember !== null && (context.timesAwarded ?? 0) >= config.limitPerMember) return 0;
    return config.points;
  },
};
