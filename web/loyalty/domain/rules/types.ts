// An earn rule type is data plus one pure function: a zod schema for its
// config (what the database stores next to the type name) and evaluate(),
// which turns config + context into points before campaigns. Adding a type is
// one file registered in rules/index.ts.
import { z } from 'zod';
import type { OrderFacts } from '../order-facts.js';
import { messages } from '../messages.js';

export type RuleTrigger = 'order' | 'signup' | 'birthday' | 'anniversary' | 'newsletter' | 'custom';

export interface RuleMember {
  /** The member's birthday; only the month is used. */
  birthday?: { month: number; day?: number | null } | null;
  /** When the customer became a member (anniversaries count from here). */
  memberSince?: Date | null;
}

/** What a rule is evaluated against; each trigger reads the fields it needs. */
export interface RuleContext {
  now: Date;
  /** The shop's IANA time zone: calendar rules (birthday, anniversary) are judged in it. */
  timeZone: string;
  /** The order, for 'order' rules. */
  order?: OrderFacts;
  member?: RuleMember;
  /** Calendar year (shop time zone) of the last birthday or anniversary award. */
  lastAwardedYear?: number | null;
  /** Once-per-member rules (signup, newsletter): whether the member already has it. */
  alreadyAwarded?: boolean;
  /** Custom actions: how often this member already earned from this rule. */
  timesAwarded?: number;
}

export interface EarnRuleType<C> {
  type: string;
  /** English fallback; the UI shows its own translated name for the type. */
  label: string;
  config: z.ZodType<C>;
  trigger: RuleTrigger;
  /** Points before campaigns; 0 when the rule does not apply. */
  evaluate(config: C, context: RuleContext): number;
}

export class RuleContextError extends Error {
  override readonly name = 'RuleContextError';
}

/** Points awarded by a single rule: a whole number, at most 2^53 − 1 (what a JSON number holds exactly; stored as BIGINT). */
export const pointsSchema = z.number().int(messages.wholePoints).min(0).max(Number.MAX_SAFE_INTEGER);

export function requireOrder(context: RuleContext, type: string): OrderFacts {
  if (!context.order) throw new RuleContextError(`the ${type} rule needs an order in its context`);
  return context.order;
}
