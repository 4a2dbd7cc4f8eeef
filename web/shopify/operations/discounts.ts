// The Admin API (2026-10) documents that issue rewards, and pure builders that
// turn a reward's config plus an issue context into a mutation's variables.
// Every field name here is checked against the 2026-10 schema by
// tests/unit/rewards/operations.test.ts.
//
// Each code is for one customer (context.customers.add; 2026-10 deprecates the
// older customerSelection), usable once (usageLimit 1, appliesOncePerCustomer)
// from startsAt until codeExpiresInDays.
//
// A free product is a fixed amount off, equal to one unit's price, on that
// variant only: a basic code discount cannot cap the discounted quantity
// (discountOnQuantity belongs to Buy X Get Y), and 100% off the variant would
// make every unit in the cart free. So the caller passes the variant's price
// as valueMinor when issuing.
import { formatMinor } from '../../loyalty/domain/money.js';
import { requireRewardConfig, rewardType } from '../../loyalty/domain/rewards/index.js';
import type {
  AppliesTo,
  CodeOptions,
  FixedAmountConfig,
  FreeProductConfig,
  FreeShippingConfig,
  PercentageConfig,
  PointsSliderConfig,
  StoreCreditConfig,
} from '../../loyalty/domain/rewards/index.js';

export const DISCOUNT_CODE_BASIC_CREATE = `#graphql
  mutation DiscountCodeBasicCreate($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }`;

export const DISCOUNT_CODE_FREE_SHIPPING_CREATE = `#graphql
  mutation DiscountCodeFreeShippingCreate($input: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }`;

export const STORE_CREDIT_ACCOUNT_CREDIT = `#graphql
  mutation StoreCreditAccountCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction { id amount { amount currencyCode } expiresAt }
      userErrors { field message code }
    }
  }`;

/** Ends a code early (a redemption reverted); the discount stays in the admin for the record. */
export const DISCOUNT_CODE_DEACTIVATE = `#graphql
  mutation DiscountCodeDeactivate($id: ID!) {
    discountCodeDeactivate(id: $id) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }`;

export const DISCOUNT_CODE_DELETE = `#graphql
  mutation DiscountCodeDelete($id: ID!) {
    discountCodeDelete(id: $id) {
      deletedCodeDiscountId
      userErrors { field message code }
    }
  }`;

/** Whether an earlier, unanswered attempt already created the code (retries check before creating). */
export const CODE_DISCOUNT_BY_CODE = `#graphql
  query CodeDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) { id }
  }`;

export interface IssueContext {
  /** From generateDiscountCode(); unused for store credit. */
  code: string;
  /** Customer GID of the member. */
  customerId: string;
  /** Shown to the merchant in the admin and to the customer at checkout. */
  title: string;
  startsAt: Date;
  /**
   * When the code or credit ends, if already fixed (the redemption's recorded
   * expiry, so a retried issue does not move it); otherwise startsAt plus the
   * config's days.
   */
  endsAt?: Date | null;
  /** Shop currency, e.g. "USD". */
  currency: string;
  /**
   * What the redemption is worth in minor units: cost().valueMinor for amounts
   * (fixed-amount, points-slider, store-credit), the variant's unit price for
   * free-product; unused by percentage and free-shipping.
   */
  valueMinor: number;
}

/** A mutation ready to send: the payload is `data[field]`, with `userErrors`. */
export interface AdminOperation {
  document: string;
  field: string;
  variables: Record<string, unknown>;
}

export class NotIssuedByShopifyError extends Error {
  override readonly name = 'NotIssuedByShopifyError';
  constructor(readonly type: string) {
    super(`${type} rewards are not issued through a Shopify mutation`);
  }
}

const DAY_MS = 86_400_000;

function endsAt(ctx: IssueContext, days: number | null): string | null {
  if (ctx.endsAt) return ctx.endsAt.toISOString();
  return days === null ? null : new Date(ctx.startsAt.getTime() + days * DAY_MS).toISOString();
}

function positiveAmount(ctx: IssueContext, what: string): string {
  if (!Number.isSafeInteger(ctx.valueMinor) || ctx.valueMinor <= 0) {
    throw new RangeError(`${what} needs a positive valueMinor in the issue context, got ${ctx.valueMinor}`);
  }
  return formatMinor(ctx.valueMinor, ctx.currency);
}

/** Fields every reward code shares: one customer, one use, the window, the minimum, combinations. */
function codeBase(options: CodeOptions, ctx: IssueContext) {
  return {
    title: ctx.title,
    code: ctx.code,
    startsAt: ctx.startsAt.toISOString(),
    endsAt: endsAt(ctx, options.codeExpiresInDays),
    context: { customers: { add: [ctx.customerId] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { ...options.combinesWith },
    ...(options.minimumSubtotalMinor > 0
      ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: formatMinor(options.minimumSubtotalMinor, ctx.currency) } } }
      : {}),
  };
}

function items(appliesTo: AppliesTo) {
  switch (appliesTo.kind) {
    case 'all':
      return { all: true };
    case 'products':
      return { products: { productsToAdd: appliesTo.productIds } };
    case 'collections':
      return { collections: { add: appliesTo.collectionIds } };
  }
}

function basic(options: CodeOptions, ctx: IssueContext, customerGets: Record<string, unknown>): AdminOperation {
  return {
    document: DISCOUNT_CODE_BASIC_CREATE,
    field: 'discountCodeBasicCreate',
    variables: { input: { ...codeBase(options, ctx), customerGets } },
  };
}

const amountOff = (amount: string) => ({ discountAmount: { amount, appliesOnEachItem: false } });

/**
 * The mutation that issues a reward: a code discount, or store credit for
 * 'store-credit'. The config is re-checked against its type. A donation has no
 * Shopify side (NotIssuedByShopifyError; issueOperation answers null).
 */
export function discountVariables(type: string, rawConfig: unknown, ctx: IssueContext): AdminOperation {
  const config = requireRewardConfig(type, rawConfig);
  switch (type) {
    case 'fixed-amount': {
      const c = config as FixedAmountConfig;
      return basic(c, ctx, { value: amountOff(positiveAmount(ctx, type)), items: items(c.appliesTo) });
    }
    case 'points-slider': {
      const c = config as PointsSliderConfig;
      return basic(c, ctx, { value: amountOff(positiveAmount(ctx, type)), items: items(c.appliesTo) });
    }
    case 'percentage': {
      const c = config as PercentageConfig;
      return basic(c, ctx, { value: { percentage: c.percentage / 100 }, items: items(c.appliesTo) });
    }
    case 'free-product': {
      const c = config as FreeProductConfig;
      return basic(c, ctx, { value: amountOff(positiveAmount(ctx, type)), items: { products: { productVariantsToAdd: [c.variantId] } } });
    }
    case 'free-shipping': {
      const c = config as FreeShippingConfig;
      return {
        document: DISCOUNT_CODE_FREE_SHIPPING_CREATE,
        field: 'discountCodeFreeShippingCreate',
        variables: {
          input: {
            ...codeBase(c, ctx),
            destination: { all: true },
            maximumShippingPrice: c.maxShippingMinor === null ? null : formatMinor(c.maxShippingMinor, ctx.currency),
          },
        },
      };
    }
    case 'store-credit':
      return storeCreditVariables(config, ctx);
    default:
      throw new NotIssuedByShopifyError(type);
  }
}

/** Store credit for the member (the customer GID opens an account if they have none). */
export function storeCreditVariables(rawConfig: unknown, ctx: IssueContext): AdminOperation {
  const config = requireRewardConfig('store-credit', rawConfig) as StoreCreditConfig;
  const expiresAt = endsAt(ctx, config.expiresInDays);
  return {
    document: STORE_CREDIT_ACCOUNT_CREDIT,
    field: 'storeCreditAccountCredit',
    variables: {
      id: ctx.customerId,
      creditInput: {
        creditAmount: { amount: positiveAmount(ctx, 'store-credit'), currencyCode: ctx.currency },
        ...(expiresAt ? { expiresAt } : {}),
      },
    },
  };
}

/** The mutation that issues any reward type; null for a donation, which Shopify has no part in. */
export function issueOperation(type: string, rawConfig: unknown, ctx: IssueContext): AdminOperation | null {
  switch (rewardType(type)?.issue) {
    case 'discount-code':
    case 'free-shipping-code':
    case 'store-credit':
      return discountVariables(type, rawConfig, ctx);
    case 'donation':
      return null;
    case undefined:
      // requireRewardConfig names the unknown type.
      requireRewardConfig(type, rawConfig);
      throw new NotIssuedByShopifyError(type);
  }
}

/** Variables for DISCOUNT_CODE_DEACTIVATE or DISCOUNT_CODE_DELETE. */
export function discountIdVariables(codeDiscountNodeId: string): { id: string } {
  return { id: codeDiscountNodeId };
}
