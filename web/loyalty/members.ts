// Members: shoppers enrolled in a shop's program, keyed by Customer GID.
import type { Tx } from '../db.js';

export interface CustomerProfile {
  customerId: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  acceptsMarketing?: boolean;
}

/** Creates or refreshes a member from Shopify's customer data; a redacted member stays redacted. */
export async function upsertMember(tx: Tx, shop: string, profile: CustomerProfile) {
  const details = {
    email: profile.email ?? null,
    firstName: profile.firstName ?? null,
    lastName: profile.lastName ?? null,
    ...(profile.acceptsMarketing === undefined ? {} : { acceptsMarketing: profile.acceptsMarketing }),
  };
  const existing = await tx.member.findUnique({ where: { shop_customerId: { shop, customerId: profile.customerId } } });
  if (existing?.redactedAt) return existing;
  return tx.member.upsert({
    where: { shop_customerId: { shop, customerId: profile.customerId } },
    create: { shop, customerId: profile.customerId, ...details },
    update: details,
  });
}
