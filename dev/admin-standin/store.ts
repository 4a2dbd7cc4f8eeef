import { gid, isoTime } from './values.js';
import type { CustomerRecord, RequestLogEntry, ShopData, ShopInfo } from './types.js';

export interface StandinApp {
  clientId: string;
  clientSecret: string;
  /** Granted scopes, e.g. 'read_customers,write_customers' or an array. */
  scopes: string | string[];
}

export interface TokenRecord {
  shop: string;
  scope: string;
  /** Online (per-user) tokens expire; offline tokens do not. */
  expiresAt: number | null;
}

export interface AuthCodeRecord {
  shop: string;
  clientId: string;
  expiresAt: number;
}

export interface StoreSettings {
  bucketSize: number;
  restoreRate: number;
  maxQueryCost: number;
  autoCreateOwners: boolean;
  now: () => number;
}

export type CustomerSeed = Partial<Omit<CustomerRecord, 'createdAt' | 'updatedAt'>> & { tags?: string[] };

/** Everything the stand-in remembers; one instance per createAdminStandin call. */
export class StandinStore {
  readonly shops = new Map<string, ShopData>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly apps = new Map<string, StandinApp>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly usedAuthCodes = new Set<string>();
  requests: RequestLogEntry[] = [];
  // Ids start at 1001 so GIDs look like Shopify's and never collide within a run.
  private lastId = 1000;

  constructor(readonly settings: StoreSettings) {}

  now(): number {
    return this.settings.now();
  }

  nowIso(): string {
    return isoTime(this.now());
  }

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  ensureShop(domain: string, info?: Partial<ShopInfo>): ShopData {
    const key = normalizeShop(domain);
    let shop = this.shops.get(key);
    if (!shop) {
      shop = this.emptyShop(key, defaultShopInfo(key, this.shops.size + 1));
      this.shops.set(key, shop);
    }
    if (info) shop.info = { ...shop.info, ...info };
    return shop;
  }

  shop(domain: string): ShopData | undefined {
    return this.shops.get(normalizeShop(domain));
  }

  /** Forget data but keep shops, tokens and apps, so tests can register once. */
  clearData(): void {
    for (const [key, shop] of this.shops) this.shops.set(key, this.emptyShop(key, shop.info));
    this.authCodes.clear();
    this.usedAuthCodes.clear();
    this.requests = [];
  }

  clearAll(): void {
    this.shops.clear();
    this.tokens.clear();
    this.apps.clear();
    this.authCodes.clear();
    this.usedAuthCodes.clear();
    this.requests = [];
  }

  private emptyShop(domain: string, info: ShopInfo): ShopData {
    return {
      domain,
      info,
      customers: new Map(),
      orders: new Map(),
      discounts: new Map(),
      discountCodes: new Map(),
      metafields: new Map(),
      tags: new Map(),
      storeCredit: new Map(),
      variants: new Map(),
      segments: new Map(),
      bucket: { available: this.settings.bucketSize, updatedAt: this.now() },
    };
  }
}

/** Shop domains are case-insensitive and a Host header may carry a port. */
export function normalizeShop(domain: string): string {
  return domain.trim().toLowerCase().replace(/:\d+$/, '');
}

function defaultShopInfo(domain: string, id: number): ShopInfo {
  const handle = domain.split('.')[0] ?? domain;
  return {
    id: gid('Shop', id),
    name: handle,
    email: `owner@${domain}`,
    myshopifyDomain: domain,
    currencyCode: 'USD',
    enabledPresentmentCurrencies: ['USD'],
    ianaTimezone: 'America/New_York',
    // A stand-in shop plays a partner development store.
    plan: { displayName: 'Development', partnerDevelopment: true, shopifyPlus: false },
  };
}
