import { notImplemented } from '../errors.js';
import { gidNumber, parseGid } from '../values.js';
import type {
  CustomerRecord,
  MetafieldRecord,
  OrderRecord,
  StoreCreditAccountRecord,
  StoreCreditTransactionRecord,
} from '../types.js';
import { connection, type ConnectionArgs } from './connection.js';
import { findCustomer, findOrder, type ResolverContext } from './context.js';
import { discountNodeView } from './discount-views.js';
import {
  accountBalance,
  accountsOf,
  displayName,
  findMetafield,
  metafieldKey,
  metafieldsOf,
  tagsOf,
} from './records.js';

/**
 * Views turn records into objects graphql-js can resolve: a property per implemented
 * field, functions for fields with arguments, and __typename for unions and interfaces.
 * A field missing from a view answers "not implemented" (see the stand-in's field resolver).
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
      return connection(matching, args, (m) => m.id, (m) => metafieldView(ctx, m));
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
      return connection(accounts, args, (a) => a.id, (a) => storeCreditAccountView(ctx, a));
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
    primaryDomain: { __typename: 'Domain', id: info.id.replace('/Shop/', '/Domain/'), host: domain, url: `https://${domain}`, sslEnabled: true },
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
      connection(account.transactions, args, (t) => t.id, (t) => creditTransactionView(ctx, account, t)),
  };
}

export function creditTransactionView(
  ctx: ResolverContext,
  account: StoreCreditAccountRecord,
  tx: StoreCreditTransactionRecord,
): View {
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
  return { __typename: 'StoreCreditAccountCreditTransaction', ...common, remainingAmount: money(tx.amount, currency), expiresAt: tx.expiresAt };
}
