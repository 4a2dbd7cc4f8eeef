import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildSchema, GraphQLError, isScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';
import { isDecimal, isoTime, normalizeDecimal } from './values.js';

export const DEFAULT_SCHEMA_PATH = fileURLToPath(
  new URL('../../../tests/fixtures/shopify/admin-2025-04.schema.graphql', import.meta.url),
);

/** The API version the bundled SDL describes; the stand-in reports it in X-Shopify-API-Version. */
export const SCHEMA_API_VERSION = '2025-04';

// Building the 2.9 MB SDL takes several hundred milliseconds, so every stand-in
// in the process shares one build per path.
const builds = new Map<string, Promise<GraphQLSchema>>();

export function loadAdminSchema(path: string = DEFAULT_SCHEMA_PATH): Promise<GraphQLSchema> {
  let build = builds.get(path);
  if (!build) {
    build = readFile(path, 'utf8').then(buildAdminSchema);
    builds.set(path, build);
    build.catch(() => builds.delete(path));
  }
  return build;
}

function buildAdminSchema(sdl: string): GraphQLSchema {
  // Shopify's SDL is known-good; skipping SDL validation halves the build time.
  const schema = buildSchema(sdl, { assumeValidSDL: true });
  patchScalar(schema, 'Decimal', parseDecimal);
  patchScalar(schema, 'DateTime', parseDateTime);
  patchScalar(schema, 'UnsignedInt64', parseUnsignedInt64);
  return schema;
}

/**
 * SDL-built custom scalars accept anything. Shopify rejects malformed money,
 * dates and counts during variable coercion, so the stand-in does too.
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
