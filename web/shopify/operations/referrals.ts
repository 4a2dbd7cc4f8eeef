// Admin API (2026-10) documents for the referral program's friend offer: one
// single-use code per referred friend, restricted to the shop's customer
// segment of shoppers with no orders (`number_of_orders = 0`), so the code
// only works on a first order. Validated against the schema by
// tests/unit/referrals/operations.test.ts.
import { formatMinor } from '../../loyalty/domain/money.js';
import type { FriendOffer, ReferralSettings } from '../../loyalty/domain/referrals/settings.js';
import { DISCOUNT_CODE_BASIC_CREATE, DISCOUNT_CODE_FREE_SHIPPING_CREATE, type AdminOperation } from './discounts.js';

export const SEGMENT_CREATE = `#graphql
  mutation SegmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      segment { id name query }
      userErrors { field message }
    }
  }`;

/** Finds the segment by name (segment names are unique per shop): an earlier answer may have been lost. Its query tells ours from another one. */
export const SEGMENT_BY_NAME = `#graphql
  query SegmentByName($query: String!) {
    segments(first: 1, query: $query) { nodes { id name query } }
  }`;

/** The segment referral offers are restricted to: customers who have never ordered. */
export const NEW_CUSTOMERS_SEGMENT = { name: 'Tally referrals: new customers', query: 'number_of_orders = 0' } as const;

export interface FriendOfferContext {
  code: string;
  /** The new-customers segment's GID. */
  segmentId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  currency: string;
}

/** What the friend is told the offer is, e.g. "10.00 USD off your first order". */
export function describeOffer(offer: FriendOffer, currency: string): string {
  switch (offer.kind) {
    case 'fixed-amount':
      return `${formatMinor(offer.amountMinor, currency)} ${currency} off your first order`;
    case 'percentage':
      return `${offer.percentage}% off your first order`;
    case 'free-shipping':
      return 'Free shipping on your first order';
  }
}

/** The discount for one friend: usable once, by a customer in the new-customers segment, until endsAt. */
export function friendOfferOperation(
  settings: Pick<ReferralSettings, 'friendOffer' | 'friendMinimumSubtotalMinor'>,
  ctx: FriendOfferContext,
): AdminOperation {
  const base = {
    title: ctx.title,
    code: ctx.code,
    startsAt: ctx.startsAt.toISOString(),
    endsAt: ctx.endsAt.toISOString(),
    context: { customerSegments: { add: [ctx.segmentId] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    ...(settings.friendMinimumSubtotalMinor > 0
      ? {
          minimumRequirement: {
            subtotal: { greaterThanOrEqualToSubtotal: formatMinor(settings.friendMinimumSubtotalMinor, ctx.currency) },
          },
        }
      : {}),
  };
  const offer = settings.friendOffer;
  if (offer.kind === 'free-shipping') {
    return {
      document: DISCOUNT_CODE_FREE_SHIPPING_CREATE,
      field: 'discountCodeFreeShippingCreate',
      variables: { input: { ...base, destination: { all: true } } },
    };
  }
  const value =
    offer.kind === 'percentage'
      ? { percentage: offer.percentage / 100 }
      : { discountAmount: { amount: formatMinor(offer.amountMinor, ctx.currency), appliesOnEachItem: false } };
  return {
    document: DISCOUNT_CODE_BASIC_CREATE,
    field: 'discountCodeBasicCreate',
    variables: { input: { ...base, customerGets: { value, items: { all: true } } } },
  };
}
