import { notImplemented } from '../errors.js';
import { gid, gidNumber, parseGid, timeOf } from '../values.js';
import type {
  CustomerRecord,
  DiscountRecord,
  MetafieldRecord,
  OrderRecord,
  StoreCreditAccountRecord,
  StoreCreditTransactionRecord,
} from '../types.js';
import { connection, type ConnectionArgs } from './connection.js';
import { findCustomer, findOrder, type ResolverContext } from './context.js';
import { accountBalance, accountsOf, displayName, findMetafield, metafieldKey, metafieldsOf, tagsOf } from './records.js';

/**
 * Views turn records into objects graphql-js can resolve: a property per implemented
 * field, functions for fields with arguments, and __typename for unions and interfaces.
 * A field missing from a view answers "not implemented" (see the stand-in's field resolver).
 * Discounts live here too: a discount's metafields name their owner, so its views and the
 * metafield views call each other (one module, no import cycle).
 */
export type View = Record<string, unknown>;

export function money(amount: string, currencyCode: string): View {
  return { __typename: 'MoneyV2', amount, currencyCode };
}

interface MetafieldsArgs extends ConnectionArgs {
  namespace?: string | null;
  keys?: string[] | null;
}

export function metafieldFields(ctx: ResolverContext, ownerId: string): View {
  return {
    metafield: (args: { key: string; namespace?: string | null }) => {
      const record = findMetafield(ctx, ownerId, args.namespace, args.key);
      return record ? metafieldView(ctx, record) : null;
    },
    metafields: (args: MetafieldsArgs) => {
      const keys = args.keys ? new Set(args.keys) : null;
      const matching = metafieldsOf(ctx, ownerId).filter(
        (m) => (args.namespace == null || m.namespace === args.namespace) && (!keys || keys.has(metafieldKey(m.namespace, m.key))),
      );
      return connection(
        matching,
        args,
        (m) => m.id,
        (m) => metafieldView(ctx, m),
      );
    },
  };
}

const OWNER_TYPES: Record<string, string> = {
  Customer: 'CUSTOMER',
  Order: 'ORDER',
  Shop: 'SHOP',
  DiscountCodeNode: 'DISCOUNT',
};

export function metafieldView(ctx: ResolverContext, record: MetafieldRecord): View {
  return {
    __typename: 'Metafield',
    id: record.id,
    legacyResourceId: gidNumber(record.id),
    namespace: record.namespace,
    key: record.key,
    type: record.type,
    value: record.value,
    jsonValue: () => jsonValue(record),
    compareDigest: record.compareDigest,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ownerType: OWNER_TYPES[parseGid(record.ownerId)?.type ?? ''],
    owner: () => ownerView(ctx, record.ownerId),
    description: null,
    definition: null,
  };
}

function jsonValue(record: MetafieldRecord): unknown {
  const structured = /^(json|boolean|number_integer|number_decimal|rating|money|dimension|volume|weight|link)$/;
  if (!record.type.startsWith('list.') && !structured.test(record.type)) return record.value;
  try {
    return JSON.parse(record.value);
  } catch {
    return record.value;
  }
}

/** The owner of a metafield, tag set or store credit account, as its GraphQL object. */
export function ownerView(ctx: ResolverContext, ownerId: string): View | null {
  const type = parseGid(ownerId)?.type;
  if (type === 'Customer') {
    const customer = findCustomer(ctx, ownerId);
    return customer ? customerView(ctx, customer) : null;
  }
  if (type === 'Order') {
    const order = findOrder(ctx, ownerId);
    return order ? orderView(ctx, order) : null;
  }
  if (type === 'Shop') return shopView(ctx);
  if (type === 'DiscountCodeNode') {
    const discount = ctx.shop.discounts.get(ownerId);
    return discount ? discountNodeView(ctx, discount) : null;
  }
  throw notImplemented(`owners of type ${type ?? ownerId}`);
}

export function customerView(ctx: ResolverContext, record: CustomerRecord): View {
  const currency = ctx.shop.info.currencyCode;
  return {
    __typename: 'Customer',
    id: record.id,
    legacyResourceId: gidNumber(record.id),
    email: record.email,
    firstName: record.firstName,
    lastName: record.lastName,
    displayName: displayName(record),
    phone: record.phone,
    note: record.note,
    locale: record.locale,
    tags: () => tagsOf(ctx, record.id),
    state: 'DISABLED',
    verifiedEmail: record.email !== null,
    defaultEmailAddress:
      record.email === null
        ? null
        : {
            __typename: 'CustomerEmailAddress',
            emailAddress: record.email,
            marketingState: record.emailMarketing?.state ?? 'NOT_SUBSCRIBED',
            marketingOptInLevel: record.emailMarketing?.optInLevel ?? null,
            marketingUpdatedAt: record.emailMarketing?.updatedAt ?? null,
            validFormat: true,
          },
    validEmailAddress: record.email !== null,
    taxExempt: false,
    taxExemptions: [],
    numberOfOrders: '0',
    amountSpent: money('0.0', currency),
    canDelete: true,
    dataSaleOptOut: false,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...metafieldFields(ctx, record.id),
    storeCreditAccounts: (args: ConnectionArgs & { query?: string | null }) => {
      if (args.query) throw notImplemented('Customer.storeCreditAccounts(query:)');
      const accounts = accountsOf(ctx, record.id);
      return connection(
        accounts,
        args,
        (a) => a.id,
        (a) => storeCreditAccountView(ctx, a),
      );
    },
  };
}

export function orderView(ctx: ResolverContext, record: OrderRecord): View {
  return {
    __typename: 'Order',
    id: record.id,
    legacyResourceId: gidNumber(record.id),
    tags: () => tagsOf(ctx, record.id),
    createdAt: record.createdAt,
    ...metafieldFields(ctx, record.id),
  };
}

export function shopView(ctx: ResolverContext): View {
  const { info, domain } = ctx.shop;
  return {
    __typename: 'Shop',
    id: info.id,
    name: info.name,
    email: info.email,
    contactEmail: info.email,
    myshopifyDomain: info.myshopifyDomain,
    currencyCode: info.currencyCode,
    enabledPresentmentCurrencies: info.enabledPresentmentCurrencies,
    ianaTimezone: info.ianaTimezone,
    plan: { __typename: 'ShopPlan', ...info.plan },
    url: `https://${domain}`,
    primaryDomain: {
      __typename: 'Domain',
      id: info.id.replace('/Shop/', '/Domain/'),
      host: domain,
      url: `https://${domain}`,
      sslEnabled: true,
    },
    ...metafieldFields(ctx, info.id),
  };
}

export function storeCreditAccountView(ctx: ResolverContext, account: StoreCreditAccountRecord): View {
  return {
    __typename: 'StoreCreditAccount',
    id: account.id,
    balance: () => money(accountBalance(ctx, account), account.currencyCode),
    owner: () => ownerView(ctx, account.ownerId),
    transactions: (args: ConnectionArgs) =>
      connection(
        account.transactions,
        args,
        (t) => t.id,
        (t) => creditTransactionView(ctx, account, t),
      ),
  };
}

export function creditTransactionView(ctx: ResolverContext, account: StoreCreditAccountRecord, tx: StoreCreditTransactionRecord): View {
  const currency = account.currencyCode;
  const common = {
    id: tx.id,
    account: () => storeCreditAccountView(ctx, account),
    amount: money(tx.amount, currency),
    balanceAfterTransaction: money(tx.balanceAfter, currency),
    createdAt: tx.createdAt,
    event: 'ADJUSTMENT',
    origin: null,
  };
  if (tx.kind === 'debit') return { __typename: 'StoreCreditAccountDebitTransaction', ...common };
  return {
    __typename: 'StoreCreditAccountCreditTransaction',
    ...common,
    remainingAmount: money(tx.amount, currency),
    expiresAt: tx.expiresAt,
  };
}

// Discounts: the code nodes, their generic form and the discount itself.
export function discountNodeView(ctx: ResolverContext, discount: DiscountRecord): View {
  return {
    __typename: 'DiscountCodeNode',
    id: discount.nodeId,
    codeDiscount: discountView(ctx, discount),
    ...metafieldFields(ctx, discount.nodeId),
  };
}

/** The same discount seen through the generic discountNode query. */
export function genericDiscountNodeView(ctx: ResolverContext, discount: DiscountRecord): View {
  return {
    __typename: 'DiscountNode',
    id: gid('DiscountNode', discount.number),
    discount: discountView(ctx, discount),
    ...metafieldFields(ctx, discount.nodeId),
  };
}

export function discountStatus(now: number, discount: Pick<DiscountRecord, 'startsAt' | 'endsAt'>): string {
  if (timeOf(discount.startsAt) > now) return 'SCHEDULED';
  if (discount.endsAt !== null && timeOf(discount.endsAt) <= now) return 'EXPIRED';
  return 'ACTIVE';
}

export function discountView(ctx: ResolverContext, discount: DiscountRecord): View {
  const common = commonDiscountFields(ctx, discount);
  return discount.kind === 'DiscountCodeBasic'
    ? { ...common, ...basicFields(ctx, discount) }
    : { ...common, ...freeShippingFields(ctx, discount) };
}

function commonDiscountFields(ctx: ResolverContext, discount: DiscountRecord): View {
  const currency = ctx.shop.info.currencyCode;
  return {
    __typename: discount.kind,
    title: discount.title,
    summary: () => summaryOf(ctx, discount),
    shortSummary: () => summaryOf(ctx, discount),
    status: () => discountStatus(ctx.store.now(), discount),
    startsAt: discount.startsAt,
    endsAt: discount.endsAt,
    createdAt: discount.createdAt,
    updatedAt: discount.updatedAt,
    usageLimit: discount.usageLimit,
    appliesOncePerCustomer: discount.appliesOncePerCustomer,
    recurringCycleLimit: discount.recurringCycleLimit,
    asyncUsageCount: 0,
    hasTimelineComment: false,
    shareableUrls: [],
    totalSales: money('0.0', currency),
    combinesWith: { __typename: 'DiscountCombinesWith', ...discount.combinesWith },
    customerSelection: () => customerSelectionView(ctx, discount),
    context: () => contextView(ctx, discount),
    minimumRequirement: minimumRequirementView(discount, currency),
    codesCount: { __typename: 'Count', count: 1, precision: 'EXACT' },
    codes: (args: ConnectionArgs) =>
      connection(
        [discount],
        args,
        (d) => d.redeemCodeId,
        (d) => ({
          __typename: 'DiscountRedeemCode',
          id: d.redeemCodeId,
          code: d.code,
          asyncUsageCount: 0,
          createdBy: null,
        }),
      ),
  };
}

function basicFields(ctx: ResolverContext, discount: DiscountRecord): View {
  const discountClass = discount.items?.kind === 'all' ? 'ORDER' : 'PRODUCT';
  return {
    discountClass,
    discountClasses: [discountClass],
    customerGets: {
      __typename: 'DiscountCustomerGets',
      appliesOnOneTimePurchase: discount.appliesOnOneTimePurchase,
      appliesOnSubscription: discount.appliesOnSubscription,
      items: itemsView(discount),
      value: valueView(discount, ctx.shop.info.currencyCode),
    },
  };
}

function freeShippingFields(ctx: ResolverContext, discount: DiscountRecord): View {
  const currency = ctx.shop.info.currencyCode;
  return {
    discountClass: 'SHIPPING',
    discountClasses: ['SHIPPING'],
    appliesOnOneTimePurchase: discount.appliesOnOneTimePurchase,
    appliesOnSubscription: discount.appliesOnSubscription,
    maximumShippingPrice: discount.maximumShippingPrice === null ? null : money(discount.maximumShippingPrice, currency),
    destinationSelection: discount.countries
      ? { __typename: 'DiscountCountries', countries: discount.countries.codes, includeRestOfWorld: discount.countries.includeRestOfWorld }
      : { __typename: 'DiscountCountryAll', allCountries: true },
  };
}

function customerSelectionView(ctx: ResolverContext, discount: DiscountRecord): View {
  if ((discount.segmentIds ?? []).length > 0) {
    const segments = discount.segmentIds.flatMap((id) => {
      const segment = ctx.shop.segments.get(id);
      return segment ? [{ __typename: 'Segment', ...segment }] : [];
    });
    return { __typename: 'DiscountCustomerSegments', segments };
  }
  if (discount.customerIds === null) return { __typename: 'DiscountCustomerAll', allCustomers: true };
  const customers = discount.customerIds.flatMap((id) => {
    const customer = findCustomer(ctx, id);
    return customer ? [customerView(ctx, customer)] : [];
  });
  return { __typename: 'DiscountCustomers', customers };
}

/** 2026-10's `context`: the same buyers, with "everyone" as DiscountBuyerSelectionAll. */
function contextView(ctx: ResolverContext, discount: DiscountRecord): View {
  const selection = customerSelectionView(ctx, discount);
  return selection.__typename === 'DiscountCustomerAll' ? { __typename: 'DiscountBuyerSelectionAll', all: 'ALL' } : selection;
}

function minimumRequirementView(discount: DiscountRecord, currency: string): View | null {
  const minimum = discount.minimumRequirement;
  if (minimum === null) return null;
  return minimum.kind === 'subtotal'
    ? { __typename: 'DiscountMinimumSubtotal', greaterThanOrEqualToSubtotal: money(minimum.amount, currency) }
    : { __typename: 'DiscountMinimumQuantity', greaterThanOrEqualToQuantity: minimum.quantity };
}

// Product and collection targets are stored but their sub-fields are not served.
function itemsView(discount: DiscountRecord): View {
  if (discount.items?.kind === 'products') return { __typename: 'DiscountProducts' };
  if (discount.items?.kind === 'collections') return { __typename: 'DiscountCollections' };
  return { __typename: 'AllDiscountItems', allItems: true };
}

function valueView(discount: DiscountRecord, currency: string): View {
  const value = discount.value;
  if (value?.kind === 'amount') {
    return { __typename: 'DiscountAmount', amount: money(value.amount, currency), appliesOnEachItem: value.appliesOnEachItem };
  }
  return { __typename: 'DiscountPercentage', percentage: value?.percentage ?? 0 };
}

function summaryOf(ctx: ResolverContext, discount: DiscountRecord): string {
  if (discount.kind === 'DiscountCodeFreeShipping') return 'Free shipping on all products';
  const scope = discount.items?.kind === 'all' ? 'entire order' : 'selected items';
  const value = discount.value;
  if (value?.kind === 'amount') return `${value.amount} ${ctx.shop.info.currencyCode} off ${scope}`;
  return `${Math.round((value?.percentage ?? 0) * 10000) / 100}% off ${scope}`;
}
