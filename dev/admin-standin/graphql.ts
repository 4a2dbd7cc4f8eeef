import {
  execute,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isObjectType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { refill, requestedQueryCost, throttleStatus } from './cost.js';
import {
  documentError,
  http5xxBody,
  maxCostExceededBody,
  MISSING_QUERY_BODY,
  NOT_IMPLEMENTED,
  throttledBody,
  type CostExtension,
} from './errors.js';
import type { Fault, FaultQueue } from './faults.js';
import type { FieldAccess } from './resolvers/context.js';
import { rootValueFor, standinFieldResolver, type RootValue } from './resolvers/index.js';
import type { StandinStore } from './store.js';
import type { RequestLogEntry, ShopData, StandinLogger, StandinUserError } from './types.js';

export interface PipelineDeps {
  schema: GraphQLSchema;
  store: StandinStore;
  faults: FaultQueue;
  logger?: StandinLogger;
}

export type GraphqlOutcome = { kind: 'respond'; status: number; body: unknown } | { kind: 'drop' };

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

interface Prepared {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fields: string[];
  variables: Record<string, unknown>;
  root: RootValue;
}

const respond = (status: number, body: unknown): GraphqlOutcome => ({ kind: 'respond', status, body });

/**
 * One Admin GraphQL request, in Shopify's order: document checks (nothing charged), injected
 * faults, cost and throttling, execution. Every early exit leaves shop state untouched.
 */
export async function runGraphql(
  deps: PipelineDeps,
  shop: ShopData,
  apiVersion: string,
  rawBody: unknown,
  access: FieldAccess,
): Promise<GraphqlOutcome> {
  const body = readBody(rawBody);
  if (!body) return respond(400, MISSING_QUERY_BODY);
  const entry = logEntry(deps, shop, apiVersion, body);
  const finish: Finish = (outcome, result) => {
    entry.outcome = outcome;
    deps.logger?.debug({ shop: shop.domain, operationName: entry.operationName, fields: entry.fields, outcome }, 'admin stand-in request');
    return result;
  };
  const prepared = prepare(deps, shop, body);
  if ('rejection' in prepared) return finish('invalid', respond(200, prepared.rejection));
  Object.assign(entry, {
    operationType: prepared.operation.operation,
    operationName: prepared.operation.name?.value ?? entry.operationName,
    fields: prepared.fields,
  });
  const charged: Finish = (outcome, result) => {
    const cost =
      result.kind === 'respond'
        ? (result.body as { extensions?: { cost?: { actualQueryCost?: number | null } } })?.extensions?.cost
        : undefined;
    if (outcome === 'ok' || outcome.startsWith('fault:userErrors')) entry.cost = cost?.actualQueryCost ?? 0;
    return finish(outcome, result);
  };
  return serve(deps, shop, prepared, body.variables, access, charged);
}

type Finish = (outcome: string, result: GraphqlOutcome) => GraphqlOutcome;

/** A valid document: faults armed for it, then the bucket, then execution. */
async function serve(
  deps: PipelineDeps,
  shop: ShopData,
  prepared: Prepared,
  variables: Record<string, unknown>,
  access: FieldAccess,
  finish: Finish,
) {
  const request = { shop: shop.domain, operationType: prepared.operation.operation, fields: prepared.fields };
  const requested = requestedQueryCost(deps.schema, prepared.document, prepared.operation, prepared.variables);
  const early = deps.faults.take({ ...request, phase: 'before' });
  if (early) return finish(`fault:${early.kind}`, faultOutcome(deps, early, requested));
  const charge = chargeBucket(deps, shop, requested);
  if ('rejection' in charge) return finish(charge.outcome, respond(200, charge.rejection));
  const injected = deps.faults.take({ ...request, phase: 'execute' });
  if (injected) injectUserErrors(deps.schema, prepared, injected);
  const result = await execute({
    schema: deps.schema,
    document: prepared.document,
    operationName: prepared.operation.name?.value,
    rootValue: prepared.root,
    variableValues: variables,
    contextValue: { access },
    fieldResolver: standinFieldResolver,
  });
  const late = deps.faults.take({ ...request, phase: 'after' });
  if (late) return finish(`fault:${late.kind}:after`, faultOutcome(deps, late, requested));
  const outcome = injected ? 'fault:userErrors' : result.errors ? 'errors' : 'ok';
  return finish(outcome, respond(200, { ...result, extensions: { cost: charge.cost } }));
}

function readBody(raw: unknown): GraphqlBody | null {
  if (raw === null || typeof raw !== 'object') return null;
  const { query, variables, operationName } = raw as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') return null;
  return {
    query,
    variables: variables !== null && typeof variables === 'object' ? (variables as Record<string, unknown>) : {},
    operationName: typeof operationName === 'string' && operationName !== '' ? operationName : undefined,
  };
}

function logEntry(deps: PipelineDeps, shop: ShopData, apiVersion: string, body: GraphqlBody): RequestLogEntry {
  const entry: RequestLogEntry = {
    at: deps.store.now(),
    shop: shop.domain,
    apiVersion,
    operationType: null,
    operationName: body.operationName ?? null,
    fields: [],
    query: body.query,
    variables: structuredClone(body.variables),
    outcome: 'pending',
  };
  deps.store.requests.push(entry);
  return entry;
}

function prepare(deps: PipelineDeps, shop: ShopData, body: GraphqlBody): Prepared | { rejection: unknown } {
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { rejection: { errors: [documentError(error, 'PARSE_ERROR')] } };
    throw error;
  }
  const invalid = validateDocument(deps.schema, document);
  if (invalid.length > 0) return { rejection: { errors: invalid } };
  const operation = getOperationAST(document, body.operationName);
  if (!operation) return { rejection: { errors: [operationNotFound(body.operationName)] } };
  const fields = rootFields(document, operation.selectionSet);
  const root = rootValueFor(operation.operation, { store: deps.store, shop }, deps.schema);
  const missing = fields.filter((field) => !Object.hasOwn(root, field));
  if (missing.length > 0) return { rejection: { errors: missing.map((field) => notImplementedRoot(operation, field)) } };
  const coerced = getVariableValues(deps.schema, operation.variableDefinitions ?? [], body.variables);
  if (coerced.errors) return { rejection: { errors: coerced.errors.map((error) => documentError(error, 'INVALID_VARIABLE')) } };
  return { document, operation, fields, variables: coerced.coerced, root };
}

// graphql-ruby (Shopify's server) names its static validation errors; map graphql-js rules onto them.
const RULE_CODES: Record<string, string> = {
  FieldsOnCorrectTypeRule: 'undefinedField',
  KnownArgumentNamesRule: 'argumentNotAccepted',
  ProvidedRequiredArgumentsRule: 'missingRequiredArguments',
  KnownTypeNamesRule: 'undefinedType',
  NoUndefinedVariablesRule: 'variableNotDefined',
  NoUnusedVariablesRule: 'variableNotUsed',
  VariablesInAllowedPositionRule: 'variableMismatch',
  ValuesOfCorrectTypeRule: 'argumentLiteralsIncompatible',
  ScalarLeafsRule: 'selectionMismatch',
  KnownFragmentNamesRule: 'undefinedFragment',
  NoUnusedFragmentsRule: 'useAndDefineFragment',
  KnownDirectivesRule: 'undefinedDirective',
};

/** Runs each rule on its own so every error can carry a code naming what failed. */
function validateDocument(schema: GraphQLSchema, document: DocumentNode) {
  return specifiedRules.flatMap((rule) =>
    validate(schema, document, [rule]).map((error) => documentError(error, RULE_CODES[rule.name] ?? ruleCode(rule.name))),
  );
}

function ruleCode(ruleName: string): string {
  const base = ruleName.replace(/Rule$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

function operationNotFound(name: string | undefined) {
  const message = name ? `No operation named "${name}"` : 'An operation name is required when the document has several operations';
  return { message, extensions: { code: 'OPERATION_NOT_FOUND' } };
}

function notImplementedRoot(operation: OperationDefinitionNode, field: string) {
  const type = operation.operation === 'mutation' ? 'Mutation' : 'QueryRoot';
  return { message: `The Tally admin stand-in does not implement ${type}.${field}`, extensions: { code: NOT_IMPLEMENTED, field } };
}

/** Root field names, looking through fragments; introspection fields are always served. */
function rootFields(document: DocumentNode, set: SelectionSetNode): string[] {
  const names = new Set<string>();
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) names.add(selection.name.value);
      continue;
    }
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragmentSet(document, selection.name.value);
    if (inner) for (const name of rootFields(document, inner)) names.add(name);
  }
  return [...names];
}

function fragmentSet(document: DocumentNode, name: string): SelectionSetNode | undefined {
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION && def.name.value === name) return def.selectionSet;
  }
  return undefined;
}

type Charge = { cost: CostExtension } | { rejection: unknown; outcome: string };

function chargeBucket(deps: PipelineDeps, shop: ShopData, requested: number): Charge {
  const { bucketSize, restoreRate, maxQueryCost } = deps.store.settings;
  const maxCost = Math.min(maxQueryCost, bucketSize);
  if (requested > maxCost) return { rejection: maxCostExceededBody(requested, maxCost), outcome: 'max_cost_exceeded' };
  refill(shop.bucket, deps.store.now(), bucketSize, restoreRate);
  if (requested > shop.bucket.available) {
    const status = throttleStatus(shop.bucket, bucketSize, restoreRate);
    return {
      rejection: throttledBody({ requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status }),
      outcome: 'throttled',
    };
  }
  shop.bucket.available -= requested;
  const cost: CostExtension = {
    requestedQueryCost: requested,
    actualQueryCost: requested,
    throttleStatus: throttleStatus(shop.bucket, bucketSize, restoreRate),
  };
  return { cost };
}

function faultOutcome(deps: PipelineDeps, fault: Fault, requested: number): GraphqlOutcome {
  switch (fault.kind) {
    case 'networkDrop':
      return { kind: 'drop' };
    case 'throttled': {
      // As if another client had just drained the bucket.
      const { bucketSize, restoreRate } = deps.store.settings;
      const status = { maximumAvailable: bucketSize, currentlyAvailable: 0, restoreRate };
      return respond(200, throttledBody({ requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status }));
    }
    default: {
      const status = Number(fault.kind.replace('http', ''));
      return respond(status, http5xxBody(status));
    }
  }
}

/** Replaces one mutation's resolver with a payload carrying only the armed userErrors entry. */
function injectUserErrors(schema: GraphQLSchema, prepared: Prepared, fault: Fault): void {
  const field = fault.field ?? prepared.fields[0];
  const def = field ? schema.getMutationType()?.getFields()[field] : undefined;
  const payloadType = def ? getNamedType(def.type) : undefined;
  if (!field || !isObjectType(payloadType)) return;
  const payload: Record<string, unknown> = {};
  for (const name of Object.keys(payloadType.getFields())) payload[name] = null;
  const errorType = payloadType.getFields().userErrors ? getNamedType(payloadType.getFields().userErrors!.type) : undefined;
  if (isObjectType(errorType)) payload.userErrors = [fillUserError(Object.keys(errorType.getFields()), fault.userError)];
  prepared.root[field] = () => payload;
}

function fillUserError(fieldNames: string[], error: StandinUserError): Record<string, unknown> {
  return Object.fromEntries(fieldNames.map((name) => [name, error[name] ?? null]));
}
