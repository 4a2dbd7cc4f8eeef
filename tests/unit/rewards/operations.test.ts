// Every document Tally sends to issue a reward must be valid against the real
// 2026-10 Admin schema, and so must every variables object the builders make:
// a misspelt input field is otherwise only found by a merchant's failed redemption.
import express from 'express';
import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDiscountCode } from '../../../web/loyalty/domain/rewards/code.js';
import { parseRewardConfig } from '../../../web/loyalty/domain/rewards/index.js';
import { createAdminStandin } from '../../../dev/admin-standin/index.js';
import { loadAdminSchema } from '../../../dev/admin-standin/schema.js';
import {
  CODE_DISCOUNT_BY_CODE,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_DEACTIVATE,
  DISCOUNT_CODE_DELETE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  discountIdVariables,
  discountVariables,
  issueOperation,
  NotIssuedByShopifyError,
  STORE_CREDIT_ACCOUNT_CREDIT,
  storeCreditVariables,
  type AdminOperation,
  type IssueContext,
} from '../../../web/shopify/operations/discounts.js';
import { CUSTOMER_STORE_CREDIT, STORE_CREDIT_ACCOUNT_DEBIT } from '../../../web/shopify/operations/store-credit.js';
import { documentProblems, variableProblems } from '../../helpers/admin-schema.js';

const DOCUMENTS = {
  CUSTOMER_STORE_CREDIT,
  STORE_CREDIT_ACCOUNT_DEBIT,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  STORE_CREDIT_ACCOUNT_CREDIT,
  DISCOUNT_CODE_DEACTIVATE,
  DISCOUNT_CODE_DELETE,
  CODE_DISCOUNT_BY_CODE,
};

const CUSTOMER = 'gid://shopify/Customer/7001';
const START = new Date('2025-06-01T12:00:00Z');

function ctx(overrides: Partial<IssueContext> = {}): IssueContext {
  return {
    code: generateDiscountCode(),
    customerId: CUSTOMER,
    title: 'Reward — Tally',
    startsAt: START,
    currency: 'USD',
    valueMinor: 500,
    ...overrides,
  };
}

/** One config per type and per option that changes the variables. */
const CASES: Array<{ name: string; type: string; config: unknown; valueMinor?: number }> = [
  { name: 'fixed amount on everything', type: 'fixed-amount', config: { pointsCost: 500, amountMinor: 500 } },
  {
    name: 'fixed amount on products, with minimum, expiry and combinations',
    type: 'fixed-amount',
    config: {
      pointsCost: 500,
      amountMinor: 500,
      minimumSubtotalMinor: 2500,
      codeExpiresInDays: 30,
      combinesWith: { productDiscounts: true, shippingDiscounts: true },
      appliesTo: { kind: 'products', productIds: ['gid://shopify/Product/1', '2'] },
    },
  },
  {
    name: 'percentage on collections',
    type: 'percentage',
    config: { pointsCost: 300, percentage: 15, appliesTo: { kind: 'collections', collectionIds: ['gid://shopify/Collection/5'] } },
  },
  { name: 'percentage, 100 %', type: 'percentage', config: { pointsCost: 300, percentage: 100 } },
  { name: 'free shipping, any rate', type: 'free-shipping', config: { pointsCost: 400 } },
  {
    name: 'free shipping up to 10.00',
    type: 'free-shipping',
    config: { pointsCost: 400, maxShippingMinor: 1000, codeExpiresInDays: 7, minimumSubtotalMinor: 100 },
  },
  {
    name: 'free product',
    type: 'free-product',
    config: { pointsCost: 900, variantId: 'gid://shopify/ProductVariant/44' },
    valueMinor: 1899,
  },
  {
    name: 'points slider',
    type: 'points-slider',
    config: { pointsStep: 100, amountPerStepMinor: 100, minPoints: 100, maxPoints: 5000 },
    valueMinor: 700,
  },
  { name: 'store credit without expiry', type: 'store-credit', config: { pointsCost: 1000, amountMinor: 1000 }, valueMinor: 1000 },
  {
    name: 'store credit expiring',
    type: 'store-credit',
    config: { pointsCost: 1000, amountMinor: 1000, expiresInDays: 90 },
    valueMinor: 1000,
  },
];

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadAdminSchema();
});

function operationOf(document: string): OperationDefinitionNode {
  const ast = parse(document);
  const operation = ast.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  return operation;
}

/** Coercion errors and deprecated input fields (2026-10 deprecates customerSelection for context). */
function coercionErrors(op: AdminOperation): string[] {
  return variableProblems(schema, op.document, op.variables);
}

function build(c: (typeof CASES)[number], overrides: Partial<IssueContext> = {}): AdminOperation {
  const op = issueOperation(c.type, c.config, ctx({ valueMinor: c.valueMinor ?? 500, ...overrides }));
  if (!op) throw new Error(`${c.type} has no operation`);
  return op;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- variables are checked by shape with expect()
const input = (op: AdminOperation): any => op.variables.input;

describe('the Shopify documents', () => {
  it.each(Object.entries(DOCUMENTS))('%s validates against the 2026-10 Admin schema', (_name, document) => {
    expect(document.trimStart().startsWith('#graphql')).toBe(true);
    expect(documentProblems(schema, document)).toEqual([]);
  });

  it('names the payload field the document selects', () => {
    for (const c of CASES) {
      const op = build(c);
      const selection = operationOf(op.document).selectionSet.selections[0];
      expect(selection?.kind === Kind.FIELD ? selection.name.value : null).toBe(op.field);
    }
  });
});

describe('variables for each reward type', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: accepted by the schema input types', (_name, c) => {
    expect(coercionErrors(build(c))).toEqual([]);
  });

  it('makes an amount-off code for one customer, single use, with the amount as a decimal', () => {
    const code = generateDiscountCode();
    const op = discountVariables('fixed-amount', CASES[1]!.config, ctx({ code, valueMinor: 500 }));
    expect(op.field).toBe('discountCodeBasicCreate');
    expect(input(op)).toEqual({
      title: 'Reward — Tally',
      code,
      startsAt: '2025-06-01T12:00:00.000Z',
      endsAt: '2025-07-01T12:00:00.000Z',
      context: { customers: { add: [CUSTOMER] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: '25.00' } },
      customerGets: {
        value: { discountAmount: { amount: '5.00', appliesOnEachItem: false } },
        items: { products: { productsToAdd: ['gid://shopify/Product/1', 'gid://shopify/Product/2'] } },
      },
    });
  });

  it('writes amounts in the currency minor unit (JPY has none)', () => {
    const op = discountVariables(
      'fixed-amount',
      { pointsCost: 500, amountMinor: 500, minimumSubtotalMinor: 3000 },
      ctx({ currency: 'JPY', valueMinor: 500 }),
    );
    expect(input(op).customerGets.value.discountAmount.amount).toBe('500');
    expect(input(op).minimumRequirement.subtotal.greaterThanOrEqualToSubtotal).toBe('3000');
  });

  it('makes a percentage a fraction of 1 on everything unless limited', () => {
    const op = build(CASES[3]!);
    expect(input(op).customerGets).toEqual({ value: { percentage: 1 }, items: { all: true } });
    expect(input(build(CASES[2]!)).customerGets).toEqual({
      value: { percentage: 0.15 },
      items: { collections: { add: ['gid://shopify/Collection/5'] } },
    });
    expect(input(op).endsAt).toBeNull();
    expect(input(op)).not.toHaveProperty('minimumRequirement');
  });

  it('makes the points slider worth what was priced', () => {
    expect(input(build(CASES[7]!)).customerGets.value).toEqual({ discountAmount: { amount: '7.00', appliesOnEachItem: false } });
  });

  it('makes a free product one unit of the variant: its price off that variant only', () => {
    expect(input(build(CASES[6]!)).customerGets).toEqual({
      value: { discountAmount: { amount: '18.99', appliesOnEachItem: false } },
      items: { products: { productVariantsToAdd: ['gid://shopify/ProductVariant/44'] } },
    });
    expect(() => build(CASES[6]!, { valueMinor: 0 })).toThrow(RangeError);
  });

  it('makes free shipping for every country, capped when the config says so', () => {
    const capped = build(CASES[5]!);
    expect(capped.field).toBe('discountCodeFreeShippingCreate');
    expect(input(capped)).toMatchObject({
      destination: { all: true },
      maximumShippingPrice: '10.00',
      endsAt: '2025-06-08T12:00:00.000Z',
      usageLimit: 1,
      context: { customers: { add: [CUSTOMER] } },
    });
    expect(input(build(CASES[4]!)).maximumShippingPrice).toBeNull();
  });

  it('credits store credit to the customer, with expiry when configured', () => {
    expect(storeCreditVariables(CASES[9]!.config, ctx({ valueMinor: 1000 })).variables).toEqual({
      id: CUSTOMER,
      creditInput: { creditAmount: { amount: '10.00', currencyCode: 'USD' }, expiresAt: '2025-08-30T12:00:00.000Z' },
    });
    expect(storeCreditVariables(CASES[8]!.config, ctx({ valueMinor: 1000 })).variables).toEqual({
      id: CUSTOMER,
      creditInput: { creditAmount: { amount: '10.00', currencyCode: 'USD' } },
    });
  });

  it('keeps an expiry already recorded instead of counting from a later retry', () => {
    const recorded = new Date('2025-06-20T00:00:00Z');
    expect(input(build(CASES[1]!, { endsAt: recorded })).endsAt).toBe('2025-06-20T00:00:00.000Z');
  });

  it('issues nothing in Shopify for a donation, and refuses bad types and configs', () => {
    expect(issueOperation('donation', { pointsCost: 1, amountMinor: 1, cause: 'Trees' }, ctx())).toBeNull();
    expect(() => discountVariables('donation', { pointsCost: 1, amountMinor: 1, cause: 'Trees' }, ctx())).toThrow(NotIssuedByShopifyError);
    expect(() => issueOperation('gift-card', {}, ctx())).toThrow(/unknown reward type/);
    expect(() => discountVariables('fixed-amount', { pointsCost: 500 }, ctx())).toThrow(/invalid fixed-amount reward config/);
  });

  it('accepts configs already parsed (defaults and GIDs filled in) the same as raw ones', () => {
    const parsed = parseRewardConfig('fixed-amount', CASES[1]!.config);
    if (!parsed.ok) throw new Error('did not parse');
    const fixed = ctx();
    expect(discountVariables('fixed-amount', parsed.value, fixed)).toEqual(discountVariables('fixed-amount', CASES[1]!.config, fixed));
  });

  it('builds deactivate and delete variables the schema accepts', () => {
    const variables = discountIdVariables('gid://shopify/DiscountCodeNode/1');
    for (const document of [DISCOUNT_CODE_DEACTIVATE, DISCOUNT_CODE_DELETE]) {
      expect(coercionErrors({ document, field: '', variables })).toEqual([]);
    }
  });
});

describe('issuing through the Admin stand-in', () => {
  const SHOP = 'tally-rewards.myshopify.com';
  const TOKEN = 'shpat_rewards_test';

  it('creates every reward type and finds the code afterwards', async () => {
    const standin = createAdminStandin({ now: () => START.getTime() });
    await standin.ready();
    standin.control.registerShop(SHOP, TOKEN);
    const app = express();
    app.use(standin.router);
    const send = async (document: string, variables: Record<string, unknown>) => {
      const res = await request(app)
        .post('/admin/api/2026-10/graphql.json')
        .set({ 'x-shopify-access-token': TOKEN, 'x-shopify-shop-domain': SHOP })
        .send({ query: document, variables });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      return res.body.data as Record<string, { userErrors?: unknown[]; codeDiscountNode?: { id: string } | null }>;
    };

    const codes: string[] = [];
    for (const c of CASES) {
      const issue = ctx({ valueMinor: c.valueMinor ?? 500 });
      const op = build(c, issue);
      const payload = (await send(op.document, op.variables))[op.field];
      expect(payload?.userErrors, c.name).toEqual([]);
      if (op.document !== STORE_CREDIT_ACCOUNT_CREDIT) codes.push(issue.code);
    }

    const discounts = standin.state.discounts(SHOP);
    expect(discounts).toHaveLength(8);
    for (const discount of discounts) {
      expect(discount).toMatchObject({ customerIds: [CUSTOMER], usageLimit: 1, appliesOncePerCustomer: true });
    }
    const found = await send(CODE_DISCOUNT_BY_CODE, { code: codes[0]!.toLowerCase() });
    expect((found as unknown as { codeDiscountNodeByCode: { id: string } }).codeDiscountNodeByCode.id).toBe(discounts[0]!.nodeId);

    const [account] = standin.state.storeCredit(SHOP, CUSTOMER);
    expect(account).toMatchObject({ currencyCode: 'USD', balance: '20.0' });

    const deactivated = await send(DISCOUNT_CODE_DEACTIVATE, discountIdVariables(discounts[0]!.nodeId));
    expect(deactivated.discountCodeDeactivate?.userErrors).toEqual([]);
  });
});
