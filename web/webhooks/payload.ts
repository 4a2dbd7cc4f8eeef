// Parses a webhook body. Shopify's numeric ids exceed 2^53, and JSON.parse
// would silently round them; integers of 16+ digits are kept as strings.
// The slower lossless parser only runs when the body contains such a number.
import { parse as parseLossless, isInteger } from 'lossless-json';

const LONG_INTEGER = /[:[,]\s*-?\d{16,}\s*[,\]}]/;

function keepLongIntegers(value: string): number | string {
  if (isInteger(value) && !Number.isSafeInteger(Number(value))) return value;
  return Number(value);
}

export function parseWebhookBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (!LONG_INTEGER.test(text)) return JSON.parse(text);
  return parseLossless(text, null, keepLongIntegers);
}
