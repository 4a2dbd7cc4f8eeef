// What segments read from Shopify's customer (customers/create and
// customers/update payloads): the default address's country and province
// codes and the customer's tags. REST payloads carry tags as one
// comma-separated string; Tally's own tags (a tier's tag, tally-segment:…)
// are left out, so a segment on tags is about the merchant's tags only.
// A payload without default_address (or tags) leaves that value as it was;
// one whose default_address is null clears the codes (the address was removed).
import type { Sql } from '../db/sql.js';

export interface CustomerAttributes {
  /** undefined: the payload says nothing, keep; null: no default address. */
  address?: { countryCode: string | null; provinceCode: string | null } | null;
  /** undefined: keep. */
  tags?: string[];
}

/** Shopify's comma-separated tags, trimmed, empty ones and duplicates dropped. */
export function parseTags(tags: string | null | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  if (tags === null) return [];
  return [
    ...new Set(
      tags
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0 && t.length <= 255),
    ),
  ];
}

const code = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim().toUpperCase().slice(0, 10) : null);

/** Reads the attributes from a customer payload (unknown shapes count as "says nothing"). */
export function customerAttributes(payload: Record<string, unknown>): CustomerAttributes {
  const out: CustomerAttributes = {};
  const address = payload.default_address;
  if (address === null) out.address = null;
  else if (address && typeof address === 'object') {
    const a = address as { country_code?: unknown; province_code?: unknown };
    out.address = { countryCode: code(a.country_code), provinceCode: code(a.province_code) };
  }
  if (payload.tags === null || typeof payload.tags === 'string') out.tags = parseTags(payload.tags);
  return out;
}

/** Writes the attributes on the shop's member with that customer id (one statement; nothing when the payload said nothing). */
export async function updateCustomerAttributes(tx: Sql, shop: string, customerId: string, attributes: CustomerAttributes): Promise<void> {
  const hasAddress = attributes.address !== undefined;
  const hasTags = attributes.tags !== undefined;
  if (!hasAddress && !hasTags) return;
  await tx.$executeRaw`
    UPDATE "Member" m SET
      "countryCode" = CASE WHEN ${hasAddress}::boolean THEN ${attributes.address?.countryCode ?? null}::text ELSE m."countryCode" END,
      "provinceCode" = CASE WHEN ${hasAddress}::boolean THEN ${attributes.address?.provinceCode ?? null}::text ELSE m."provinceCode" END,
      tags = CASE WHEN ${hasTags}::boolean THEN ARRAY(
               SELECT t FROM unnest(${attributes.tags ?? []}::text[]) AS t
               WHERE t NOT LIKE 'tally-segment:%'
                 AND NOT EXISTS (SELECT 1 FROM "Tier" WHERE shop = ${shop} AND perks->>'tag' = t))
             ELSE m.tags END
    WHERE m.shop = ${shop} AND m."customerId" = ${customerId}`;
}
