// Discount codes a member can type but nobody can guess: 12 symbols of
// Crockford base32 (no I, L, O or U, so nothing reads as another symbol) from
// the system CSPRNG, 60 bits in all, grouped in fours.
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_SYMBOLS = 12;
/** log2(32) × 12. */
export const CODE_ENTROPY_BITS = 60;

const PREFIX = /^[A-Z0-9]{1,20}$/;

/** A new code such as "TALLY-7K3M-Q9ZD-0XH4". */
export function generateDiscountCode(prefix = 'TALLY'): string {
  if (!PREFIX.test(prefix)) throw new RangeError(`a code prefix is 1 to 20 capital letters or digits, got ${JSON.stringify(prefix)}`);
  // 32 divides 256, so the low five bits of a random byte are uniform.
  const symbols = [...randomBytes(CODE_SYMBOLS)].map((byte) => CODE_ALPHABET[byte & 31]).join('');
  return [prefix, symbols.slice(0, 4), symbols.slice(4, 8), symbols.slice(8, 12)].join('-');
}
