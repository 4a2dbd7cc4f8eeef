import type { AccessNotes } from '../schema.js';
import { gid, parseGid } from '../values.js';
import type { StandinStore } from '../store.js';
import type { CustomerRecord, OrderRecord, ShopData } from '../types.js';

/** What every resolver sees: the store (ids, clock, settings) and the calling shop's data. */
export interface ResolverContext {
  store: StandinStore;
  shop: ShopData;
}

/** The calling token's scopes and what the schema says each field needs (GraphQL execution context). */
export interface FieldAccess {
  notes: AccessNotes;
  granted: ReadonlySet<string>;
}

export type OwnerKind = 'Customer' | 'Order' | 'Shop' | 'DiscountCodeNode';

export const OWNER_KINDS: readonly OwnerKind[] = ['Customer', 'Order', 'Shop', 'DiscountCodeNode'];

/** A customer with nothing known but its id, as Shopify shows one with no details. */
export function blankCustomer(id: string, now: string): CustomerRecord {
  return { id, email: null, firstName: null, lastName: null, phone: null, note: null, locale: 'en', createdAt: now, updatedAt: now };
}

/**
 * Looks a customer up. With autoCreateOwners (the default) a well-formed Customer GID the
 * stand-in has not seen counts as an existing, blank customer: dev webhooks carry customer
 * ids that were never seeded here.
 */
export function findCustomer(ctx: ResolverContext, id: string): CustomerRecord | null {
  const existing = ctx.shop.customers.get(id);
  if (existing) return existing;
  if (!ctx.store.settings.autoCreateOwners || !isNumericGid(id, 'Customer')) return null;
  const created = blankCustomer(id, ctx.store.nowIso());
  ctx.shop.customers.set(id, created);
  return created;
}

/** Orders exist only as tag and metafield owners; same auto-create rule as customers. */
export function findOrder(ctx: ResolverContext, id: string): OrderRecord | null {
  const existing = ctx.shop.orders.get(id);
  if (existing) return existing;
  if (!ctx.store.settings.autoCreateOwners || !isNumericGid(id, 'Order')) return null;
  const created: OrderRecord = { id, createdAt: ctx.store.nowIso() };
  ctx.shop.orders.set(id, created);
  return created;
}

/** The owner kind of an existing resource, null if it does not exist, undefined if unsupported. */
export function ownerKind(ctx: ResolverContext, id: string): OwnerKind | null | undefined {
  const type = parseGid(id)?.type;
  switch (type) {
    case 'Customer':
      return findCustomer(ctx, id) ? 'Customer' : null;
    case 'Order':
      return findOrder(ctx, id) ? 'Order' : null;
    case 'Shop':
      return id === ctx.shop.info.id ? 'Shop' : null;
    case 'DiscountCodeNode':
      return ctx.shop.discounts.has(id) ? 'DiscountCodeNode' : null;
    default:
      return type === undefined ? null : undefined;
  }
}

export function isNumericGid(id: string, type: string): boolean {
  const parsed = parseGid(id);
  return parsed?.type === type && /^\d+$/.test(parsed.id);
}

export function newGid(ctx: ResolverContext, type: string): string {
  return gid(type, ctx.store.nextId());
}

/**
 * One userErrors entry. Every payload error type's fields are present (extra ones are
 * ignored), because the stand-in's resolver treats a missing field as "not implemented".
 */
export interface PayloadUserError {
  field: string[] | null;
  message: string;
  code: string | null;
  extraInfo: null;
  elementIndex: number | null;
}

export function userError(
  field: readonly (string | number)[] | null,
  message: string,
  code: string | null = null,
  elementIndex: number | null = null,
): PayloadUserError {
  return { field: field ? field.map(String) : null, message, code, extraInfo: null, elementIndex };
}
