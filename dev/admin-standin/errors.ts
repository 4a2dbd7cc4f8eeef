import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ThrottleStatus } from './cost.js';

/** Shopify's exact 401 body for a missing or unknown access token. */
export const INVALID_TOKEN_BODY = {
  errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
};

export const MISSING_QUERY_BODY = { errors: { query: 'Required parameter missing or invalid' } };

export const RATE_LIMITS_DOC = 'https://shopify.dev/api/usage/rate-limits';

export const NOT_IMPLEMENTED = 'NOT_IMPLEMENTED_BY_STANDIN';

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export function throttledBody(cost: CostExtension) {
  return {
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMITS_DOC } }],
    extensions: { cost },
  };
}

export function maxCostExceededBody(cost: number, maxCost: number) {
  const message =
    `Query cost is ${cost}, which exceeds the single query max cost limit (${maxCost}).\n\n` +
    'See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n' +
    'cost of a query is calculated.\n\n' +
    'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
    'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n';
  return { errors: [{ message, extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost, documentation: RATE_LIMITS_DOC } }] };
}

export function http5xxBody(status: number) {
  const text: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return { errors: text[status] ?? 'Error' };
}

/** A thrown error that tells a test which Shopify feature the stand-in lacks. */
export function notImplemented(what: string): GraphQLError {
  return new GraphQLError(`The Tally admin stand-in does not implement ${what}`, {
    extensions: { code: NOT_IMPLEMENTED },
  });
}

export function notImplementedField(info: GraphQLResolveInfo): GraphQLError {
  return notImplemented(`${info.parentType.name}.${info.fieldName}`);
}

/** Shape of one error in a document-level rejection (parse, validation). */
export function documentError(error: GraphQLError, code: string) {
  return {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    extensions: { ...error.extensions, code },
  };
}
