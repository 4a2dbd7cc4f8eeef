import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  buildClientSchema,
  buildSchema,
  GraphQLError,
  isScalarType,
  Kind,
  type GraphQLSchema,
  type IntrospectionQuery,
  type ValueNode,
} from 'graphql';
import { isDecimal, isoTime, normalizeDecimal } from './values.js';

/** Shopify's own introspection result for Admin API 2026-10 (see dev/fixtures/shopify/SOURCES.md). */
export const DEFAULT_SCHEMA_PATH = fileURLToPath(new URL('../fixtures/shopify/admin-2026-10.introspection.json.gz', import.meta.url));

/** The API version the bundled schema describes; the stand-in reports it in X-Shopify-API-Version. */
export const SCHEMA_API_VERSION = '2026-10';

/**
 * What Shopify's introspection says a field or a type needs ("`read_products` access scope."),
 * keyed "Type.field" and "Type". graphql-js drops these non-standard keys when it builds the
 * schema, so they are read from the raw introspection. An SDL schema has none.
 */
export type AccessNotes = ReadonlyMap<string, string>;

interface LoadedSchema {
  schema: GraphQLSchema;
  access: AccessNotes;
}

// Building the schema takes a few hundred milliseconds, so every stand-in in the process
// shares one build per path.
const builds = new Map<string, Promise<LoadedSchema>>();

function load(path: string): Promise<LoadedSchema> {
  let build = builds.get(path);
  if (!build) {
    build = readFile(path).then((bytes) => buildAdminSchema(path, bytes));
    builds.set(path, build);
    build.catch(() => builds.delete(path));
  }
  return build;
}

/** The Admin schema at `path`: an introspection result (.json or .json.gz) or SDL (.graphql). */
export async function loadAdminSchema(path: string = DEFAULT_SCHEMA_PATH): Promise<GraphQLSchema> {
  return (await load(path)).schema;
}

/** The access notes of the schema at `path` (empty for SDL). */
export async function loadAccessNotes(path: string = DEFAULT_SCHEMA_PATH): Promise<AccessNotes> {
  return (await load(path)).access;
}

function buildAdminSchema(path: string, bytes: Buffer): LoadedSchema {
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const { schema, access } = path.endsWith('.graphql') ? fromSdl(text) : fromIntrospection(text);
  patchScalar(schema, 'Decimal', parseDecimal);
  patchScalar(schema, 'DateTime', parseDateTime);
  patchScalar(schema, 'UnsignedInt64', parseUnsignedInt64);
  return { schema, access };
}

function fromSdl(sdl: string): LoadedSchema {
  // Shopify's SDL is known-good; skipping SDL validation halves the build time.
  return { schema: buildSchema(sdl, { assumeValidSDL: true }), access: new Map() };
}

interface AccessAnnotated {
  name: string;
  requiredAccess?: string | null;
  fields?: AccessAnnotated[] | null;
}

function fromIntrospection(json: string): LoadedSchema {
  const parsed = JSON.parse(json) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  const introspection = parsed.data ?? (parsed as IntrospectionQuery);
  const access = new Map<string, string>();
  for (const type of introspection.__schema.types as unknown as AccessAnnotated[]) {
    if (type.requiredAccess) access.set(type.name, type.requiredAccess);
    for (const field of type.fields ?? []) {
      if (field.requiredAccess) access.set(`${type.name}.${field.name}`, field.requiredAccess);
    }
  }
  return { schema: buildClientSchema(introspection, { assumeValid: true }), access };
}

/**
 * Custom scalars accept anything by default. Shopify rejects malformed money, dates and
 * counts during variable coercion, so the stand-in does too.
 */
function patchScalar(schema: GraphQLSchema, name: string, parse: (value: unknown) => string): void {
  const scalar = schema.getType(name);
  if (!isScalarType(scalar)) return;
  scalar.parseValue = parse;
  scalar.parseLiteral = (node: ValueNode) => parse(literalValue(node));
  scalar.serialize = (value: unknown) => (typeof value === 'number' ? String(value) : value);
}

function literalValue(node: ValueNode): unknown {
  if (node.kind === Kind.STRING || node.kind === Kind.INT || node.kind === Kind.FLOAT) return node.value;
  throw new GraphQLError(`Expected a string or number literal, got ${node.kind}`);
}

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !isDecimal(text)) throw new TypeError(`invalid decimal value ${JSON.stringify(value)}`);
  return normalizeDecimal(text);
}

function parseDateTime(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`invalid DateTime value ${JSON.stringify(value)}`);
  return isoTime(ms);
}

function parseUnsignedInt64(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) {
    throw new TypeError(`invalid UnsignedInt64 value ${JSON.stringify(value)}`);
  }
  return text;
}
