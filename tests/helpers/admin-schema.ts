// Checks of the GraphQL Tally sends against Shopify's Admin schema
// (dev/fixtures/shopify/admin-2026-10.introspection.json.gz): every document
// valid and free of deprecated fields, every variables object accepted and free
// of deprecated input fields. Deprecated parts are what the next version removes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  Kind,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FoundDocument {
  /** Where it was found, e.g. "web/jobs/sync-members.ts:50". */
  at: string;
  document: string;
}

// Tally marks every Admin document with the #graphql tag (as Shopify's templates do), in a
// plain template literal: no interpolation, so the text found is the text sent.
const TAGGED = /`(#graphql\b[^`]*)`/g;

/** Every #graphql document in the app's sources (web/; the stand-in, the server rather than a sender, is in dev/). */
export function tallyDocuments(dir = path.join(ROOT, 'web')): FoundDocument[] {
  const found: FoundDocument[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(TAGGED)) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push({ at: `${path.relative(ROOT, file)}:${line}`, document: match[1]! });
    }
  }
  return found;
}

/** What is wrong with a document: parse errors, validation errors, deprecated fields or arguments. */
export function documentProblems(schema: GraphQLSchema, document: string): string[] {
  if (document.includes('${')) return ['interpolates a value: the document sent is not the one checked'];
  try {
    return validate(schema, parse(document), [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

export function operationOf(document: string, name?: string): OperationDefinitionNode {
  const operation = parse(document).definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!name || d.name?.value === name),
  );
  if (!operation) throw new Error('no operation in the document');
  return operation;
}

/** Coercion errors of `variables`, plus every deprecated input field they set (by path). */
export function variableProblems(schema: GraphQLSchema, document: string, variables: Record<string, unknown>): string[] {
  const definitions = operationOf(document).variableDefinitions ?? [];
  const problems = (getVariableValues(schema, definitions, variables).errors ?? []).map((e) => e.message);
  for (const definition of definitions) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const name = definition.variable.name.value;
    if (type) problems.push(...deprecatedInputs(type, variables[name], `$${name}`));
  }
  return problems;
}

function deprecatedInputs(type: GraphQLInputType, value: unknown, at: string): string[] {
  if (value === null || value === undefined) return [];
  const inner = getNullableType(type);
  if (isListType(inner)) {
    return Array.isArray(value) ? value.flatMap((item, i) => deprecatedInputs(inner.ofType, item, `${at}[${i}]`)) : [];
  }
  const named = getNamedType(type);
  if (!isInputObjectType(named) || typeof value !== 'object') return [];
  const fields = named.getFields();
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const field = fields[key];
    if (!field) return [];
    const own = field.deprecationReason ? [`${at}.${key} is deprecated on ${named.name}: ${field.deprecationReason}`] : [];
    return [...own, ...deprecatedInputs(field.type, child, `${at}.${key}`)];
  });
}
