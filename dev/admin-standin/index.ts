/**
 * A local stand-in for the Shopify Admin GraphQL API (and its OAuth token endpoint), so
 * development mode and tests never need a real store. Documents are validated and executed
 * against Shopify's real 2026-10 schema (its own introspection result); what the stand-in does not implement answers with a
 * NOT_IMPLEMENTED_BY_STANDIN error instead of a plausible-looking null.
 *
 * Mount `router` anywhere (the app uses /dev/shopify); it serves
 *   POST /admin/api/:version/graphql.json   POST /admin/oauth/access_token   GET /admin/oauth/authorize
 * Root fields served: see resolvers/index.ts.
 */
import { appTomlScopes } from './access.js';
import { bulkOf, bulkSettings, type BulkOrder, type BulkSettings } from './bulk.js';
import { blankCustomer } from './resolvers/context.js';
import type { Router } from 'express';
import { FaultQueue, type FailNextOptions, type FaultKind } from './faults.js';
import { issueAuthCode } from './oauth.js';
import { createStandinRouter } from './router.js';
import { loadAdminSchema } from './schema.js';
import { normalizeShop, StandinStore, type CustomerSeed, type StandinApp } from './store.js';
import { accountBalance, accountsOf, mergeTags, metafieldsOf, splitTags, tagsOf } from './resolvers/records.js';
import { discountStatus } from './resolvers/views.js';
import { gid } from './values.js';
import type {
  CustomerRecord,
  DiscountRecord,
  MetafieldRecord,
  RequestLogEntry,
  SegmentRecord,
  ShopData,
  ShopInfo,
  StandinLogger,
  StoreCreditTransactionRecord,
} from './types.js';

export { loadAdminSchema, loadAccessNotes, DEFAULT_SCHEMA_PATH, SCHEMA_API_VERSION } from './schema.js';
export { appTomlScopes, documentRequirements, grantedScopes, parseRequiredAccess, satisfies, type Requirement } from './access.js';
export type { FaultKind, FailNextOptions } from './faults.js';
export type { StandinApp, CustomerSeed } from './store.js';
export type { BulkOrder, BulkSettings } from './bulk.js';
export type * from './types.js';

export interface AdminStandinOptions {
  /** Admin schema to validate and execute against (introspection .json[.gz] or SDL .graphql); defaults to the bundled 2026-10 introspection. */
  schemaPath?: string;
  /** Leaky-bucket size in cost points (Shopify standard plan: 2000). */
  bucketSize?: number;
  /** Points restored per second (Shopify standard plan: 100). */
  restoreRate?: number;
  /** Largest cost one query may request, Shopify's single-query limit (1000). */
  maxQueryCost?: number;
  /** Clock in epoch ms; tests inject one to refill the bucket or expire credit without waiting. */
  now?: () => number;
  /** Treat unseen Customer and Order GIDs as existing (default true); false answers "does not exist". */
  autoCreateOwners?: boolean;
  /** OAuth client the token endpoint accepts; more can be added with control.registerApp. */
  app?: StandinApp;
  logger?: StandinLogger;
}

export type DiscountSnapshot = DiscountRecord & { status: string };
export type StoreCreditSnapshot = {
  id: string;
  ownerId: string;
  currencyCode: string;
  balance: string;
  transactions: StoreCreditTransactionRecord[];
};

export interface AdminStandinState {
  discounts(shop: string): DiscountSnapshot[];
  /** Customer segments created in the shop. */
  segments(shop: string): SegmentRecord[];
  metafields(shop: string, ownerId: string): MetafieldRecord[];
  tags(shop: string, ownerId: string): string[];
  /** One account per currency the customer was credited in. */
  storeCredit(shop: string, customerId: string): StoreCreditSnapshot[];
  customer(shop: string, customerId: string): CustomerRecord | undefined;
  /** Every authenticated GraphQL request, oldest first. */
  readonly requests: RequestLogEntry[];
}

export interface AdminStandinControl {
  /**
   * Gives `accessToken` to `shop`, with the scopes a merchant granted: by default the ones
   * shopify.app.toml requests, so an operation needing a scope Tally forgot fails here too.
   */
  registerShop(shop: string, accessToken: string, shopInfo?: Partial<ShopInfo>, scopes?: readonly string[]): void;
  registerApp(app: StandinApp): void;
  /** A one-time code for POST /admin/oauth/access_token, as Shopify's authorize redirect would carry. */
  issueAuthCode(shop: string, clientId?: string): string;
  /** Seeds a customer; returns its GID. */
  upsertCustomer(shop: string, customer?: CustomerSeed): string;
  /** Registers a product variant (GID, title, price as Shopify's decimal string). */
  upsertVariant(shop: string, variant: { id: string; title: string; price: string }): void;
  failNext(kind: FaultKind, options?: FailNextOptions): void;
  /** The shop's past orders, which bulk queries on `orders` return (dev/history.ts generates them). */
  setOrderHistory(shop: string, orders: readonly BulkOrder[]): void;
  /** Bulk operations' pace, the app their bulk_operations/finish webhook goes to, the next one's failure. */
  configureBulk(settings: Partial<BulkSettings>): void;
  /** Faults armed but not yet consumed. */
  pendingFaults(): number;
  /** Clears data, buckets, faults and the request log; `everything` also forgets shops, tokens and apps. */
  reset(options?: { everything?: boolean }): void;
}

export interface AdminStandin {
  router: Router;
  state: AdminStandinState;
  control: AdminStandinControl;
  /** Resolves once the schema is built, so tests can pay for it in beforeAll. */
  ready(): Promise<void>;
}

export function createAdminStandin(options: AdminStandinOptions = {}): AdminStandin {
  const store = new StandinStore({
    bucketSize: options.bucketSize ?? 2000,
    restoreRate: options.restoreRate ?? 100,
    maxQueryCost: options.maxQueryCost ?? 1000,
    autoCreateOwners: options.autoCreateOwners ?? true,
    now: options.now ?? Date.now,
  });
  if (options.app) store.apps.set(options.app.clientId, options.app);
  const faults = new FaultQueue();
  const router = createStandinRouter({ store, faults, schemaPath: options.schemaPath, logger: options.logger });
  return {
    router,
    state: createState(store),
    control: createControl(store, faults),
    ready: async () => {
      await loadAdminSchema(options.schemaPath);
    },
  };
}

function createState(store: StandinStore): AdminStandinState {
  const withShop = <T>(shop: string, fallback: T, read: (data: ShopData) => T): T => {
    const data = store.shop(shop);
    return data ? structuredClone(read(data)) : fallback;
  };
  const ctx = (data: ShopData) => ({ store, shop: data });
  return {
    discounts: (shop) =>
      withShop(shop, [], (data) => [...data.discounts.values()].map((d) => ({ ...d, status: discountStatus(store.now(), d) }))),
    segments: (shop) => withShop(shop, [], (data) => [...data.segments.values()]),
    metafields: (shop, ownerId) => withShop(shop, [], (data) => metafieldsOf(ctx(data), ownerId)),
    tags: (shop, ownerId) => withShop(shop, [], (data) => tagsOf(ctx(data), ownerId)),
    storeCredit: (shop, customerId) =>
      withShop(shop, [], (data) =>
        accountsOf(ctx(data), customerId).map((account) => ({ ...account, balance: accountBalance(ctx(data), account) })),
      ),
    customer: (shop, customerId) => withShop(shop, undefined, (data) => data.customers.get(customerId)),
    get requests() {
      return structuredClone(store.requests);
    },
  };
}

function createControl(store: StandinStore, faults: FaultQueue): AdminStandinControl {
  return {
    registerShop: (shop, accessToken, shopInfo, scopes = appTomlScopes()) => {
      store.ensureShop(shop, shopInfo);
      store.tokens.set(accessToken, { shop: normalizeShop(shop), scope: scopes.join(','), expiresAt: null });
    },
    registerApp: (app) => {
      store.apps.set(app.clientId, app);
    },
    issueAuthCode: (shop, clientId) => {
      const app = clientId ?? [...store.apps.keys()][0];
      if (!app) throw new Error('issueAuthCode needs a registered app (options.app or control.registerApp)');
      return issueAuthCode(store, store.ensureShop(shop).domain, app);
    },
    upsertCustomer: (shop, seed = {}) => upsertCustomer(store, store.ensureShop(shop), seed),
    upsertVariant: (shop, variant) => {
      store.ensureShop(shop).variants.set(variant.id, { ...variant, displayName: variant.title });
    },
    failNext: (kind, options) => faults.arm(kind, options),
    setOrderHistory: (shop, orders) => {
      bulkOf(store.ensureShop(shop)).history = [...orders];
    },
    configureBulk: (settings) => {
      Object.assign(bulkSettings, settings);
    },
    pendingFaults: () => faults.pending,
    reset: (options) => {
      faults.clear();
      if (options?.everything) store.clearAll();
      else store.clearData();
    },
  };
}

function upsertCustomer(store: StandinStore, shop: ShopData, seed: CustomerSeed): string {
  const id = seed.id ?? gid('Customer', store.nextId());
  const existing = shop.customers.get(id);
  const now = store.nowIso();
  const { tags, ...fields } = seed;
  const record: CustomerRecord = { ...blankCustomer(id, now), ...existing, ...fields, updatedAt: now };
  shop.customers.set(id, record);
  if (tags) shop.tags.set(id, mergeTags([], splitTags(tags)));
  return id;
}
