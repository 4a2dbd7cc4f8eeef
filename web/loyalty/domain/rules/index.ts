// The registry of earn rule types, and evaluation of a stored rule: its type,
// its config and an optional time window, which applies to every type alike.
import { z } from 'zod';
import { parseWith, type FieldErrors, type Parsed } from '../validation.js';
import { anniversary } from './anniversary.js';
import { birthday } from './birthday.js';
import { customAction } from './custom-action.js';
import { fixedPerOrder } from './fixed-per-order.js';
import { newsletter } from './newsletter.js';
import { purchase } from './purchase.js';
import { signup } from './signup.js';
import type { EarnRuleType, RuleContext } from './types.js';

export type { EarnRuleType, RuleContext, RuleMember, RuleTrigger } from './types.js';
export { RuleContextError } from './types.js';

// Each type's evaluate() is only ever given the output of its own schema, so
// the registry may forget the config type.
const erase = <C>(rule: EarnRuleType<C>) => rule as unknown as EarnRuleType<unknown>;

export const ruleTypes: Readonly<Record<string, EarnRuleType<unknown>>> = Object.freeze(
  Object.fromEntries(
    [erase(purchase), erase(fixedPerOrder), erase(signup), erase(birthday), erase(anniversary), erase(newsletter), erase(customAction)].map(
      (rule) => [rule.type, rule],
    ),
  ),
);

export function ruleType(type: string): EarnRuleType<unknown> | undefined {
  return Object.hasOwn(ruleTypes, type) ? ruleTypes[type] : undefined;
}

export class UnknownRuleTypeError extends Error {
  override readonly name = 'UnknownRuleTypeError';
  constructor(readonly type: string) {
    super(`unknown earn rule type ${JSON.stringify(type)}`);
  }
}

export class InvalidRuleConfigError extends Error {
  override readonly name = 'InvalidRuleConfigError';
  constructor(
    readonly type: string,
    readonly errors: FieldErrors,
  ) {
    super(`invalid ${type} rule config: ${Object.entries(errors).map(([k, v]) => `${k || '(config)'}: ${v}`).join('; ')}`);
  }
}

/** A rule's config checked against its type's schema, defaults filled in. */
export function parseRuleConfig(type: string, raw: unknown): Parsed<unknown> {
  const rule = ruleType(type);
  if (!rule) return { ok: false, errors: { type: `unknown rule type ${JSON.stringify(type)}` } };
  return parseWith(rule.config, raw ?? {});
}

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
  .refine((r) => !r.startsAt || !r.endsAt || r.startsAt < r.endsAt, { path: ['endsAt'], message: 'must be after the start' });

/** A whole rule from admin input: type, config (errors under "config.…") and window. */
export function parseRule(raw: unknown): Parsed<RuleDefinition> {
  const shape = parseWith(ruleShape, raw);
  if (!shape.ok) return shape;
  const config = parseRuleConfig(shape.value.type, shape.value.config);
  if (!config.ok) {
    const errors: FieldErrors = {};
    for (const [key, message] of Object.entries(config.errors)) errors[key === 'type' ? key : key ? `config.${key}` : 'config'] = message;
    return { ok: false, errors };
  }
  return { ok: true, value: { type: shape.value.type, config: config.value, startsAt: shape.value.startsAt ?? null, endsAt: shape.value.endsAt ?? null } };
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
  if (!type) throw new UnknownRuleTypeError(rule.type);
  const at = type.trigger === 'order' && context.order ? context.order.processedAt : context.now;
  if (!inWindow(rule, at)) return 0;
  const config = parseWith(type.config, rule.config ?? {});
  if (!config.ok) throw new InvalidRuleConfigError(rule.type, config.errors);
  return type.evaluate(config.value, context);
}
