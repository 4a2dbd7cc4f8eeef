// What the admin's forms send for an earn rule or a reward: the definition the
// registry checks (type, config, window or limits) plus the merchant-facing
// name and on/off switch. The admin UI validates with these before sending;
// the admin API validates with them again.
import { z } from 'zod';
import { parseRule, type RuleDefinition } from './rules/index.js';
import { parseReward, type RewardDefinition } from './rewards/index.js';
import { parseWith, type FieldErrors, type Parsed } from './validation.js';
import { messages } from './messages.js';

const common = z.object({
  name: z.string().trim().min(1, messages.name).max(100, messages.atMost100Characters),
  enabled: z.boolean().default(true),
});
type Common = z.infer<typeof common>;

/** Both parts checked, so every wrong field is reported at once. */
function combine<D>(raw: unknown, definition: (raw: unknown) => Parsed<D>): Parsed<Common & D> {
  const a = parseWith(common, raw);
  const b = definition(raw);
  if (a.ok && b.ok) return { ok: true, value: { ...b.value, ...a.value } };
  const errors: FieldErrors = { ...(a.ok ? {} : a.errors), ...(b.ok ? {} : b.errors) };
  return { ok: false, errors };
}

export type EarnRuleInput = Common & RuleDefinition;
export type RewardInput = Common & RewardDefinition;

export const parseEarnRuleInput = (raw: unknown): Parsed<EarnRuleInput> => combine(raw, parseRule);
export const parseRewardInput = (raw: unknown): Parsed<RewardInput> => combine(raw, parseReward);
