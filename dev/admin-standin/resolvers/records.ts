import { formatMicros, timeOf, toMicros } from '../values.js';
import type { MetafieldRecord, StoreCreditAccountRecord } from '../types.js';
import type { ResolverContext } from './context.js';

/** Shopify puts metafields without a namespace in the app-reserved one. */
export const APP_NAMESPACE = '$app';

export function metafieldKey(namespace: string, key: string): string {
  return `${namespace}.${key}`;
}

export function metafieldsOf(ctx: ResolverContext, ownerId: string): MetafieldRecord[] {
  return [...(ctx.shop.metafields.get(ownerId)?.values() ?? [])];
}

export function findMetafield(
  ctx: ResolverContext,
  ownerId: string,
  namespace: string | null | undefined,
  key: string,
): MetafieldRecord | undefined {
  return ctx.shop.metafields.get(ownerId)?.get(metafieldKey(namespace ?? APP_NAMESPACE, key));
}

export function tagsOf(ctx: ResolverContext, ownerId: string): string[] {
  return [...(ctx.shop.tags.get(ownerId) ?? [])];
}

/**
 * Shopify tags are trimmed, case-insensitively unique, and an input string may hold
 * several comma-separated tags.
 */
export function splitTags(input: readonly string[]): string[] {
  return input
    .flatMap((entry) => entry.split(','))
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

export function mergeTags(current: readonly string[], added: readonly string[]): string[] {
  const byLower = new Map(current.map((tag) => [tag.toLowerCase(), tag]));
  for (const tag of added) if (!byLower.has(tag.toLowerCase())) byLower.set(tag.toLowerCase(), tag);
  return [...byLower.values()].sort((a, b) => a.localeCompare(b));
}

export function removeTags(current: readonly string[], removed: readonly string[]): string[] {
  const drop = new Set(removed.map((tag) => tag.toLowerCase()));
  return current.filter((tag) => !drop.has(tag.toLowerCase()));
}

export function accountsOf(ctx: ResolverContext, ownerId: string): StoreCreditAccountRecord[] {
  return [...ctx.shop.storeCredit.values()].filter((account) => account.ownerId === ownerId);
}

/** Expired credits stop counting once their expiresAt passes on the stand-in's clock. */
export function accountBalance(ctx: ResolverContext, account: StoreCreditAccountRecord): string {
  const now = ctx.store.now();
  let total = 0n;
  for (const tx of account.transactions) {
    if (tx.expiresAt === null || timeOf(tx.expiresAt) > now) total += toMicros(tx.amount);
  }
  // A debit taken from a credit that expired later cannot push the balance below zero.
  return formatMicros(total > 0n ? total : 0n);
}

export function displayName(customer: { firstName: string | null; lastName: string | null; email: string | null }): string {
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ');
  return name || customer.email || '';
}
