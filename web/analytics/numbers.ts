// Exact arithmetic for figures: counts and sums come from SQL as integers;
// ratios of them are computed here so that "no data" is null (never 0, NaN
// or Infinity), and money is rounded once, at the end, half up to whole
// minor units of the shop's currency (2.5 → 3, −2.5 → −2), with BigInt so a
// product of large sums loses nothing before that rounding.

/** a ÷ b as a fraction, or null when there is nothing to divide by. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

const floorDiv = (a: bigint, b: bigint) => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

/** num ÷ den rounded half up to an integer (minor units), or null when den is 0. */
export function roundedMinor(num: number | bigint, den: number | bigint): number | null {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) return null;
  if (d < 0n) [n, d] = [-n, -d];
  return Number(floorDiv(2n * n + d, 2n * d));
}

/** A SQL count or sum (number, numeric string or null) as a number; null and undefined are 0. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
