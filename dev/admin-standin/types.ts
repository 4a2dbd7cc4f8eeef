/**
 * Plain-data records the stand-in keeps per shop. They hold no functions so
 * test snapshots can be taken with structuredClone.
 */

/** The subset of pino's API the stand-in uses; a pino logger fits. */
export interface StandinLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

export interface ShopInfo {
  id: string;
  name: string;
  email: string;
  myshopifyDomain: string;
  currencyCode: string;
  enabledPresentmentCurrencies: string[];
  ianaTimezone: string;
  plan: { displayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
}

export interface CustomerRecord {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  note: string | null;
  locale: string;
  /** The email address's marketing consent (customerEmailMarketingConsentUpdate); absent: never set (NOT_SUBSCRIBED). */
  emailMarketing?: { state: string; optInLevel: string | null; updatedAt: string | null };
  createdAt: string;
  updatedAt: string;
}

/** Orders only exist so tags and metafields can be attached to them. */
export interface OrderRecord {
  id: string;
  createdAt: string;
}

export interface MetafieldRecord {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  compareDigest: string;
  createdAt: string;
  updatedAt: string;
}

export type DiscountKind = 'DiscountCodeBasic' | 'DiscountCodeFreeShipping';

export type DiscountValue = { kind: 'percentage'; percentage: number } | { kind: 'amount'; amount: string; appliesOnEachItem: boolean };

export type DiscountItems =
  { kind: 'all' } | { kind: 'products'; productIds: string[]; variantIds: string[] } | { kind: 'collections'; collectionIds: string[] };

export type MinimumRequirement = { kind: 'subtotal'; amount: string } | { kind: 'quantity'; quantity: string } | null;

export interface DiscountRecord {
  /** Numeric part shared by the DiscountCodeNode and DiscountNode GIDs. */
  number: number;
  nodeId: string;
  redeemCodeId: string;
  kind: DiscountKind;
  title: string;
  code: string;
  startsAt: string;
  endsAt: string | null;
  createdAt: string;
  updatedAt: string;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  appliesOnOneTimePurchase: boolean;
  appliesOnSubscription: boolean;
  recurringCycleLimit: number | null;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** null means all customers (unless segments are set). */
  customerIds: string[] | null;
  /** Customer segments the discount is restricted to (customerSelection.customerSegments). */
  segmentIds: string[];
  minimumRequirement: MinimumRequirement;
  /** DiscountCodeBasic only. */
  value: DiscountValue | null;
  items: DiscountItems | null;
  /** DiscountCodeFreeShipping only. */
  maximumShippingPrice: string | null;
  /** null means all countries. */
  countries: { codes: string[]; includeRestOfWorld: boolean } | null;
}

export interface StoreCreditTransactionRecord {
  id: string;
  /** A debit is recorded with a negative amount. */
  kind?: 'credit' | 'debit';
  amount: string;
  balanceAfter: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface StoreCreditAccountRecord {
  id: string;
  ownerId: string;
  currencyCode: string;
  transactions: StoreCreditTransactionRecord[];
}

export interface LeakyBucket {
  available: number;
  updatedAt: number;
}

export interface ShopData {
  domain: string;
  info: ShopInfo;
  customers: Map<string, CustomerRecord>;
  orders: Map<string, OrderRecord>;
  /** Keyed by DiscountCodeNode GID. */
  discounts: Map<string, DiscountRecord>;
  /** Lower-cased code → DiscountCodeNode GID; codes are case-insensitive at checkout. */
  discountCodes: Map<string, string>;
  /** ownerId → `${namespace}.${key}` → record. */
  metafields: Map<string, Map<string, MetafieldRecord>>;
  tags: Map<string, string[]>;
  /** Keyed by StoreCreditAccount GID. */
  storeCredit: Map<string, StoreCreditAccountRecord>;
  /** Product variants a test or the dev seed registered (free-product rewards price them). Keyed by GID. */
  variants: Map<string, { id: string; title: string; displayName: string; price: string }>;
  /** Customer segments, keyed by Segment GID. */
  segments: Map<string, SegmentRecord>;
  bucket: LeakyBucket;
}

export interface SegmentRecord {
  id: string;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export interface RequestLogEntry {
  at: number;
  shop: string;
  apiVersion: string;
  operationType: 'query' | 'mutation' | 'subscription' | null;
  operationName: string | null;
  /** Root field names selected by the operation, e.g. ['discountCodeBasicCreate']. */
  fields: string[];
  query: string;
  variables: Record<string, unknown>;
  /** What the stand-in answered: 'ok', 'invalid', 'throttled', 'fault:http503', ... */
  outcome: string;
  /** Query cost charged to the shop's bucket (0 when nothing was charged). */
  cost?: number;
}

/** A userErrors entry as the payload types define it; `code` must fit the payload's enum. */
export interface StandinUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
  [extra: string]: unknown;
}
