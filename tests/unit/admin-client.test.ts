// The Admin GraphQL client against the stand-in over real HTTP: it waits out
// throttling, retries transient failures, and gives up with typed errors.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertNoUserErrors,
  createAdminClient,
  shopifyAdminEndpoint,
  ShopifyGraphqlError,
  ShopifyHttpError,
  ShopifyNetworkError,
  ShopifyThrottledError,
  ShopifyUserErrorsError,
  userErrorsOf,
  type AdminClientOptions,
} from '../../web/shopify/admin.js';
import { createAdminStandin, type AdminStandin } from '../../dev/admin-standin/index.js';

const SHOP = 'tally-client.myshopify.com';
const TOKEN = 'shpat_client_test';
const VERSION = '2026-10';
const CUSTOMER = 'gid://shopify/Customer/9001';

const SHOP_QUERY = '{ shop { name currencyCode } }';
const SET_POINTS = `#graphql
  mutation SetPoints($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) { metafields { value } userErrors { field message code } }
  }`;
const CREDIT = `#graphql
  mutation Credit($id: ID!, $credit: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $credit) { storeCreditAccountTransaction { id } userErrors { field message code } }
  }`;
const points = (value: string) => ({
  metafields: [{ ownerId: CUSTOMER, namespace: 'tally', key: 'points', type: 'number_integer', value }],
});
const oneDollar = { id: CUSTOMER, credit: { creditAmount: { amount: '1.00', currencyCode: 'USD' } } };

// The stand-in's bucket runs on this clock; the client's injected sleep advances it,
// so waiting for a refill takes no real time.
const clock = { now: Date.parse('2025-06-01T12:00:00Z') };
let standin: AdminStandin;
let server: http.Server;
let endpoint: string;
let delays: number[];

beforeAll(async () => {
  standin = createAdminStandin({ bucketSize: 40, restoreRate: 10, now: () => clock.now });
  await standin.ready();
  const app = express();
  app.use('/dev/shopify', standin.router);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/shopify/admin/api/${VERSION}/graphql.json`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  standin.control.reset({ everything: true });
  standin.control.registerShop(SHOP, TOKEN);
  clock.now += 3_600_000; // a fresh, full bucket for each test
  delays = [];
});

function client(overrides: Partial<AdminClientOptions> = {}) {
  return createAdminClient({
    apiVersion: VERSION,
    endpointFor: () => endpoint,
    accessTokenFor: async () => TOKEN,
    maxRetries: 3,
    random: () => 0,
    sleep: async (ms) => {
      delays.push(ms);
      clock.now += ms;
    },
    ...overrides,
  });
}

const outcomes = () => standin.state.requests.map((r) => r.outcome);

describe('successful requests', () => {
  it('returns data and the cost extension, naming the shop in a header when the endpoint is not the shop', async () => {
    const res = await client().request<{ shop: { name: string; currencyCode: string } }>(SHOP, SHOP_QUERY);
    expect(res.data).toEqual({ shop: { name: 'tally-client', currencyCode: 'USD' } });
    expect(res.extensions?.cost).toMatchObject({ requestedQueryCost: 1, throttleStatus: { maximumAvailable: 40, currentlyAvailable: 39 } });
    expect(standin.state.requests[0]).toMatchObject({ shop: SHOP, fields: ['shop'] });
  });

  it('defaults to the shop’s own endpoint and then sends no shop header', async () => {
    const seen: { url: string; shopHeader: string | null; token: string | null }[] = [];
    // Stands in for DNS: forwards https://<shop>/... to the stand-in, adding the header a proxy would.
    const forwardingFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      seen.push({ url: String(input), shopHeader: headers.get('x-shopify-shop-domain'), token: headers.get('x-shopify-access-token') });
      headers.set('x-shopify-shop-domain', SHOP);
      return fetch(endpoint, { ...init, headers });
    };
    await client({ endpointFor: undefined, fetch: forwardingFetch }).request(SHOP, SHOP_QUERY);
    expect(shopifyAdminEndpoint(SHOP, VERSION)).toBe(`https://${SHOP}/admin/api/${VERSION}/graphql.json`);
    expect(seen).toEqual([{ url: `https://${SHOP}/admin/api/${VERSION}/graphql.json`, shopHeader: null, token: TOKEN }]);
  });

  it('leaves userErrors in data; assertNoUserErrors turns them into a typed error', async () => {
    standin.control.failNext('userErrors', {
      userError: { field: ['metafields', '0', 'value'], message: 'Value is invalid', code: 'INVALID_VALUE' },
    });
    const res = await client().request<{ metafieldsSet: { userErrors: unknown[] } }>(SHOP, SET_POINTS, points('5'));
    expect(userErrorsOf(res.data.metafieldsSet)).toEqual([
      { field: ['metafields', '0', 'value'], message: 'Value is invalid', code: 'INVALID_VALUE' },
    ]);
    expect(() => assertNoUserErrors(res.data.metafieldsSet, 'metafieldsSet')).toThrow(ShopifyUserErrorsError);
    expect(userErrorsOf(null)).toEqual([]);
  });
});

describe('throttling', () => {
  it('waits (requested − available) / restoreRate seconds after THROTTLED, then succeeds', async () => {
    const admin = client();
    for (const value of ['1', '2', '3', '4']) await admin.request(SHOP, SET_POINTS, points(value)); // 40 → 0
    const query = `{ customer(id: "${CUSTOMER}") { metafields(first: 20) { nodes { value } } } }`; // 1 + 2 + 20 = 23
    const res = await admin.request<{ customer: { metafields: { nodes: { value: string }[] } } }>(SHOP, query);
    expect(res.data.customer.metafields.nodes).toEqual([{ value: '4' }]);
    expect(outcomes()).toEqual(['ok', 'ok', 'ok', 'ok', 'throttled', 'ok']);
    expect(delays).toEqual([2300]); // (23 − 0) / 10 per second
    expect(standin.state.metafields(SHOP, CUSTOMER)[0]!.value).toBe('4');
  });

  it('gives up with ShopifyThrottledError after maxRetries, carrying the cost', async () => {
    standin.control.failNext('throttled', { count: 10 });
    const error = await client({ maxRetries: 2 })
      .request(SHOP, SHOP_QUERY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyThrottledError);
    expect(error).toMatchObject({ attempts: 3, retryable: true, cost: { requestedQueryCost: 1 }, retryAfterMs: 100 });
    expect(delays).toEqual([100, 100]);
    expect(outcomes()).toEqual(['fault:throttled', 'fault:throttled', 'fault:throttled']);
  });
});

describe('transient failures', () => {
  it('retries 5xx answers with exponential backoff and then succeeds', async () => {
    standin.control.failNext('http503');
    standin.control.failNext('http502');
    const res = await client({ baseDelayMs: 200 }).request<{ shop: { name: string } }>(SHOP, SHOP_QUERY);
    expect(res.data.shop.name).toBe('tally-client');
    // random() = 0 gives the lower half of each jittered window: 200/2, 400/2.
    expect(delays).toEqual([100, 200]);
    expect(outcomes()).toEqual(['fault:http503', 'fault:http502', 'ok']);
  });

  it('retries a dropped connection and then succeeds', async () => {
    standin.control.failNext('networkDrop');
    const res = await client().request<{ shop: { name: string } }>(SHOP, SHOP_QUERY);
    expect(res.data.shop.name).toBe('tally-client');
    expect(outcomes()).toEqual(['fault:networkDrop', 'ok']);
  });

  it('gives up with ShopifyHttpError after maxRetries of 500s', async () => {
    standin.control.failNext('http500', { count: 10 });
    const error = await client({ maxRetries: 2 })
      .request(SHOP, SHOP_QUERY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyHttpError);
    expect(error).toMatchObject({ status: 500, attempts: 3, retryable: true, mayHaveApplied: false });
    expect(outcomes()).toHaveLength(3);
  });

  it('gives up with ShopifyNetworkError when the connection keeps dropping', async () => {
    standin.control.failNext('networkDrop', { count: 10 });
    const error = await client({ maxRetries: 1 })
      .request(SHOP, SHOP_QUERY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyNetworkError);
    expect(error).toMatchObject({ attempts: 2, retryable: true });
  });

  it('with retryAmbiguousMutations off, does not resend a mutation whose answer was lost', async () => {
    standin.control.failNext('http502', { field: 'storeCreditAccountCredit', afterExecute: true });
    const admin = client({ retryAmbiguousMutations: false });
    const error = await admin.request(SHOP, CREDIT, oneDollar).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyHttpError);
    expect(error).toMatchObject({ status: 502, attempts: 1, mayHaveApplied: true });
    // Shopify applied it once; a blind retry would have credited twice.
    expect(standin.state.storeCredit(SHOP, CUSTOMER)[0]!.balance).toBe('1.0');
  });

  it('by default resends a mutation after a 5xx, which is why mutations must be idempotent', async () => {
    standin.control.failNext('http502', { field: 'storeCreditAccountCredit', afterExecute: true });
    await client().request(SHOP, CREDIT, oneDollar);
    expect(standin.state.storeCredit(SHOP, CUSTOMER)[0]!.balance).toBe('2.0');
  });
});

describe('permanent failures', () => {
  it('does not retry an invalid document: ShopifyGraphqlError carries Shopify’s errors', async () => {
    const error = await client()
      .request(SHOP, '{ shop { nope } }')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect(error).toMatchObject({ attempts: 1, retryable: false, errors: [{ extensions: { code: 'undefinedField' } }] });
    expect(delays).toEqual([]);
  });

  it('does not retry a 401', async () => {
    const error = await client({ accessTokenFor: async () => 'shpat_revoked' })
      .request(SHOP, SHOP_QUERY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyHttpError);
    expect(error).toMatchObject({ status: 401, attempts: 1, retryable: false });
    expect((error as ShopifyHttpError).body).toContain('Invalid API key or access token');
  });
});
