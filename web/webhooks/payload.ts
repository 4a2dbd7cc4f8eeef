// Parses a webhook body. Shopify's numeric ids exceed 2^53, and JSON.parse
// would silently round them; integers of 16+ digits are kept as strings.
// The slower lossless parser only runs when the body contains such a number.
import { parse as parseLossless, isInteger } from 'lossless-json';

const LONG_INTEGER = /[:[,]\s*-?\d{16,}\s*[,\]}]/;

function keepLongIntegers(value: string): number | string {
  if (isInteger(value) && !Number.isSafeInteger(Number(value))) return value;
  return Number(value);
}

/** A NUL character (JSON `\u0000`): valid JSON, but PostgreSQL text cannot store it. */
const NUL_ESCAPE = /\\u0000/i;

/** Every string in the value without its NUL characters (a name or code typed with one is still that name or code). */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]));
  return value;
}

export function parseWebhookBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  const parsed = LONG_INTEGER.test(text) ? parseLossless(text, null, keepLongIntegers) : JSON.parse(text);
  return NUL_ESCAPE.test(text) ? withoutNul(parsed) : parsed;
}
