// How two shoppers are recognised as one person: the same mailbox behind
// different spellings, the same delivery address.
import { createHash } from 'node:crypto';

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/**
 * The mailbox an address delivers to: lower-cased, "+tag" dropped (most
 * providers deliver a+tag@x to a@x), and for Gmail dots in the name ignored
 * and googlemail.com read as gmail.com. null for something that is not an email.
 */
export function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase() ?? '';
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  let name = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  name = name.split('+')[0]!;
  if (GMAIL.has(domain)) {
    name = name.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return name ? `${name}@${domain}` : null;
}

export interface AddressParts {
  address1?: string | null;
  address2?: string | null;
  zip?: string | null;
  country_code?: string | null;
}

const squash = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * A digest of a shipping address (street lines, postcode, country), blind to
 * case, spacing and punctuation: "12 Main St., Apt 4" = "12 main st apt 4".
 * Only the digest is stored, never the address. null without a street line.
 */
export function addressKey(address: AddressParts | null | undefined): string | null {
  if (!address || !squash(address.address1)) return null;
  const text = [squash(address.address1), squash(address.address2), squash(address.zip), squash(address.country_code)].join('|');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
