// Members: shoppers enrolled in a shop's program, keyed by Customer GID.
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db.js';

export interface CustomerProfile {
  customerId: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  acceptsMarketing?: boolean;
}

/**
 * Creates or refreshes a member from Shopify's customer data in one
 * statement; returns the member id. Fields the payload lacks keep their
 * value. A redacted member no longer carries the customer id, so it is
 * never matched (a customer who comes back starts afresh).
 */
export async function upsertMember(tx: Tx, shop: string, profile: CustomerProfile): Promise<string> {
  const marketing = profile.acceptsMarketing ?? null;
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO "Member" (id, shop, "customerId", email, "firstName", "lastName", "acceptsMarketing", "updatedAt")
    VALUES (${randomUUID()}, ${shop}, ${profile.customerId}, ${profile.email ?? null}, ${profile.firstName ?? null},
            ${profile.lastName ?? null}, COALESCE(${marketing}::boolean, false), now())
    ON CONFLICT (shop, "customerId") DO UPDATE SET
      email = COALESCE(EXCLUDED.email, "Member".email),
      "firstName" = COALESCE(EXCLUDED."firstName", "Member"."firstName"),
      "lastName" = COALESCE(EXCLUDED."lastName", "Member"."lastName"),
      "acceptsMarketing" = COALESCE(${marketing}::boolean, "Member"."acceptsMarketing"),
      "updatedAt" = now()
    RETURNING id`;
  return rows[0]!.id;
}
