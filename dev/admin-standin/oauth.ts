import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StandinApp, StandinStore } from './store.js';

/** Shopify's OAuth endpoints as an app sees them: authorization-code and token-exchange grants. */

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ONLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:online-access-token';
const AUTH_CODE_TTL_MS = 10 * 60 * 1000;
const ONLINE_TOKEN_TTL_S = 86_399;
const CLOCK_TOLERANCE_S = 10;

export interface HttpAnswer {
  status: number;
  body: unknown;
}

const oauthError = (error: string, description: string): HttpAnswer => ({
  status: 400,
  body: { error, error_description: description },
});

export function scopeString(app: StandinApp): string {
  return Array.isArray(app.scopes) ? app.scopes.join(',') : app.scopes;
}

export function issueAuthCode(store: StandinStore, shop: string, clientId: string): string {
  const code = randomBytes(16).toString('hex');
  store.authCodes.set(code, { shop, clientId, expiresAt: store.now() + AUTH_CODE_TTL_MS });
  return code;
}

export function issueToken(store: StandinStore, shop: string, scope: string, online: boolean): string {
  const token = `${online ? 'shpua' : 'shpat'}_${randomBytes(16).toString('hex')}`;
  const expiresAt = online ? store.now() + ONLINE_TOKEN_TTL_S * 1000 : null;
  store.tokens.set(token, { shop, scope, expiresAt });
  return token;
}

/** POST /admin/oauth/access_token. */
export function exchangeToken(store: StandinStore, shop: string, body: Record<string, unknown>): HttpAnswer {
  const app = authenticateClient(store, body);
  if (!app) return oauthError('invalid_client', 'Client authentication failed due to unknown client or invalid client secret.');
  store.ensureShop(shop);
  const grant = stringField(body, 'grant_type');
  if (grant === undefined) return codeGrant(store, shop, app, stringField(body, 'code'));
  if (grant === TOKEN_EXCHANGE_GRANT) return tokenExchangeGrant(store, shop, app, body);
  return oauthError('unsupported_grant_type', `The stand-in does not support grant_type ${grant}`);
}

function authenticateClient(store: StandinStore, body: Record<string, unknown>): StandinApp | undefined {
  const app = store.apps.get(stringField(body, 'client_id') ?? '');
  const secret = stringField(body, 'client_secret');
  return app && secret !== undefined && safeEqual(app.clientSecret, secret) ? app : undefined;
}

/**
 * Codes the stand-in issued must match their shop, client and expiry. It cannot know which
 * codes real Shopify would have issued, so any other code is accepted once: tests can drive
 * an app's OAuth callback with a made-up code, and a replayed code fails as on Shopify.
 */
function codeGrant(store: StandinStore, shop: string, app: StandinApp, code: string | undefined): HttpAnswer {
  const record = code ? store.authCodes.get(code) : undefined;
  const issuedHere = record ? record.shop === shop && record.clientId === app.clientId && record.expiresAt > store.now() : true;
  if (!code || store.usedAuthCodes.has(code) || !issuedHere) {
    return oauthError('invalid_request', 'The authorization code was not found or was already used');
  }
  store.authCodes.delete(code);
  store.usedAuthCodes.add(code);
  const scope = scopeString(app);
  return { status: 200, body: { access_token: issueToken(store, shop, scope, false), scope } };
}

function tokenExchangeGrant(store: StandinStore, shop: string, app: StandinApp, body: Record<string, unknown>): HttpAnswer {
  if (stringField(body, 'subject_token_type') !== ID_TOKEN_TYPE) {
    return oauthError('invalid_request', 'subject_token_type must be an id_token');
  }
  const claims = verifySessionToken(stringField(body, 'subject_token') ?? '', app, shop, store.now());
  if (typeof claims === 'string') return oauthError('invalid_subject_token', claims);
  const scope = scopeString(app);
  const online = stringField(body, 'requested_token_type') === ONLINE_TOKEN_TYPE;
  const accessToken = issueToken(store, shop, scope, online);
  if (!online) return { status: 200, body: { access_token: accessToken, scope } };
  return { status: 200, body: { access_token: accessToken, scope, ...onlineTokenInfo(shop, scope, claims.sub) } };
}

function onlineTokenInfo(shop: string, scope: string, sub: unknown) {
  const userId = Number(sub) || 1;
  return {
    expires_in: ONLINE_TOKEN_TTL_S,
    associated_user_scope: scope,
    associated_user: {
      id: userId,
      first_name: 'Dev',
      last_name: 'User',
      email: `staff-${userId}@${shop}`,
      account_owner: true,
      locale: 'en',
      collaborator: false,
      email_verified: true,
    },
  };
}

/** Checks an App Bridge session token (HS256 JWT signed with the app secret); returns claims or a reason. */
export function verifySessionToken(token: string, app: StandinApp, shop: string, nowMs: number): Record<string, unknown> | string {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || signature === undefined) return 'Session token is malformed';
  const expected = createHmac('sha256', app.clientSecret).update(`${header}.${payload}`).digest('base64url');
  if (!safeEqual(expected, signature)) return 'Session token signature is invalid';
  const claims = decodeSegment(payload);
  if (!claims || decodeSegment(header)?.alg !== 'HS256') return 'Session token is malformed';
  const now = nowMs / 1000;
  if (claims.aud !== app.clientId) return 'Session token audience does not match the client';
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_TOLERANCE_S < now) return 'Session token has expired';
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_TOLERANCE_S > now) return 'Session token is not yet valid';
  if (typeof claims.dest !== 'string' || hostOf(claims.dest) !== shop) return 'Session token was issued for another shop';
  return claims;
}

function decodeSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * GET /admin/oauth/authorize: the merchant "approves" at once and is sent back to the app
 * with a code and an hmac signed like Shopify's (sorted query string, HMAC-SHA256 hex).
 */
export function authorizeRedirect(store: StandinStore, shop: string, query: Record<string, unknown>): HttpAnswer | { redirect: string } {
  const app = store.apps.get(stringField(query, 'client_id') ?? '');
  const redirectUri = stringField(query, 'redirect_uri');
  if (!app || !redirectUri) return { status: 400, body: { errors: 'Unknown client_id or missing redirect_uri' } };
  store.ensureShop(shop);
  const params: Record<string, string> = {
    code: issueAuthCode(store, shop, app.clientId),
    host: Buffer.from(`${shop}/admin`, 'utf8').toString('base64url'),
    shop,
    state: stringField(query, 'state') ?? '',
    timestamp: String(Math.floor(store.now() / 1000)),
  };
  const signed = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const hmac = createHmac('sha256', app.clientSecret).update(signed.toString()).digest('hex');
  const target = new URL(redirectUri);
  for (const [key, value] of [...signed.entries(), ['hmac', hmac]]) target.searchParams.set(key as string, value as string);
  return { redirect: target.toString() };
}

function stringField(source: Record<string, unknown>, name: string): string | undefined {
  const value = source[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
