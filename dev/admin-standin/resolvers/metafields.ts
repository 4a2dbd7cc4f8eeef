import { createHash } from 'node:crypto';
import { notImplemented } from '../errors.js';
import { isDecimal } from '../values.js';
import type { MetafieldRecord } from '../types.js';
import { newGid, ownerKind, userError, type PayloadUserError, type ResolverContext } from './context.js';
import { APP_NAMESPACE, findMetafield, metafieldKey } from './records.js';
import { metafieldView } from './views.js';

export const METAFIELDS_SET_LIMIT = 25;

export interface MetafieldWrite {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  /** Absent: no write guarantee. null: the metafield must not exist yet. */
  compareDigest?: string | null;
}

interface MetafieldIdentifierInput {
  ownerId: string;
  namespace: string;
  key: string;
}

export function metafieldMutations(ctx: ResolverContext) {
  return {
    metafieldsSet: (args: { metafields: MetafieldWrite[] }) => metafieldsSet(ctx, args.metafields),
    metafieldsDelete: (args: { metafields: MetafieldIdentifierInput[] }) => ({
      deletedMetafields: args.metafields.map((identifier) => deleteMetafield(ctx, identifier)),
      userErrors: [],
    }),
  };
}

function metafieldsSet(ctx: ResolverContext, inputs: MetafieldWrite[]) {
  if (inputs.length > METAFIELDS_SET_LIMIT) {
    const message = `Exceeded the maximum metafields input limit of ${METAFIELDS_SET_LIMIT}.`;
    return { metafields: null, userErrors: [userError(['metafields'], message, 'LESS_THAN_OR_EQUAL_TO')] };
  }
  const userErrors = validateWrites(ctx, inputs, ['metafields']);
  // The mutation is atomic: one bad entry means nothing is written.
  if (userErrors.length > 0) return { metafields: null, userErrors };
  const written = inputs.map((input) => writeMetafield(ctx, input));
  return { metafields: written.map((record) => metafieldView(ctx, record)), userErrors: [] };
}

/** Validates every write before any is applied; also used by customerUpdate. */
export function validateWrites(ctx: ResolverContext, inputs: MetafieldWrite[], root: string[]): PayloadUserError[] {
  return inputs.flatMap((input, index) => validateWrite(ctx, input, [...root, String(index)], index));
}

export function validateWrite(ctx: ResolverContext, input: MetafieldWrite, path: string[], index: number): PayloadUserError[] {
  const errors: PayloadUserError[] = [];
  const add = (field: string, message: string, code: string) => errors.push(userError([...path, field], message, code, index));
  const kind = ownerKind(ctx, input.ownerId);
  if (kind === undefined) throw notImplemented(`metafields on ${input.ownerId}`);
  if (kind === null) add('ownerId', 'Owner does not exist.', 'INVALID_VALUE');
  checkNamespaceAndKey(input, add);
  const existing = findMetafield(ctx, input.ownerId, input.namespace, input.key);
  const type = input.type ?? existing?.type;
  if (input.value === '') add('value', "Value can't be blank.", 'BLANK');
  if (!type) add('type', "Type can't be blank", 'BLANK');
  else {
    const problem = valueProblem(type, input.value);
    if (problem) add('value', problem, 'INVALID_VALUE');
  }
  if (input.compareDigest !== undefined && (existing?.compareDigest ?? null) !== input.compareDigest) {
    add(
      'compareDigest',
      'The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.',
      'STALE_OBJECT',
    );
  }
  return errors;
}

function checkNamespaceAndKey(input: MetafieldWrite, add: (field: string, message: string, code: string) => void): void {
  const namespace = input.namespace;
  if (namespace != null && namespace.length < 3) add('namespace', 'Namespace is too short (minimum is 3 characters)', 'TOO_SHORT');
  if (namespace != null && namespace.length > 255) add('namespace', 'Namespace is too long (maximum is 255 characters)', 'TOO_LONG');
  if (input.key.length < 2) add('key', 'Key is too short (minimum is 2 characters)', 'TOO_SHORT');
  else if (input.key.length > 64) add('key', 'Key is too long (maximum is 64 characters)', 'TOO_LONG');
  else if (!/^[a-zA-Z0-9_-]+$/.test(input.key)) add('key', 'Key contains one or more invalid characters.', 'INVALID_VALUE');
}

const VALUE_CHECKS: Record<string, (value: string) => string | null> = {
  boolean: (v) => (v === 'true' || v === 'false' ? null : 'Value must be true or false.'),
  number_integer: (v) => (/^-?\d+$/.test(v) ? null : 'Value must be an integer.'),
  number_decimal: (v) => (isDecimal(v) ? null : 'Value must be a decimal.'),
  json: (v) => (parsesAsJson(v) ? null : 'Value must be valid JSON.'),
  single_line_text_field: (v) => (/[\r\n]/.test(v) ? 'Value must be a single line text string.' : null),
  date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? null : 'Value must be in YYYY-MM-DD format.'),
  date_time: (v) => (Number.isNaN(Date.parse(v)) ? 'Value must be in ISO 8601 date and time format.' : null),
};

/** Checks the common types; others are accepted as Shopify would for a free-form string. */
function valueProblem(type: string, value: string): string | null {
  if (type.startsWith('list.')) return parsesAsJson(value) && Array.isArray(JSON.parse(value)) ? null : 'Value must be a JSON array.';
  return VALUE_CHECKS[type]?.(value) ?? null;
}

function parsesAsJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Creates or updates one metafield; callers validate first. */
export function writeMetafield(ctx: ResolverContext, input: MetafieldWrite): MetafieldRecord {
  const namespace = input.namespace ?? APP_NAMESPACE;
  let byOwner = ctx.shop.metafields.get(input.ownerId);
  if (!byOwner) {
    byOwner = new Map();
    ctx.shop.metafields.set(input.ownerId, byOwner);
  }
  const existing = byOwner.get(metafieldKey(namespace, input.key));
  const now = ctx.store.nowIso();
  const record: MetafieldRecord = {
    id: existing?.id ?? newGid(ctx, 'Metafield'),
    ownerId: input.ownerId,
    namespace,
    key: input.key,
    type: input.type ?? existing?.type ?? 'single_line_text_field',
    value: input.value,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    compareDigest: '',
  };
  // Every write gets a fresh digest, so a compareDigest read before it goes stale.
  record.compareDigest = createHash('sha256').update(`${record.id}:${record.type}:${record.value}:${ctx.store.nextId()}`).digest('hex');
  byOwner.set(metafieldKey(namespace, input.key), record);
  return record;
}

function deleteMetafield(ctx: ResolverContext, identifier: MetafieldIdentifierInput) {
  const byOwner = ctx.shop.metafields.get(identifier.ownerId);
  const key = metafieldKey(identifier.namespace, identifier.key);
  if (!byOwner?.delete(key)) return null;
  return { __typename: 'MetafieldIdentifier', ...identifier };
}
