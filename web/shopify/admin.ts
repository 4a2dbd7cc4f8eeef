// Tally's one client for the Shopify Admin GraphQL API. It waits out Shopify's
// cost-based throttling, retries transient failures with backoff, and fails with
// typed errors so the job runner can tell "try again later" from "give up".
import { getOperationAST, parse } from 'graphql';

/** The subset of pino's API the client uses; a pino logger fits. */
export interface AdminLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

export interface AdminClientOptions {
  apiVersion: string;
  accessTokenFor(shop: string): Promise<string>;
  /** Full graphql.json URL for a shop; defaults to the shop's own Admin API endpoint. */
  endpointFor?(shop: string): string;
  fetch?: typeof fetch;
  logger?: AdminLogger;
  /** Retries after the first attempt, shared by throttling and transient failures. Default 5. */
  maxRetries?: number;
  /** Injected by tests to skip real waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of backoff jitter in [0, 1). */
  random?: () => number;
  /** First backoff delay for 5xx and network failures; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number;
  /** Ceiling for one backoff delay. Default 20 s. */
  maxDelayMs?: number;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /**
   * A 5xx or dropped connection may arrive after Shopify applied a mutation, so a retry can
   * apply it twice (two store credits for one reward). Default true: retry anyway, and rely
   * on callers making mutations idempotent. False: throw at once and let the caller check.
   */
  retryAmbiguousMutations?: boolean;
}

export interface RequestOptions {
  operationName?: string;
  signal?: AbortSignal;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface AdminExtensions {
  cost?: QueryCost;
  [key: string]: unknown;
}

export interface AdminResponse<T> {
  data: T;
  extensions: AdminExtensions | undefined;
}

export interface GraphqlErrorEntry {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface ShopifyUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export interface AdminClient {
  request<T = unknown>(
    shop: string,
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<AdminResponse<T>>;
}

export function shopifyAdminEndpoint(shop: string, apiVersion: string): string {
  return `https://${shop}/admin/api/${apiVersion}/graphql.json`;
}

// ---------------------------------------------------------------------------
// Errors

interface ErrorDetails {
  shop: string;
  attempts: number;
  /** Worth retrying later (the job runner may reschedule). */
  retryable: boolean;
  /** The request reached Shopify and a mutation may have been applied despite the failure. */
  mayHaveApplied: boolean;
}

export class ShopifyAdminError extends Error {
  readonly shop: string;
  readonly retryable: boolean;
  readonly mayHaveApplied: boolean;
  attempts: number;

  constructor(message: string, details: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.shop = details.shop;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
    this.mayHaveApplied = details.mayHaveApplied;
  }
}

/** Still throttled after every retry; retry after `retryAfterMs`. */
export class ShopifyThrottledError extends ShopifyAdminError {
  constructor(
    details: ErrorDetails,
    readonly cost: QueryCost | undefined,
    readonly retryAfterMs: number,
  ) {
    super(`Shopify throttled the request for ${details.shop}`, details);
  }
}

/** A non-2xx answer: 5xx and 429 are retryable, 401/402/403/404/423 are not. */
export class ShopifyHttpError extends ShopifyAdminError {
  constructor(
    details: ErrorDetails,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Shopify answered HTTP ${status} for ${details.shop}`, details);
  }
}

/** No answer at all: connection refused or dropped, or the attempt timed out. */
export class ShopifyNetworkError extends ShopifyAdminError {
  constructor(details: ErrorDetails, cause: unknown) {
    super(`Could not reach Shopify for ${details.shop}: ${describe(cause)}`, details, { cause });
  }
}

/** Top-level GraphQL errors (invalid query, access denied, cost limit...); `data` holds any partial data. */
export class ShopifyGraphqlError extends ShopifyAdminError {
  constructor(
    details: ErrorDetails,
    readonly errors: GraphqlErrorEntry[],
    readonly data: unknown,
  ) {
    super(`Shopify GraphQL errors for ${details.shop}: ${errors.map((e) => e.message).join('; ')}`, details);
  }
}

/** Thrown by assertNoUserErrors: Shopify refused the mutation's input. */
export class ShopifyUserErrorsError extends Error {
  constructor(
    readonly operation: string,
    readonly userErrors: ShopifyUserError[],
  ) {
    super(`${operation} returned userErrors: ${userErrors.map((e) => `${(e.field ?? []).join('.')}: ${e.message}`).join('; ')}`);
    this.name = 'ShopifyUserErrorsError';
  }
}

/** The userErrors of a mutation payload, or [] when there are none (or no payload). */
export function userErrorsOf(payload: unknown): ShopifyUserError[] {
  if (payload === null || typeof payload !== 'object') return [];
  const errors = (payload as { userErrors?: unknown }).userErrors;
  return Array.isArray(errors) ? (errors as ShopifyUserError[]) : [];
}

export function assertNoUserErrors<T>(payload: T, operation = 'mutation'): T {
  const errors = userErrorsOf(payload);
  if (errors.length > 0) throw new ShopifyUserErrorsError(operation, errors);
  return payload;
}

// ---------------------------------------------------------------------------
// Client

type Attempt<T> = { ok: AdminResponse<T> } | { error: ShopifyAdminError; delayMs: number };

interface Settings {
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  retryAmbiguousMutations: boolean;
}

interface Call {
  shop: string;
  endpoint: string;
  body: string;
  mutation: boolean;
  signal: AbortSignal | undefined;
  attempt: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const settings: Settings = {
    maxRetries: options.maxRetries ?? 5,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 20_000,
    timeoutMs: options.timeoutMs ?? 30_000,
    retryAmbiguousMutations: options.retryAmbiguousMutations ?? true,
  };
  const endpointFor = options.endpointFor ?? ((shop: string) => shopifyAdminEndpoint(shop, options.apiVersion));

  const attemptOnce = async <T>(call: Call): Promise<Attempt<T>> => {
    const token = await options.accessTokenFor(call.shop);
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let status: number;
    let text: string;
    try {
      const res = await fetchImpl(call.endpoint, {
        method: 'POST',
        headers: requestHeaders(call, token),
        body: call.body,
        signal: attemptSignal(call.signal, settings.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (cause) {
      if (call.signal?.aborted) throw cause;
      const error = new ShopifyNetworkError(details(call, true, call.mutation && !neverSent(cause)), cause);
      return { error, delayMs: backoff(settings, call.attempt) };
    }
    return interpret<T>(settings, call, status, text);
  };

  return {
    async request<T>(shop: string, query: string, variables?: Record<string, unknown>, requestOptions: RequestOptions = {}) {
      const endpoint = endpointFor(shop);
      const body = JSON.stringify({ query, variables, operationName: requestOptions.operationName });
      const mutation = isMutation(query, requestOptions.operationName);
      for (let attempt = 1; ; attempt += 1) {
        const call: Call = { shop, endpoint, body, mutation, signal: requestOptions.signal, attempt };
        const result = await attemptOnce<T>(call);
        if ('ok' in result) {
          options.logger?.debug({ shop, attempt, cost: result.ok.extensions?.cost }, 'shopify admin request');
          return result.ok;
        }
        const { error, delayMs } = result;
        error.attempts = attempt;
        if (!error.retryable || attempt > settings.maxRetries) throw error;
        if (error.mayHaveApplied && !settings.retryAmbiguousMutations) throw error;
        options.logger?.warn({ shop, attempt, delayMs, error: error.name, message: error.message }, 'retrying shopify admin request');
        await settings.sleep(delayMs);
      }
    },
  };
}

function requestHeaders(call: Call, token: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-Shopify-Access-Token': token,
  };
  // A stand-in or proxy is not on the shop's own host, so name the shop explicitly.
  if (new URL(call.endpoint).host.toLowerCase() !== call.shop.toLowerCase()) headers['X-Shopify-Shop-Domain'] = call.shop;
  return headers;
}

function attemptSignal(caller: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return caller ? AbortSignal.any([caller, timeout]) : timeout;
}

function details(call: Call, retryable: boolean, mayHaveApplied: boolean): ErrorDetails {
  return { shop: call.shop, attempts: call.attempt, retryable, mayHaveApplied };
}

/** Turns one HTTP answer into data, a retry, or a final error. */
function interpret<T>(settings: Settings, call: Call, status: number, text: string): Attempt<T> {
  if (status === 429 || status >= 500) {
    const error = new ShopifyHttpError(details(call, true, call.mutation && status >= 500), status, text);
    return { error, delayMs: backoff(settings, call.attempt) };
  }
  const body = parseJson(text);
  if (status < 200 || status >= 300 || body === undefined) {
    return { error: new ShopifyHttpError(details(call, false, false), status, text), delayMs: 0 };
  }
  const errors = graphqlErrors(body.errors);
  if (errors.length === 0) return { ok: { data: body.data as T, extensions: body.extensions as AdminExtensions | undefined } };
  const cost = (body.extensions as AdminExtensions | undefined)?.cost;
  if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
    const delayMs = throttleDelay(settings, cost);
    return { error: new ShopifyThrottledError(details(call, true, false), cost, delayMs), delayMs };
  }
  // Shopify reports its own crashes as a 200 with INTERNAL_SERVER_ERROR; like a 5xx, retry.
  const internal = errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
  const error = new ShopifyGraphqlError(details(call, internal, internal && call.mutation), errors, body.data);
  return { error, delayMs: backoff(settings, call.attempt) };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Shopify sends a list of errors, but a string (or object) for some whole-request failures. */
function graphqlErrors(errors: unknown): GraphqlErrorEntry[] {
  if (errors === undefined || errors === null) return [];
  if (Array.isArray(errors)) return errors as GraphqlErrorEntry[];
  return [{ message: typeof errors === 'string' ? errors : JSON.stringify(errors) }];
}

/** Wait until the bucket holds the requested cost: (requested - available) / restoreRate seconds. */
function throttleDelay(settings: Settings, cost: QueryCost | undefined): number {
  if (!cost) return backoff(settings, 1);
  const { currentlyAvailable, restoreRate } = cost.throttleStatus;
  const missing = Math.max(1, cost.requestedQueryCost - currentlyAvailable);
  const waitMs = (missing / Math.max(restoreRate, 1)) * 1000;
  // A little jitter keeps workers sharing a shop's bucket from waking together.
  return Math.ceil(waitMs * (1 + 0.1 * settings.random()));
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
function backoff(settings: Settings, attempt: number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * settings.random());
}

const operationKinds = new Map<string, boolean>();

/** Documents are constants, so each is parsed once to learn whether it mutates. */
function isMutation(query: string, operationName: string | undefined): boolean {
  const key = `${operationName ?? ''}\n${query}`;
  let mutation = operationKinds.get(key);
  if (mutation === undefined) {
    try {
      mutation = getOperationAST(parse(query), operationName)?.operation === 'mutation';
    } catch {
      mutation = false;
    }
    if (operationKinds.size > 1000) operationKinds.clear();
    operationKinds.set(key, mutation);
  }
  return mutation;
}

/** Connection-setup failures mean Shopify never saw the request, so even a mutation is safe to resend. */
function neverSent(cause: unknown): boolean {
  const code = cause instanceof Error && cause.cause instanceof Error ? (cause.cause as { code?: unknown }).code : undefined;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${cause.message}${inner}`;
}
