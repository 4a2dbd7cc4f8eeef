import { gid, timeOf } from '../values.js';
import type { DiscountRecord } from '../types.js';
import { connection, type ConnectionArgs } from './connection.js';
import { findCustomer, type ResolverContext } from './context.js';
import { customerView, metafieldFields, money, type View } from './views.js';

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
      connection([discount], args, (d) => d.redeemCodeId, (d) => ({
        __typename: 'DiscountRedeemCode',
        id: d.redeemCodeId,
        code: d.code,
        asyncUsageCount: 0,
        createdBy: null,
      })),
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
