// The Admin GraphQL stand-in, over real HTTP: it must answer like Shopify
// wherever Tally would notice (validation, userErrors, cost, throttling, auth,
// OAuth) and fail on purpose when a test asks it to.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminStandin, type AdminStandin, type AdminStandinOptions } from '../../dev/admin-standin/index.js';

const SHOP = 'tally-test.myshopify.com';
const TOKEN = 'shpat_standin_test';
const VERSION = '2026-10';
const START = Date.parse('2025-06-01T12:00:00Z');

interface Running {
  standin: AdminStandin;
  url: string;
  clock: { now: number };
  close(): Promise<void>;
}

const running: Running[] = [];

/** A stand-in behind a real HTTP server on a free port, with a clock the test moves. */
async function startStandin(options: Omit<AdminStandinOptions, 'now'> = {}): Promise<Running> {
  const clock = { now: START };
  const standin = createAdminStandin({ ...options, now: () => clock.now });
  await standin.ready();
  standin.control.registerShop(SHOP, TOKEN);
  const app = express();
  app.use(standin.router);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handle = {
    standin,
    url,
    clock,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  running.push(handle);
  return handle;
}

// Response bodies are checked with expect(); typing every payload would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface GqlResult {
  status: number;
  body: {
    data?: Record<string, Json>;
    errors?: Json;
    extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: Record<string, number> } };
  };
}

async function gql(target: Running, query: string, variables?: Record<string, unknown>, token = TOKEN): Promise<GqlResult> {
  const res = await fetch(`${target.url}/admin/api/${VERSION}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token, 'x-shopify-shop-domain': SHOP },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

const CREATE_BASIC = `#graphql
  mutation CreateBasic($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeBasic { title status codes(first: 1) { nodes { code } } } } }
      userErrors { field message code }
    }
  }`;

const BY_CODE = `#graphql
  query ByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        __typename
        ... on DiscountCodeBasic { title customerGets { value { ... on DiscountPercentage { percentage } } } }
        ... on DiscountCodeFreeShipping { title }
      }
    }
  }`;

const SET_METAFIELDS = `#graphql
  mutation Set($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { id namespace key value compareDigest }
      userErrors { field message code elementIndex }
    }
  }`;

const CREDIT = `#graphql
  mutation Credit($id: ID!, $credit: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $credit) {
      storeCreditAccountTransaction { amount { amount currencyCode } balanceAfterTransaction { amount } account { id balance { amount } } }
      userErrors { field message code }
    }
  }`;

const CUSTOMER = 'gid://shopify/Customer/7001';

const STORE_CREDIT_ACCOUNT_DEBIT = `#graphql
  mutation Debit($id: ID!, $debitInput: StoreCreditAccountDebitInput!) {
    storeCreditAccountDebit(id: $id, debitInput: $debitInput) {
      storeCreditAccountTransaction { amount { amount currencyCode } balanceAfterTransaction { amount } }
      userErrors { field message code }
    }
  }`;

function basicInput(overrides: Record<string, unknown> = {}) {
  return {
    title: '10% reward',
    code: 'TALLY-10OFF',
    startsAt: '2025-05-01T00:00:00Z',
    context: { all: 'ALL' },
    customerGets: { value: { percentage: 0.1 }, items: { all: true } },
    ...overrides,
  };
}

function pointsMetafield(value: string, extra: Record<string, unknown> = {}) {
  return { ownerId: CUSTOMER, namespace: 'tally', key: 'points', type: 'number_integer', value, ...extra };
}

let shared: Running;
beforeAll(async () => {
  shared = await startStandin();
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});
beforeEach(() => {
  shared.standin.control.reset();
});

describe('document validation against the real Admin schema', () => {
  it('answers an unknown field with a located 200 error and creates nothing', async () => {
    const res = await gql(
      shared,
      `mutation { discountCodeBasicCreate(basicCodeDiscount: { title: "x", code: "X" }) { codeDiscountNode { id } bogus } }`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors[0]).toMatchObject({
      message: expect.stringContaining('bogus'),
      locations: [expect.objectContaining({ line: 1 })],
      extensions: { code: 'undefinedField' },
    });
    expect(shared.standin.state.discounts(SHOP)).toEqual([]);
  });

  it('rejects a wrong argument name and a syntax error, each with a code', async () => {
    const wrongArg = await gql(shared, `mutation { discountCodeBasicCreate(input: {}) { userErrors { message } } }`);
    expect(wrongArg.body.errors.map((e: Json) => e.extensions.code)).toEqual(
      expect.arrayContaining(['argumentNotAccepted', 'missingRequiredArguments']),
    );
    const syntax = await gql(shared, `query { shop { name }`);
    expect(syntax.status).toBe(200);
    expect(syntax.body.errors[0].extensions.code).toBe('PARSE_ERROR');
  });

  it('rejects variables the schema cannot coerce (a malformed Decimal) without crediting', async () => {
    const res = await gql(shared, CREDIT, { id: CUSTOMER, credit: { creditAmount: { amount: 'ten', currencyCode: 'USD' } } });
    expect(res.body.errors[0].message).toContain('$credit');
    expect(shared.standin.state.storeCredit(SHOP, CUSTOMER)).toEqual([]);
  });

  it('names a root field it does not implement instead of answering null', async () => {
    const res = await gql(shared, `{ products(first: 1) { nodes { id } } }`);
    expect(res.body.errors[0]).toMatchObject({
      message: 'The Tally admin stand-in does not implement QueryRoot.products',
      extensions: { code: 'NOT_IMPLEMENTED_BY_STANDIN' },
    });
  });

  it('names a nested field it does not implement, with its path', async () => {
    const res = await gql(shared, `{ customer(id: "${CUSTOMER}") { id orders(first: 1) { nodes { id } } } }`);
    expect(res.body.errors[0]).toMatchObject({
      message: expect.stringContaining('Customer.orders'),
      path: ['customer', 'orders'],
    });
  });
});

describe('discount codes', () => {
  it('creates a basic code discount that codeDiscountNodeByCode then returns, matching case-insensitively', async () => {
    const created = await gql(shared, CREATE_BASIC, { input: basicInput() });
    const node = created.body.data!.discountCodeBasicCreate.codeDiscountNode;
    expect(created.body.data!.discountCodeBasicCreate.userErrors).toEqual([]);
    expect(node.id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    expect(node.codeDiscount).toMatchObject({
      __typename: 'DiscountCodeBasic',
      status: 'ACTIVE',
      codes: { nodes: [{ code: 'TALLY-10OFF' }] },
    });

    const read = await gql(shared, BY_CODE, { code: 'tally-10off' });
    expect(read.body.data!.codeDiscountNodeByCode).toEqual({
      id: node.id,
      codeDiscount: { __typename: 'DiscountCodeBasic', title: '10% reward', customerGets: { value: { percentage: 0.1 } } },
    });
    expect((await gql(shared, BY_CODE, { code: 'NOPE' })).body.data!.codeDiscountNodeByCode).toBeNull();
  });

  it('refuses a duplicate code, even on another discount type, with TAKEN on the code field', async () => {
    await gql(shared, CREATE_BASIC, { input: basicInput() });
    const again = await gql(shared, CREATE_BASIC, { input: basicInput({ code: 'tally-10off', title: 'other' }) });
    expect(again.body.data!.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [{ field: ['basicCodeDiscount', 'code'], message: expect.any(String), code: 'TAKEN' }],
    });
    const shipping = await gql(
      shared,
      `mutation($input: DiscountCodeFreeShippingInput!) { discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) { codeDiscountNode { id } userErrors { field code } } }`,
      {
        input: {
          title: 'ship',
          code: 'TALLY-10OFF',
          startsAt: '2025-05-01T00:00:00Z',
          context: { all: 'ALL' },
          destination: { all: true },
        },
      },
    );
    expect(shipping.body.data!.discountCodeFreeShippingCreate.userErrors).toEqual([
      { field: ['freeShippingCodeDiscount', 'code'], code: 'TAKEN' },
    ]);
    expect(shared.standin.state.discounts(SHOP)).toHaveLength(1);
  });

  it('returns userErrors for a blank title, a percentage above 1 and a negative amount', async () => {
    const errorsFor = async (input: Record<string, unknown>) =>
      (await gql(shared, CREATE_BASIC, { input })).body.data!.discountCodeBasicCreate.userErrors;
    expect(await errorsFor(basicInput({ title: ' ' }))).toEqual([
      { field: ['basicCodeDiscount', 'title'], message: expect.any(String), code: 'BLANK' },
    ]);
    expect(await errorsFor(basicInput({ customerGets: { value: { percentage: 1.5 }, items: { all: true } } }))).toEqual([
      { field: ['basicCodeDiscount', 'customerGets', 'value', 'percentage'], message: expect.any(String), code: 'VALUE_OUTSIDE_RANGE' },
    ]);
    const negative = basicInput({
      customerGets: { value: { discountAmount: { amount: '-5.00', appliesOnEachItem: false } }, items: { all: true } },
    });
    expect((await errorsFor(negative))[0]).toMatchObject({
      field: ['basicCodeDiscount', 'customerGets', 'value', 'discountAmount', 'amount'],
    });
    expect(shared.standin.state.discounts(SHOP)).toEqual([]);
  });

  it('deactivates (ends now) and deletes a discount, freeing its code', async () => {
    const id = (await gql(shared, CREATE_BASIC, { input: basicInput() })).body.data!.discountCodeBasicCreate.codeDiscountNode.id;
    const deactivated = await gql(
      shared,
      `mutation($id: ID!) { discountCodeDeactivate(id: $id) { codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { status endsAt } } } userErrors { message } } }`,
      { id },
    );
    expect(deactivated.body.data!.discountCodeDeactivate.codeDiscountNode.codeDiscount).toEqual({
      status: 'EXPIRED',
      endsAt: '2025-06-01T12:00:00Z',
    });
    const deleted = await gql(
      shared,
      `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { field code } } }`,
      { id },
    );
    expect(deleted.body.data!.discountCodeDelete).toEqual({ deletedCodeDiscountId: id, userErrors: [] });
    expect((await gql(shared, CREATE_BASIC, { input: basicInput() })).body.data!.discountCodeBasicCreate.userErrors).toEqual([]);
  });
});

describe('metafields, tags, customers and store credit', () => {
  it('refuses more than 25 metafields in one metafieldsSet and writes none', async () => {
    const metafields = Array.from({ length: 26 }, (_, i) => pointsMetafield(String(i), { key: `key_${i}` }));
    const res = await gql(shared, SET_METAFIELDS, { metafields });
    expect(res.body.data!.metafieldsSet).toEqual({
      metafields: null,
      userErrors: [
        {
          field: ['metafields'],
          message: 'Exceeded the maximum metafields input limit of 25.',
          code: 'LESS_THAN_OR_EQUAL_TO',
          elementIndex: null,
        },
      ],
    });
    expect(shared.standin.state.metafields(SHOP, CUSTOMER)).toEqual([]);
  });

  it('is atomic: one invalid value means no metafield is written', async () => {
    const res = await gql(shared, SET_METAFIELDS, { metafields: [pointsMetafield('10'), pointsMetafield('ten', { key: 'tier' })] });
    expect(res.body.data!.metafieldsSet.userErrors).toEqual([
      { field: ['metafields', '1', 'value'], message: expect.any(String), code: 'INVALID_VALUE', elementIndex: 1 },
    ]);
    expect(shared.standin.state.metafields(SHOP, CUSTOMER)).toEqual([]);
  });

  it('honours compareDigest: a stale digest and a null digest for an existing metafield are refused', async () => {
    const first = await gql(shared, SET_METAFIELDS, { metafields: [pointsMetafield('10', { compareDigest: null })] });
    const digest = first.body.data!.metafieldsSet.metafields[0].compareDigest;
    const second = await gql(shared, SET_METAFIELDS, { metafields: [pointsMetafield('20', { compareDigest: digest })] });
    expect(second.body.data!.metafieldsSet.userErrors).toEqual([]);
    for (const stale of [digest, null]) {
      const res = await gql(shared, SET_METAFIELDS, { metafields: [pointsMetafield('30', { compareDigest: stale })] });
      expect(res.body.data!.metafieldsSet.userErrors[0]).toMatchObject({ code: 'STALE_OBJECT' });
    }
    expect(shared.standin.state.metafields(SHOP, CUSTOMER).map((m) => m.value)).toEqual(['20']);
  });

  it('adds and removes tags case-insensitively and serves them on the customer', async () => {
    await gql(shared, `mutation { tagsAdd(id: "${CUSTOMER}", tags: ["vip, tally-gold", "VIP"]) { userErrors { message } } }`);
    await gql(shared, `mutation { tagsRemove(id: "${CUSTOMER}", tags: ["TALLY-GOLD"]) { userErrors { message } } }`);
    expect(shared.standin.state.tags(SHOP, CUSTOMER)).toEqual(['vip']);
    const read = await gql(shared, `{ customer(id: "${CUSTOMER}") { tags } }`);
    expect(read.body.data!.customer.tags).toEqual(['vip']);
  });

  it('customerUpdate replaces tags and sets metafields on the customer', async () => {
    const id = shared.standin.control.upsertCustomer(SHOP, { email: 'ava@example.com', firstName: 'Ava', tags: ['old'] });
    const res = await gql(
      shared,
      `mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { id email firstName tags metafield(namespace: "tally", key: "tier") { value } } userErrors { field message } } }`,
      {
        input: {
          id,
          tags: ['tally-silver'],
          metafields: [{ namespace: 'tally', key: 'tier', type: 'single_line_text_field', value: 'silver' }],
        },
      },
    );
    expect(res.body.data!.customerUpdate).toEqual({
      customer: { id, email: 'ava@example.com', firstName: 'Ava', tags: ['tally-silver'], metafield: { value: 'silver' } },
      userErrors: [],
    });
  });

  it('credits store credit to a customer, opening the account once and adding up', async () => {
    const credit = (amount: string) => gql(shared, CREDIT, { id: CUSTOMER, credit: { creditAmount: { amount, currencyCode: 'USD' } } });
    const first = (await credit('5.00')).body.data!.storeCreditAccountCredit;
    const second = (await credit('2.50')).body.data!.storeCreditAccountCredit;
    expect(second.storeCreditAccountTransaction).toMatchObject({
      amount: { amount: '2.5', currencyCode: 'USD' },
      balanceAfterTransaction: { amount: '7.5' },
      account: { id: first.storeCreditAccountTransaction.account.id, balance: { amount: '7.5' } },
    });
    const [account] = shared.standin.state.storeCredit(SHOP, CUSTOMER);
    expect(account).toMatchObject({ balance: '7.5', currencyCode: 'USD' });
    expect(account!.transactions).toHaveLength(2);
    const zero = (await credit('0')).body.data!.storeCreditAccountCredit;
    expect(zero.userErrors).toEqual([
      { field: ['creditInput', 'creditAmount', 'amount'], message: expect.any(String), code: 'NEGATIVE_OR_ZERO_AMOUNT' },
    ]);
  });

  it('debits store credit up to the balance, refusing more with INSUFFICIENT_FUNDS and changing nothing', async () => {
    const owner = 'gid://shopify/Customer/7002';
    await gql(shared, CREDIT, { id: owner, credit: { creditAmount: { amount: '10.00', currencyCode: 'USD' } } });
    const debit = (id: string, amount: string, currencyCode = 'USD') =>
      gql(shared, STORE_CREDIT_ACCOUNT_DEBIT, { id, debitInput: { debitAmount: { amount, currencyCode } } }).then(
        (r) => r.body.data!.storeCreditAccountDebit,
      );
    const taken = await debit(owner, '4.00');
    expect(taken.userErrors).toEqual([]);
    expect(taken.storeCreditAccountTransaction).toMatchObject({
      amount: { amount: '-4.0', currencyCode: 'USD' },
      balanceAfterTransaction: { amount: '6.0' },
    });
    const accountId = shared.standin.state.storeCredit(SHOP, owner)[0]!.id;
    expect((await debit(accountId, '6.01')).userErrors).toEqual([
      { field: ['debitInput', 'debitAmount', 'amount'], message: expect.any(String), code: 'INSUFFICIENT_FUNDS' },
    ]);
    expect((await debit(accountId, '0')).userErrors[0].code).toBe('NEGATIVE_OR_ZERO_AMOUNT');
    expect((await debit(accountId, '1.00', 'EUR')).userErrors[0].code).toBe('MISMATCHING_CURRENCY');
    expect((await debit('gid://shopify/Customer/7999', '1.00')).userErrors[0].code).toBe('ACCOUNT_NOT_FOUND');
    expect(shared.standin.state.storeCredit(SHOP, owner)[0]!.balance).toBe('6.0');
    expect((await debit(accountId, '6.00')).storeCreditAccountTransaction.balanceAfterTransaction.amount).toBe('0.0');
  });

  it('lets expiring store credit lapse when the clock passes expiresAt', async () => {
    const target = await startStandin();
    await gql(target, CREDIT, {
      id: CUSTOMER,
      credit: { creditAmount: { amount: '4', currencyCode: 'USD' }, expiresAt: '2025-06-02T00:00:00Z' },
    });
    expect(target.standin.state.storeCredit(SHOP, CUSTOMER)[0]!.balance).toBe('4.0');
    target.clock.now = Date.parse('2025-06-03T00:00:00Z');
    expect(target.standin.state.storeCredit(SHOP, CUSTOMER)[0]!.balance).toBe('0.0');
  });
});

describe('query cost and throttling', () => {
  it('reports a static cost: connections cost 2 + first × node, mutations 10', async () => {
    const query = await gql(shared, `{ customer(id: "${CUSTOMER}") { id metafields(first: 7) { edges { node { id } } } } }`);
    expect(query.body.extensions!.cost).toEqual({
      requestedQueryCost: 10,
      actualQueryCost: 10,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
    });
    const mutation = await gql(shared, SET_METAFIELDS, { metafields: [pointsMetafield('1')] });
    expect(mutation.body.extensions!.cost.requestedQueryCost).toBe(10);
  });

  it('throttles once the bucket is drained, changes nothing, and serves again after it refills', async () => {
    const target = await startStandin({ bucketSize: 25, restoreRate: 5 });
    const set = (value: string) => gql(target, SET_METAFIELDS, { metafields: [pointsMetafield(value)] });
    expect((await set('1')).body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(15);
    expect((await set('2')).body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(5);

    const throttled = await set('3');
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: {
        cost: {
          requestedQueryCost: 10,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 25, currentlyAvailable: 5, restoreRate: 5 },
        },
      },
    });
    expect(target.standin.state.metafields(SHOP, CUSTOMER)[0]!.value).toBe('2');

    target.clock.now += 1000; // (10 - 5) / 5 per second
    expect((await set('3')).body.data!.metafieldsSet.userErrors).toEqual([]);
    expect(target.standin.state.metafields(SHOP, CUSTOMER)[0]!.value).toBe('3');
  });

  it('refuses a single query above the max cost with MAX_COST_EXCEEDED', async () => {
    // 1 + (2 + 250 × (1 + 1 + (2 + 10 × 1))) = 3503
    const nested = `owner { ... on Customer { metafields(first: 10) { nodes { id } } } }`;
    const res = await gql(shared, `{ customer(id: "${CUSTOMER}") { metafields(first: 250) { nodes { ${nested} } } } }`);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 3503, maxCost: 1000 });
  });
});

describe('failNext', () => {
  it('answers the next request with a 503, then serves normally', async () => {
    shared.standin.control.failNext('http503');
    expect((await gql(shared, '{ shop { name } }')).status).toBe(503);
    expect((await gql(shared, '{ shop { name } }')).body.data).toEqual({ shop: { name: 'tally-test' } });
  });

  it('aims at one mutation by field name and leaves other requests alone', async () => {
    shared.standin.control.failNext('http500', { field: 'storeCreditAccountCredit', count: 2 });
    expect((await gql(shared, '{ shop { name } }')).status).toBe(200);
    const credit = () => gql(shared, CREDIT, { id: CUSTOMER, credit: { creditAmount: { amount: '1', currencyCode: 'USD' } } });
    expect((await credit()).status).toBe(500);
    expect((await credit()).status).toBe(500);
    expect((await credit()).status).toBe(200);
    expect(shared.standin.state.storeCredit(SHOP, CUSTOMER)[0]!.balance).toBe('1.0');
  });

  it('returns the mutation payload with the userErrors entry given, without applying it', async () => {
    shared.standin.control.failNext('userErrors', {
      userError: { field: ['creditInput'], message: 'Credit limit exceeded', code: 'CREDIT_LIMIT_EXCEEDED' },
    });
    const res = await gql(shared, CREDIT, { id: CUSTOMER, credit: { creditAmount: { amount: '1', currencyCode: 'USD' } } });
    expect(res.body.data!.storeCreditAccountCredit).toEqual({
      storeCreditAccountTransaction: null,
      userErrors: [{ field: ['creditInput'], message: 'Credit limit exceeded', code: 'CREDIT_LIMIT_EXCEEDED' }],
    });
    expect(shared.standin.state.storeCredit(SHOP, CUSTOMER)).toEqual([]);
  });

  it('drops the connection; with afterExecute the mutation still happened', async () => {
    shared.standin.control.failNext('networkDrop');
    await expect(gql(shared, '{ shop { name } }')).rejects.toThrow();
    shared.standin.control.failNext('networkDrop', { afterExecute: true });
    await expect(gql(shared, CREDIT, { id: CUSTOMER, credit: { creditAmount: { amount: '3', currencyCode: 'USD' } } })).rejects.toThrow();
    expect(shared.standin.state.storeCredit(SHOP, CUSTOMER)[0]!.balance).toBe('3.0');
    expect(shared.standin.state.requests.map((r) => r.outcome)).toEqual(['fault:networkDrop', 'fault:networkDrop:after']);
  });

  it('answers THROTTLED on demand without touching state', async () => {
    shared.standin.control.failNext('throttled');
    const res = await gql(shared, SET_METAFIELDS, { metafields: [pointsMetafield('1')] });
    expect(res.body.errors[0].extensions.code).toBe('THROTTLED');
    expect(res.body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(0);
    expect(shared.standin.state.metafields(SHOP, CUSTOMER)).toEqual([]);
  });
});

describe('authentication', () => {
  it('answers a missing or unknown token with Shopify’s exact 401 body', async () => {
    const expected = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
    const unknown = await gql(shared, '{ shop { name } }', undefined, 'shpat_wrong');
    expect(unknown).toEqual({ status: 401, body: expected });
    const missing = await request(shared.url)
      .post(`/admin/api/${VERSION}/graphql.json`)
      .set('x-shopify-shop-domain', SHOP)
      .send({ query: '{ shop { name } }' });
    expect([missing.status, missing.body]).toEqual([401, expected]);
  });

  it('takes the shop from the Host header when no shop header is sent, and refuses another shop’s token', async () => {
    const viaHost = await request(shared.url)
      .post(`/admin/api/${VERSION}/graphql.json`)
      .set('host', SHOP)
      .set('x-shopify-access-token', TOKEN)
      .send({ query: '{ shop { myshopifyDomain } }' });
    expect(viaHost.body.data).toEqual({ shop: { myshopifyDomain: SHOP } });
    shared.standin.control.registerShop('other.myshopify.com', 'shpat_other');
    expect((await gql(shared, '{ shop { name } }', undefined, 'shpat_other')).status).toBe(401);
  });

  it('logs each operation with its variables for assertions', async () => {
    await gql(shared, CREDIT, { id: CUSTOMER, credit: { creditAmount: { amount: '1', currencyCode: 'USD' } } });
    expect(shared.standin.state.requests).toEqual([
      expect.objectContaining({
        shop: SHOP,
        operationType: 'mutation',
        operationName: 'Credit',
        fields: ['storeCreditAccountCredit'],
        variables: { id: CUSTOMER, credit: { creditAmount: { amount: '1', currencyCode: 'USD' } } },
        outcome: 'ok',
      }),
    ]);
  });
});

describe('OAuth token exchange', () => {
  const APP = { clientId: 'client-123', clientSecret: 'hush', scopes: ['write_customers', 'write_discounts'] };

  const exchange = (target: Running, body: Record<string, string>, form = false) => {
    const req = request(target.url).post('/admin/oauth/access_token').set('x-shopify-shop-domain', 'new-shop.myshopify.com');
    return form ? req.type('form').send(body) : req.send(body);
  };

  it('exchanges an authorization code (JSON or form) for a token the GraphQL endpoint accepts', async () => {
    const target = await startStandin({ app: APP });
    const res = await exchange(target, { client_id: APP.clientId, client_secret: APP.clientSecret, code: 'code-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^shpat_/), scope: 'write_customers,write_discounts' });
    const shop = await request(target.url)
      .post(`/admin/api/${VERSION}/graphql.json`)
      .set('x-shopify-shop-domain', 'new-shop.myshopify.com')
      .set('x-shopify-access-token', res.body.access_token)
      .send({ query: '{ shop { myshopifyDomain } }' });
    expect(shop.body.data).toEqual({ shop: { myshopifyDomain: 'new-shop.myshopify.com' } });
    const issued = target.standin.control.issueAuthCode('new-shop.myshopify.com');
    const form = await exchange(target, { client_id: APP.clientId, client_secret: APP.clientSecret, code: issued }, true);
    expect(form.status).toBe(200);
  });

  it("gives the token the app's scopes only: store credit without its scope is ACCESS_DENIED and credits nothing", async () => {
    const target = await startStandin({ app: APP });
    const res = await exchange(target, { client_id: APP.clientId, client_secret: APP.clientSecret, code: 'code-scopes' });
    const credit = await request(target.url)
      .post(`/admin/api/${VERSION}/graphql.json`)
      .set('x-shopify-shop-domain', 'new-shop.myshopify.com')
      .set('x-shopify-access-token', res.body.access_token)
      .send({ query: CREDIT, variables: { id: CUSTOMER, credit: { creditAmount: { amount: '5.00', currencyCode: 'USD' } } } });
    expect(credit.body.data).toEqual({ storeCreditAccountCredit: null });
    expect(credit.body.errors).toEqual([
      expect.objectContaining({
        message:
          'Access denied for storeCreditAccountCredit field. Required access: `write_store_credit_account_transactions` access scope.',
        path: ['storeCreditAccountCredit'],
        extensions: expect.objectContaining({ code: 'ACCESS_DENIED' }),
      }),
    ]);
    expect(target.standin.state.storeCredit('new-shop.myshopify.com', CUSTOMER)).toEqual([]);
  });

  it('refuses a wrong client secret and a replayed code with 400', async () => {
    const target = await startStandin({ app: APP });
    const wrong = await exchange(target, { client_id: APP.clientId, client_secret: 'nope', code: 'code-2' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.access_token).toBeUndefined();
    expect((await exchange(target, { client_id: APP.clientId, client_secret: APP.clientSecret, code: 'code-3' })).status).toBe(200);
    const replay = await exchange(target, { client_id: APP.clientId, client_secret: APP.clientSecret, code: 'code-3' });
    expect([replay.status, replay.body.error]).toEqual([400, 'invalid_request']);
  });

  it('exchanges a valid App Bridge session token (token exchange grant) and refuses a forged one', async () => {
    const target = await startStandin({ app: APP });
    const now = Math.floor(START / 1000);
    const claims = {
      iss: 'https://new-shop.myshopify.com/admin',
      dest: 'https://new-shop.myshopify.com',
      aud: APP.clientId,
      sub: '42',
      exp: now + 60,
      nbf: now,
      iat: now,
    };
    const body = (secret: string) => ({
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: sessionToken(claims, secret),
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
    });
    const ok = await exchange(target, body(APP.clientSecret));
    expect(ok.body).toEqual({ access_token: expect.stringMatching(/^shpat_/), scope: 'write_customers,write_discounts' });
    const forged = await exchange(target, body('not-the-secret'));
    expect([forged.status, forged.body.error]).toEqual([400, 'invalid_subject_token']);
  });
});

describe('reset', () => {
  it('forgets data but keeps registered shops and tokens', async () => {
    await gql(shared, CREATE_BASIC, { input: basicInput() });
    shared.standin.control.reset();
    expect(shared.standin.state.discounts(SHOP)).toEqual([]);
    expect(shared.standin.state.requests).toEqual([]);
    expect((await gql(shared, BY_CODE, { code: 'TALLY-10OFF' })).body.data).toEqual({ codeDiscountNodeByCode: null });
  });
});

function sessionToken(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('customer segments (referral offers for new customers)', () => {
  const CREATE_SEGMENT = `#graphql
    mutation ($name: String!, $query: String!) { segmentCreate(name: $name, query: $query) { segment { id name query } userErrors { field message } } }`;
  const SEGMENT_BY_NAME = `#graphql
    query ($query: String!) { segments(first: 1, query: $query) { nodes { id name } } }`;
  const SELECTION = `#graphql
    query ($code: String!) { codeDiscountNodeByCode(code: $code) { codeDiscount { ... on DiscountCodeBasic { context { __typename ... on DiscountCustomerSegments { segments { id query } } } } } } }`;

  it('creates a segment once per name, finds it by name, and restricts a discount to it', async () => {
    const created = await gql(shared, CREATE_SEGMENT, { name: 'New customers', query: 'number_of_orders = 0' });
    const segment = created.body.data!.segmentCreate.segment;
    expect(segment).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/Segment\/\d+$/), query: 'number_of_orders = 0' });
    const again = await gql(shared, CREATE_SEGMENT, { name: 'new customers', query: 'number_of_orders = 0' });
    expect(again.body.data!.segmentCreate).toEqual({
      segment: null,
      userErrors: [{ field: ['name'], message: 'Name has already been taken' }],
    });
    expect((await gql(shared, SEGMENT_BY_NAME, { query: "name:'New customers'" })).body.data!.segments.nodes).toEqual([
      { id: segment.id, name: 'New customers' },
    ]);

    const discount = await gql(shared, CREATE_BASIC, { input: basicInput({ context: { customerSegments: { add: [segment.id] } } }) });
    expect(discount.body.data!.discountCodeBasicCreate.userErrors).toEqual([]);
    const read = await gql(shared, SELECTION, { code: 'TALLY-10OFF' });
    expect(read.body.data!.codeDiscountNodeByCode.codeDiscount.context).toEqual({
      __typename: 'DiscountCustomerSegments',
      segments: [{ id: segment.id, query: 'number_of_orders = 0' }],
    });
  });

  it('refuses a discount for a segment that does not exist', async () => {
    const res = await gql(shared, CREATE_BASIC, {
      input: basicInput({ context: { customerSegments: { add: ['gid://shopify/Segment/999999'] } } }),
    });
    expect(res.body.data!.discountCodeBasicCreate).toMatchObject({
      codeDiscountNode: null,
      userErrors: [{ field: ['basicCodeDiscount', 'context', 'customerSegments', 'add', '0'], code: 'INVALID' }],
    });
  });
});

describe('who can use a discount: 2026-10 context, and the deprecated customerSelection', () => {
  const BUYERS = `#graphql
    query ($code: String!) { codeDiscountNodeByCode(code: $code) { codeDiscount { ... on DiscountCodeBasic {
      context { __typename ... on DiscountBuyerSelectionAll { all } ... on DiscountCustomers { customers { id } } }
      customerSelection { __typename ... on DiscountCustomerAll { allCustomers } ... on DiscountCustomers { customers { id } } }
    } } } }`;

  it('restricts a code to one customer through context, and shows it both ways', async () => {
    const customer = shared.standin.control.upsertCustomer(SHOP, { email: 'context@example.com' });
    const created = await gql(shared, CREATE_BASIC, { input: basicInput({ context: { customers: { add: [customer] } } }) });
    expect(created.body.data!.discountCodeBasicCreate.userErrors).toEqual([]);
    const read = (await gql(shared, BUYERS, { code: 'TALLY-10OFF' })).body.data!.codeDiscountNodeByCode.codeDiscount;
    expect(read).toEqual({
      context: { __typename: 'DiscountCustomers', customers: [{ id: customer }] },
      customerSelection: { __typename: 'DiscountCustomers', customers: [{ id: customer }] },
    });
  });

  it('answers everyone as DiscountBuyerSelectionAll, and still takes the deprecated input', async () => {
    const created = await gql(shared, CREATE_BASIC, { input: basicInput({ context: undefined, customerSelection: { all: true } }) });
    expect(created.body.data!.discountCodeBasicCreate.userErrors).toEqual([]);
    const read = (await gql(shared, BUYERS, { code: 'TALLY-10OFF' })).body.data!.codeDiscountNodeByCode.codeDiscount;
    expect(read).toEqual({
      context: { __typename: 'DiscountBuyerSelectionAll', all: 'ALL' },
      customerSelection: { __typename: 'DiscountCustomerAll', allCustomers: true },
    });
  });

  it('refuses context and customerSelection together', async () => {
    const res = await gql(shared, CREATE_BASIC, { input: basicInput({ customerSelection: { all: true } }) });
    expect(res.body.data!.discountCodeBasicCreate).toMatchObject({
      codeDiscountNode: null,
      userErrors: [{ field: ['basicCodeDiscount', 'context'], code: 'INVALID' }],
    });
    expect(shared.standin.state.discounts(SHOP)).toEqual([]);
  });
});
