// The registry of earn rule types, and evaluation of a stored rule: its type,
// its config and an optional time window, which applies to every type alike.
import { z } from 'zod';
import type { Parsed } from '../validation.js';
import { createRegistry, parseDefinition, UnknownTypeError } from '../registry.js';
import { anniversary } from './anniversary.js';
import { birthday } from './birthday.js';
import { cashback } from './cashback.js';
import { customAction } from './custom-action.js';
import { fixedPerOrder } from './fixed-per-order.js';
import { newsletter } from './newsletter.js';
import { purchase } from './purchase.js';
import { signup } from './signup.js';
import type { EarnRuleType, RuleContext } from './types.js';
import { messages } from '../messages.js';

export type { EarnRuleType, RuleContext, RuleMember, RuleTrigger } from './types.js';
export { RuleContextError } from './types.js';

// Each type's evaluate() is only ever given the output of its own schema, so
// the registry may forget the config type.
const erase = <C>(rule: EarnRuleType<C>) => rule as unknown as EarnRuleType<unknown>;

const registry = createRegistry('rule', [
  erase(purchase),
  erase(fixedPerOrder),
  erase(signup),
  erase(birthday),
  erase(anniversary),
  erase(newsletter),
  erase(customAction),
  erase(cashback),
]);

export const ruleTypes = registry.types;
export const ruleType = registry.get;
/** A rule's config checked against its type's schema, defaults filled in. */
export const parseRuleConfig = registry.parseConfig;
export { UnknownTypeError as UnknownRuleTypeError, InvalidConfigError as InvalidRuleConfigError } from '../registry.js';

/** A rule as stored: the type, its config, and when it is in force (either end open). */
export interface RuleDefinition {
  type: string;
  config: unknown;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

const ruleShape = z
  .object({
    type: z.string(),
    config: z.unknown(),
    startsAt: z.coerce.date().nullish(),
    endsAt: z.coerce.date().nullish(),
  })
  .refine((r) => !r.startsAt || !r.endsAt || r.startsAt < r.endsAt, { path: ['endsAt'], message: messages.afterStart });

/** A whole rule from admin input: type, config (errors under "config.…") and window. */
export function parseRule(raw: unknown): Parsed<RuleDefinition> {
  const parsed = parseDefinition(registry, ruleShape, raw);
  if (!parsed.ok) return parsed;
  const { type, config, startsAt, endsAt } = parsed.value;
  return { ok: true, value: { type, config, startsAt: startsAt ?? null, endsAt: endsAt ?? null } };
}

/** Whether `at` falls in the window [startsAt, endsAt). */
export function inWindow(rule: Pick<RuleDefinition, 'startsAt' | 'endsAt'>, at: Date): boolean {
  if (rule.startsAt && at.getTime() < rule.startsAt.getTime()) return false;
  if (rule.endsAt && at.getTime() >= rule.endsAt.getTime()) return false;
  return true;
}

/**
 * Points a rule gives in `context`, before campaigns; 0 outside its window.
 * An order rule is judged at the order's processedAt, so a webhook that
 * arrives after a promotion ended still earns what the order earned.
 */
export function evaluateRule(rule: RuleDefinition, context: RuleContext): number {
  const type = ruleType(rule.type);
  if (!type) throw new UnknownTypeError('rule', rule.type);
  const at = type.trigger === 'order' && context.order ? context.order.processedAt : context.now;
  if (!inWindow(rule, at)) return 0;
  return type.evaluate(registry.requireConfig(rule.type, rule.config), context);
}
