// Access scopes: every operation Tally sends needs scopes that shopify.app.toml
// requests, and the Admin stand-in refuses, as Shopify does (ACCESS_DENIED), an
// operation whose scope the session lacks. What each field needs is read from
// Shopify's own introspection (requiredAccess), so the table below is derived
// from the schema; the test pins it so a change is seen.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { parse, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES } from '../../web/config.js';
import {
  appTomlScopes,
  createAdminStandin,
  documentRequirements,
  grantedScopes,
  loadAccessNotes,
  loadAdminSchema,
  parseRequiredAccess,
  satisfies,
  SCHEMA_API_VERSION,
  type AdminStandin,
  type Requirement,
} from '../../dev/admin-standin/index.js';
import { issueOperation, discountIdVariables } from '../../web/shopify/operations/discounts.js';
import { VARIANT_PRICE } from '../../web/shopify/operations/lookups.js';
import { historyOrdersQuery } from '../../web/shopify/operations/bulk.js';
import { NEW_CUSTOMERS_SEGMENT } from '../../web/shopify/operations/referrals.js';
import { operationOf, tallyDocuments } from '../helpers/admin-schema.js';

const SHOP = 'scopes.myshopify.com';
const CUSTOMER = 'gid://shopify/Customer/7001';
const SHOP_GID = 'gid://shopify/Shop/1';
const VARIANT = 'gid://shopify/ProductVariant/44';
const CTX = {
  code: 'TALLY-SCOPES',
  customerId: CUSTOMER,
  title: 'Reward',
  startsAt: new Date('2026-10-01T00:00:00Z'),
  currency: 'USD',
  valueMinor: 500,
};

// Built at run time by web/jobs/sync-members.ts (one alias pair per member), so not found as a #graphql constant.
const SET_TIER_TAGS = `mutation SetTierTags($id0: ID!, $remove0: [String!]!, $add0: [String!]!) {
  remove0: tagsRemove(id: $id0, tags: $remove0) { userErrors { field message } }
  add0: tagsAdd(id: $id0, tags: $add0) { userErrors { field message } }
}`;

/** Variables like the ones Tally sends, per operation name (owners decide metafield and tag scopes). */
const VARIABLES: Record<string, Record<string, unknown>> = {
  DiscountCodeBasicCreate: issueOperation('fixed-amount', { pointsCost: 500, amountMinor: 500 }, CTX)!.variables,
  DiscountCodeFreeShippingCreate: issueOperation('free-shipping', { pointsCost: 400 }, CTX)!.variables,
  StoreCreditAccountCredit: issueOperation('store-credit', { pointsCost: 1000, amountMinor: 1000 }, CTX)!.variables,
  DiscountCodeDeactivate: discountIdVariables('gid://shopify/DiscountCodeNode/1'),
  DiscountCodeDelete: discountIdVariables('gid://shopify/DiscountCodeNode/1'),
  CodeDiscountByCode: { code: 'TALLY-SCOPES' },
  VariantPrice: { id: VARIANT },
  SegmentCreate: { ...NEW_CUSTOMERS_SEGMENT },
  SegmentByName: { query: `name:'${NEW_CUSTOMERS_SEGMENT.name}'` },
  CustomerStoreCredit: { id: CUSTOMER },
  StoreCreditAccountDebit: {
    id: 'gid://shopify/StoreCreditAccount/1',
    debitInput: { debitAmount: { amount: '1.00', currencyCode: 'USD' } },
  },
  SetMemberMetafields: { metafields: [{ ownerId: CUSTOMER, namespace: '$app:tally', key: 'points', type: 'number_integer', value: '10' }] },
  ReadProgramMetafield: { namespace: '$app:tally', key: 'program', widgetKey: 'widget', pointsNameKey: 'points_name' },
  SetProgramMetafield: { metafields: [{ ownerId: SHOP_GID, namespace: '$app:tally', key: 'program', type: 'json', value: '{}' }] },
  ShopDetails: {},
  SetTierTags: { id0: CUSTOMER, remove0: ['tally-silver'], add0: ['tally-gold'] },
  BulkRunQuery: { query: historyOrdersQuery('2025-01-01') },
  BulkOperationStatus: { id: 'gid://shopify/BulkOperation/1' },
  HistoryOrders: {},
  CustomerEmailMarketingConsentUpdate: {
    input: { customerId: CUSTOMER, emailMarketingConsent: { marketingState: 'UNSUBSCRIBED', consentUpdatedAt: '2026-12-07T10:00:00Z' } },
  },
};

/** Documents Tally runs only as bulk operations (web/shopify/operations/bulk.ts). */
const BULK_QUERIES = new Set(['HistoryOrders']);

/**
 * Operation → scopes, derived from the 2026-10 schema's notes; each inner list is "any of".
 * write_* implies read_* on Shopify, so a read listed here is also met by its write.
 */
const EXPECTED: Record<string, string[][]> = {
  // The bulk mutation and status need no scope of their own; the bulk query (HistoryOrders) needs what it reads.
  BulkOperationStatus: [],
  BulkRunQuery: [],
  CodeDiscountByCode: [['read_discounts']],
  CustomerEmailMarketingConsentUpdate: [['read_customers'], ['write_customers']],
  CustomerStoreCredit: [['read_customers'], ['read_store_credit_accounts']],
  DiscountCodeBasicCreate: [['read_discounts'], ['write_discounts']],
  DiscountCodeDeactivate: [['read_discounts'], ['write_discounts']],
  DiscountCodeDelete: [['write_discounts']],
  DiscountCodeFreeShippingCreate: [['read_discounts'], ['write_discounts']],
  HistoryOrders: [
    ['read_customers'],
    ['read_marketplace_orders', 'read_orders'],
    ['read_marketplace_orders', 'read_orders', 'read_quick_sale'],
    ['read_products'],
  ],
  ReadProgramMetafield: [],
  SegmentByName: [['read_customers']],
  SegmentCreate: [['read_customers'], ['write_customers']],
  SetMemberMetafields: [['write_customers']],
  SetProgramMetafield: [],
  SetTierTags: [['write_customers']],
  ShopDetails: [],
  StoreCreditAccountCredit: [['read_store_credit_account_transactions'], ['write_store_credit_account_transactions']],
  StoreCreditAccountDebit: [['read_store_credit_account_transactions'], ['write_store_credit_account_transactions']],
  VariantPrice: [['read_products']],
};

let schema: GraphQLSchema;
let documents: Map<string, string>;
let requirements: Map<string, Requirement>;

beforeAll(async () => {
  schema = await loadAdminSchema();
  const notes = await loadAccessNotes();
  documents = new Map([
    ...tallyDocuments().map((d) => [operationOf(d.document).name!.value, d.document] as const),
    ['SetTierTags', SET_TIER_TAGS],
  ]);
  requirements = new Map(
    [...documents].map(([name, document]) => {
      const byField = documentRequirements(schema, notes, parse(document), VARIABLES[name]);
      return [name, distinct([...byField.values()].flat())] as const;
    }),
  );
});

function distinct(groups: Requirement): string[][] {
  const keyed = new Map(groups.map((group) => [[...group].sort().join('|'), [...group].sort()]));
  return [...keyed.values()].sort((a, b) => a.join().localeCompare(b.join()));
}

describe('required access scopes', () => {
  it("reads Shopify's requiredAccess notes as scopes", () => {
    expect(parseRequiredAccess('`read_products` access scope.')).toEqual([['read_products']]);
    expect(parseRequiredAccess('Apps must have `write_discounts` access scope.')).toEqual([['write_discounts']]);
    expect(
      parseRequiredAccess('`read_orders` access scope, `read_marketplace_orders` access scope or `read_quick_sale` access scope.'),
    ).toEqual([['read_orders', 'read_marketplace_orders', 'read_quick_sale']]);
    expect(parseRequiredAccess('`write_customers` access scope. Also: The user must not have restricted access.')).toEqual([
      ['write_customers'],
    ]);
    expect(
      parseRequiredAccess(
        '`write_products` access scope as well as any of `write_own_subscription_contracts`, `write_purchase_options` access scopes.',
      ),
    ).toEqual([['write_products'], ['write_own_subscription_contracts', 'write_purchase_options']]);
    expect(parseRequiredAccess('access to checkout branding settings and the shop must be on a Plus plan.')).toBeNull();
  });

  it('counts a write scope as its read scope too, as Shopify does', () => {
    expect(satisfies(grantedScopes('write_discounts'), [['read_discounts']])).toBe(true);
    expect(satisfies(grantedScopes('read_discounts'), [['write_discounts']])).toBe(false);
  });

  it('knows every operation Tally sends, and what each needs (derived from the schema)', () => {
    expect(Object.fromEntries([...requirements].sort(([a], [b]) => a.localeCompare(b)))).toEqual(EXPECTED);
  });

  it('shopify.app.toml requests every scope those operations need; the default SCOPES match it', () => {
    const granted = grantedScopes(appTomlScopes());
    const missing = [...requirements]
      .filter(([, groups]) => !satisfies(granted, groups))
      .map(([name, groups]) => `${name} needs ${JSON.stringify(groups)}`);
    expect(missing).toEqual([]);
    expect(DEFAULT_SCOPES.split(',').sort()).toEqual([...appTomlScopes()].sort());
  });
});

describe('the stand-in enforces them', () => {
  let standin: AdminStandin;
  let url: string;
  let server: http.Server;
  let tokens = 0;

  beforeAll(async () => {
    standin = createAdminStandin();
    await standin.ready();
    const app = express();
    app.use(standin.router);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A session holding `scopes` (default: what shopify.app.toml requests). */
  function session(scopes?: readonly string[]): string {
    tokens += 1;
    const token = `shpat_scopes_${tokens}`;
    standin.control.registerShop(SHOP, token, undefined, scopes);
    return token;
  }

  async function send(token: string, name: string) {
    // A bulk query is not sent as itself: Tally hands it to bulkOperationRunQuery, which reads what it allows.
    if (BULK_QUERIES.has(name)) return sendDocument(token, 'BulkRunQuery', { query: documents.get(name) });
    return sendDocument(token, name, VARIABLES[name]);
  }

  async function sendDocument(token: string, name: string, variables: Record<string, unknown> | undefined) {
    const res = await fetch(`${url}/admin/api/${SCHEMA_API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token, 'x-shopify-shop-domain': SHOP },
      body: JSON.stringify({ query: documents.get(name), variables, operationName: name }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
    };
  }

  const denials = (body: Awaited<ReturnType<typeof send>>) => (body.errors ?? []).filter((e) => e.extensions?.code === 'ACCESS_DENIED');

  it('refuses the variant-price query to a session without read_products, as Shopify words it', async () => {
    expect(documents.get('VariantPrice')).toBe(VARIANT_PRICE);
    standin.control.upsertVariant(SHOP, { id: VARIANT, title: 'Enamel mug', price: '12.50' });
    const without = await send(session(appTomlScopes().filter((s) => s !== 'read_products')), 'VariantPrice');
    expect(without).toEqual({
      data: { productVariant: null },
      errors: [
        {
          message: 'Access denied for productVariant field. Required access: `read_products` access scope.',
          locations: [expect.objectContaining({ line: expect.any(Number) })],
          path: ['productVariant'],
          extensions: {
            code: 'ACCESS_DENIED',
            documentation: 'https://shopify.dev/api/usage/access-scopes',
            requiredAccess: '`read_products` access scope.',
          },
        },
      ],
      extensions: expect.anything(),
    });
    const granted = await send(session(), 'VariantPrice');
    expect(granted.data).toEqual({ productVariant: { price: '12.50' } });
    expect(granted.errors).toBeUndefined();
  });

  it("serves every operation Tally sends to a session with the toml's scopes, without an access error", async () => {
    const token = session();
    for (const name of documents.keys()) expect(denials(await send(token, name)), name).toEqual([]);
  });

  it('refuses every operation to a session missing any scope it needs, and a refused mutation changes nothing', async () => {
    standin.control.reset();
    for (const [name, groups] of Object.entries(EXPECTED)) {
      for (const group of groups) {
        // Take away the scope and any write scope that would grant it.
        const lacking = appTomlScopes().filter((s) => !group.some((needed) => s === needed || s === needed.replace(/^read_/, 'write_')));
        const body = await send(session(lacking), name);
        expect(denials(body).length, `${name} without ${group.join('/')}`).toBeGreaterThan(0);
      }
    }
    expect(standin.state.discounts(SHOP)).toEqual([]);
    expect(standin.state.metafields(SHOP, CUSTOMER)).toEqual([]);
    expect(standin.state.tags(SHOP, CUSTOMER)).toEqual([]);
    expect(standin.state.segments(SHOP)).toEqual([]);
    expect(standin.state.storeCredit(SHOP, CUSTOMER)).toEqual([]);
  });
});
