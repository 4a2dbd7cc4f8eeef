/** Small value helpers: Shopify GIDs, Decimal strings and timestamps. */

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(value: string): { type: string; id: string } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?#]+)$/.exec(value);
  return match ? { type: match[1] as string, id: match[2] as string } : null;
}

export function gidNumber(value: string): string | null {
  return parseGid(value)?.id ?? null;
}

// Money is kept as integer micro-units so sums never drift like floats do.
const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

export function toMicros(value: string): bigint {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new TypeError(`Not a decimal: ${value}`);
  const fraction = (match[3] ?? '').padEnd(SCALE, '0').slice(0, SCALE);
  const micros = BigInt(match[2] as string) * FACTOR + BigInt(fraction);
  return match[1] ? -micros : micros;
}

/** Formats like Shopify's Decimal scalar: "10.0", "2.5", "0.125". */
export function formatMicros(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const fraction = (abs % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '') || '0';
  return `${negative ? '-' : ''}${abs / FACTOR}.${fraction}`;
}

export function normalizeDecimal(value: string): string {
  return formatMicros(toMicros(value));
}

/** Shopify's DateTime output has no milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function timeOf(value: string): number {
  return Date.parse(value);
}
