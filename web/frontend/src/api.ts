// Authenticated fetch for the admin API (`/api/admin/*`).
//
// The session token comes from App Bridge (`shopify.idToken()`) when Tally runs
// embedded in the Shopify admin. Outside the admin (local development, browser
// tests) App Bridge isn't loaded, and the token comes from the development-only
// route `GET /dev/session-token`, which answers `{ token, shop }`.

export const ADMIN_API_PREFIX = '/api/admin/';
export const DEV_SESSION_TOKEN_PATH = '/dev/session-token';

export type ApiErrorCode =
  | 'network' // the request never got an answer
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'notFound' // 404
  | 'server' // 5xx
  | 'http' // any other non-2xx
  | 'noSession' // no App Bridge and no development session
  | 'badResponse'; // 2xx with a body this page can't use

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number | null,
    message: string,
    /** The server's own explanation (`{ error: { message } }` in its JSON body), if any. */
    readonly detail?: string,
    /** The server's error code (`invalid_input`, `not_enough_points`...). */
    readonly serverCode?: string,
    /** Field path → message, for forms to show next to each input. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export interface DevSession {
  token: string;
  shop: string;
}

interface AppBridgeLike {
  idToken?: () => Promise<string>;
}

function appBridge(): AppBridgeLike | undefined {
  return (globalThis as { shopify?: AppBridgeLike }).shopify;
}

/** True when App Bridge is loaded, i.e. Tally runs inside the Shopify admin. */
export function isEmbedded(): boolean {
  return typeof appBridge()?.idToken === 'function';
}

let devSession: Promise<DevSession> | null = null;

async function fetchDevSession(): Promise<DevSession> {
  let res: Response;
  // The page's `?shop=` (as Shopify opens apps) picks the development shop.
  const shop = new URLSearchParams(window.location.search).get('shop');
  const url = shop ? `${DEV_SESSION_TOKEN_PATH}?shop=${encodeURIComponent(shop)}` : DEV_SESSION_TOKEN_PATH;
  try {
    res = await fetch(url, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError('network', null, `GET ${DEV_SESSION_TOKEN_PATH} failed: ${String(error)}`);
  }
  if (!res.ok) {
    throw new ApiError('noSession', res.status, `No App Bridge, and GET ${DEV_SESSION_TOKEN_PATH} answered ${res.status}`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!isDevSession(body)) {
    throw new ApiError('noSession', res.status, `GET ${DEV_SESSION_TOKEN_PATH} did not answer { token, shop }`);
  }
  return body;
}

function isDevSession(value: unknown): value is DevSession {
  if (typeof value !== 'object' || value === null) return false;
  const { token, shop } = value as Record<string, unknown>;
  return typeof token === 'string' && token.length > 0 && typeof shop === 'string';
}

/**
 * A session token for `Authorization: Bearer`. App Bridge caches and renews its
 * own tokens; the development token is cached until `fresh` is asked for.
 */
export async function getSessionToken(options: { fresh?: boolean } = {}): Promise<string> {
  const bridge = appBridge();
  if (typeof bridge?.idToken === 'function') {
    try {
      return await bridge.idToken();
    } catch (error) {
      throw new ApiError('noSession', null, `App Bridge could not give a session token: ${String(error)}`);
    }
  }
  if (options.fresh || !devSession) {
    const pending = fetchDevSession();
    devSession = pending;
    pending.catch(() => {
      if (devSession === pending) devSession = null;
    });
  }
  return (await devSession).token;
}

/** The development session (shop and token), or null when embedded in the admin. */
export async function getDevSession(): Promise<DevSession | null> {
  if (isEmbedded()) return null;
  await getSessionToken();
  return devSession;
}

/** Forgets the cached development token (tests, or after signing out). */
export function resetSessionCache(): void {
  devSession = null;
}

/**
 * `fetch` for `/api/admin/*` with the session token. A 401 is retried once
 * with a fresh token. Resolves with the response whatever its status; rejects
 * with an ApiError when no answer came or no token could be had.
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  if (!path.startsWith(ADMIN_API_PREFIX)) {
    // Session tokens go to the admin API and nowhere else.
    throw new TypeError(`apiFetch only calls ${ADMIN_API_PREFIX}*, not ${path}`);
  }
  const send = async (token: string): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    try {
      return await fetch(path, { ...init, headers, credentials: 'same-origin' });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ApiError('network', null, `${init.method ?? 'GET'} ${path} failed: ${String(error)}`);
    }
  };
  const res = await send(await getSessionToken());
  if (res.status !== 401) return res;
  return send(await getSessionToken({ fresh: true }));
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status >= 500) return 'server';
  return 'http';
}

async function errorFromResponse(method: string, path: string, res: Response): Promise<ApiError> {
  let detail: string | undefined;
  let serverCode: string | undefined;
  let fields: Record<string, string> | undefined;
  try {
    const body: unknown = await res.json();
    if (typeof body === 'object' && body !== null) {
      const { error, message } = body as Record<string, unknown>;
      if (typeof error === 'string') detail = error;
      else if (typeof error === 'object' && error !== null) {
        // The server's one error shape: { error: { code, message, fields? } }.
        const e = error as { code?: unknown; message?: unknown; fields?: unknown };
        if (typeof e.message === 'string') detail = e.message;
        if (typeof e.code === 'string') serverCode = e.code;
        if (typeof e.fields === 'object' && e.fields !== null) fields = e.fields as Record<string, string>;
      } else if (typeof message === 'string') detail = message;
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return new ApiError(codeForStatus(res.status), res.status, `${method} ${path} answered ${res.status}`, detail, serverCode, fields);
}

/** Sends a request to `/api/admin/*` and returns its JSON body; non-2xx answers reject with ApiError. */
export async function apiJson<T>(path: string, init: RequestInit = {}, validate?: (body: unknown) => body is T): Promise<T> {
  const method = init.method ?? 'GET';
  const res = await apiFetch(path, init);
  if (!res.ok) throw await errorFromResponse(method, path, res);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('badResponse', res.status, `${method} ${path} did not answer JSON`);
  }
  if (validate && !validate(body)) {
    throw new ApiError('badResponse', res.status, `${method} ${path} answered JSON of an unexpected shape`);
  }
  return body as T;
}

/** POST/PUT/DELETE a JSON body to `/api/admin/*`; resolves with the answer's JSON (null for 204). */
export async function apiSend<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await apiFetch(path, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorFromResponse(method, path, res);
  if (res.status === 204) return null as T;
  return (await res.json()) as T;
}

/**
 * Sends a JSON body and reads an NDJSON answer line by line: each line goes
 * to `onLine` as it arrives (progress), and the last one is returned. A
 * refusal before streaming (4xx with fields) throws like apiSend.
 */
export async function apiSendStreaming<T>(method: 'POST' | 'PUT', path: string, body: unknown, onLine: (line: T) => void): Promise<T> {
  const res = await apiFetch(path, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorFromResponse(method, path, res);
  if (!res.body) throw new ApiError('badResponse', res.status, `${method} ${path} sent no body`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  let last: T | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    buffered += value ?? '';
    const lines = buffered.split('\n');
    buffered = done ? '' : lines.pop()!;
    for (const text of lines) {
      if (!text.trim()) continue;
      last = JSON.parse(text) as T;
      onLine(last);
    }
    if (done) break;
  }
  if (last === undefined) throw new ApiError('badResponse', res.status, `${method} ${path} answered nothing`);
  return last;
}

/** GET `/api/admin/*` as JSON. */
export function apiGet<T>(path: string, options: { signal?: AbortSignal; validate?: (body: unknown) => body is T } = {}): Promise<T> {
  return apiJson<T>(path, { method: 'GET', signal: options.signal }, options.validate);
}

// ---- Response types of the admin API ----

/** GET /api/admin/shop */
export interface AdminShopResponse {
  shop: { domain: string; name: string; currencyCode: string };
  program: { name: string } | null;
  stats: { members: number; pointsOutstanding: number; webhooksReceived: number };
}

export function isAdminShopResponse(value: unknown): value is AdminShopResponse {
  if (typeof value !== 'object' || value === null) return false;
  const { shop, program, stats } = value as Record<string, unknown>;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  return (
    isObject(shop) &&
    typeof shop.domain === 'string' &&
    typeof shop.name === 'string' &&
    typeof shop.currencyCode === 'string' &&
    (program === null || (isObject(program) && typeof program.name === 'string')) &&
    isObject(stats) &&
    typeof stats.members === 'number' &&
    typeof stats.pointsOutstanding === 'number' &&
    typeof stats.webhooksReceived === 'number'
  );
}
