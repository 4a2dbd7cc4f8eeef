// Referral codes: short, readable aloud, unambiguous (no 0/O, 1/I/L).
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const random = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** A member's code: their first name's letters (if any) and 6 random characters, e.g. "ANNA-7K3QXM". */
export function referralCode(firstName: string | null | undefined): string {
  const name = (firstName ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase()
    .slice(0, 8);
  return name ? `${name}-${random(6)}` : random(8);
}

/** The friend's single-use discount code. */
export const friendOfferCode = () => `FRIEND-${random(10)}`;

/** What a code in a URL may look like (anything else is refused before any lookup). */
export const REFERRAL_CODE_PATTERN = /^[A-Z0-9-]{4,32}$/;

/** A device cookie's value: what the storefront script generates (crypto.randomUUID). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
