// A registry of types that are data: earn rules and rewards alike are a
// `type` name plus a zod-checked `config`. One implementation serves both.
import type { z } from 'zod';
import { parseWith, type FieldErrors, type Parsed } from './validation.js';

export class UnknownTypeError extends Error {
  override readonly name = 'UnknownTypeError';
  constructor(
    readonly kind: string,
    readonly type: string,
  ) {
    super(`unknown ${kind} type ${JSON.stringify(type)}`);
  }
}

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  constructor(
    readonly kind: string,
    readonly type: string,
    readonly errors: FieldErrors,
  ) {
    super(
      `invalid ${type} ${kind} config: ${Object.entries(errors)
        .map(([k, v]) => `${k || '(config)'}: ${v}`)
        .join('; ')}`,
    );
  }
}

export interface Registry<T> {
  types: Readonly<Record<string, T>>;
  get(type: string): T | undefined;
  /** A config checked against its type's schema, defaults filled in. */
  parseConfig(type: string, raw: unknown): Parsed<unknown>;
  /** A stored config re-checked for use; one that no longer parses is a bug, not input. */
  requireConfig(type: string, raw: unknown): unknown;
}

export function createRegistry<T extends { type: string; config: z.ZodType<unknown> }>(kind: string, entries: readonly T[]): Registry<T> {
  const types: Readonly<Record<string, T>> = Object.freeze(Object.fromEntries(entries.map((t) => [t.type, t])));
  const get = (type: string) => (Object.hasOwn(types, type) ? types[type] : undefined);
  return {
    types,
    get,
    parseConfig(type, raw) {
      const entry = get(type);
      if (!entry) return { ok: false, errors: { type: `unknown ${kind} type ${JSON.stringify(type)}` } };
      return parseWith(entry.config, raw ?? {});
    },
    requireConfig(type, raw) {
      const entry = get(type);
      if (!entry) throw new UnknownTypeError(kind, type);
      const config = parseWith(entry.config, raw ?? {});
      if (!config.ok) throw new InvalidConfigError(kind, type, config.errors);
      return config.value;
    },
  };
}

/**
 * A whole definition from admin input: its common fields by `shape`, then its
 * config by the registry, with the config's errors reported under "config.…".
 */
export function parseDefinition<S extends { type: string; config: unknown }>(
  registry: Pick<Registry<unknown>, 'parseConfig'>,
  shape: z.ZodType<S>,
  raw: unknown,
): Parsed<S> {
  const common = parseWith(shape, raw);
  if (!common.ok) return common;
  const config = registry.parseConfig(common.value.type, common.value.config);
  if (!config.ok) {
    const errors: FieldErrors = {};
    for (const [key, message] of Object.entries(config.errors)) errors[key === 'type' ? key : key ? `config.${key}` : 'config'] = message;
    return { ok: false, errors };
  }
  return { ok: true, value: { ...common.value, config: config.value } };
}
