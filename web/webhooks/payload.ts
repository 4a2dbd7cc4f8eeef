// Parses a webhook body. Shopify's numeric ids exceed 2^53, and JSON.parse
// would silently round them; integers of 16+ digits are kept as strings. So
// are decimals of 16+ digits: an amount sent as a number, such as
// 90071992547409.91 (2^53 − 1 cents), is not a double, and money is parsed
// from its digits (parseMoney), never rounded. The slower lossless parser
// only runs when the body contains such a number.
import { parse as parseLossless, isInteger } from 'lossless-json';

const LONG_NUMBER = /[:[,]\s*-?(?:\d{16,}|(?=[\d.]{17})\d+\.\d+)\s*[,\]}]/;

function keepLongNumbers(value: string): number | string {
  if (isInteger(value)) return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  // Significant digits of a decimal (no exponent: those are not amounts); 15 always survive a double.
  const digits = /^-?(\d+)\.(\d+)$/.exec(value);
  if (digits && `${digits[1]}${digits[2]}`.replace(/^0+/, '').length > 15) return value;
  return Number(value);
}

/**
 * Text PostgreSQL cannot store, though it is valid JSON: a NUL character
 * (`\u0000`) and a lone UTF-16 surrogate (`\ud800` with no partner), which
 * no real text contains but a JSON escape can.
 */
const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string as PostgreSQL can store it: without NUL, a lone surrogate as U+FFFD (a name or code typed so is still that name or code). */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Every string in the value (keys too) made storable. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]));
  return value;
}

export function parseWebhookBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  const parsed = LONG_NUMBER.test(text) ? parseLossless(text, null, keepLongNumbers) : JSON.parse(text);
  return UNSTORABLE_ESCAPE.test(text) ? storable(parsed) : parsed;
}
