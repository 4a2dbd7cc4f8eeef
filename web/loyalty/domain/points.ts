// Point maths, exact: rates and multipliers are decimal strings turned into
// integer ratios, products are BigInt, and every result is rounded once, by
// an explicit rule.
import { z } from 'zod';

export type Rounding = 'down' | 'nearest' | 'up';
export const ROUNDINGS = ['down', 'nearest', 'up'] as const satisfies readonly Rounding[];
export const roundingSchema = z.enum(ROUNDINGS);

/** A non-negative decimal with at most 4 places, as an exact ratio numerator / denominator. */
export interface Rate {
  readonly text: string;
  readonly numerator: bigint;
  /** 10^(decimal places). */
  readonly denominator: bigint;
}

export class InvalidRateError extends Error {
  override readonly name = 'InvalidRateError';
  constructor(readonly value: unknown) {
    super(`invalid rate ${JSON.stringify(value)}: expected a decimal number ≥ 0 with at most 4 decimals, e.g. "1.5"`);
  }
}

const RATE = /^(\d{1,9})(?:\.(\d{1,4}))?$/;
const RATE_MESSAGE = 'a decimal number ≥ 0 with at most 4 decimals, e.g. "1.5"';

/** Zod shape of a rate or multiplier written as a decimal string ("1", "1.5", "0.25"). */
export const rateSchema = z.string().trim().regex(RATE, RATE_MESSAGE);
/** Campaign multipliers only ever boost: at least 1. */
export const multiplierSchema = rateSchema.refine((s) => {
  if (!RATE.test(s)) return true; // already reported by the regex
  const r = parseRate(s);
  return r.numerator >= r.denominator;
}, 'a multiplier of at least 1, e.g. "2" for double points');

export function parseRate(text: string): Rate {
  const match = typeof text === 'string' ? RATE.exec(text.trim()) : null;
  if (!match) throw new InvalidRateError(text);
  const [, whole = '0', fraction = ''] = match;
  return { text: text.trim(), numerator: BigInt(whole + fraction), denominator: 10n ** BigInt(fraction.length) };
}

function asRate(rate: Rate | string): Rate {
  return typeof rate === 'string' ? parseRate(rate) : rate;
}

/** n / d rounded by `rounding`, for n ≥ 0 and d > 0. 'nearest' rounds halves up. */
export function divideRounded(n: bigint, d: bigint, rounding: Rounding): bigint {
  if (n < 0n || d <= 0n) throw new RangeError(`divideRounded needs n ≥ 0 and d > 0, got ${n} / ${d}`);
  const q = n / d;
  const r = n % d;
  if (r === 0n || rounding === 'down') return q;
  if (rounding === 'up') return q + 1n;
  return 2n * r >= d ? q + 1n : q;
}

/**
 * Points beyond 2^53 − 1, what a JavaScript number (and a JSON number) holds
 * exactly: an amount at an earn rate no balance can hold. Carries a 4xx
 * `status`, so a request that causes it is answered 422 (web/http/errors.ts).
 */
export class PointsLimitError extends RangeError {
  override readonly name = 'PointsLimitError';
  readonly status = 422;
  readonly type = 'points.limit';
  constructor(readonly points: bigint) {
    super(`${points} points exceed ${Number.MAX_SAFE_INTEGER}, the largest number of points Tally counts exactly`);
  }
}

function toPoints(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new PointsLimitError(value);
  return Number(value);
}

function requireInteger(name: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/**
 * Points for an amount: whole currency units × rate, rounded.
 * pointsForAmount(1999, 2, parseRate("1.5"), 'down') = floor(19.99 × 1.5) = 29.
 */
export function pointsForAmount(amountMinor: number, currencyDigits: number, rate: Rate | string, rounding: Rounding): number {
  requireInteger('amountMinor', amountMinor);
  requireInteger('currencyDigits', currencyDigits);
  const r = asRate(rate);
  return toPoints(divideRounded(BigInt(amountMinor) * r.numerator, 10n ** BigInt(currencyDigits) * r.denominator, rounding));
}

/** points × multiplier, rounded (campaigns: "2" doubles, "1.5" adds half). */
export function applyMultiplier(points: number, multiplier: Rate | string, rounding: Rounding): number {
  requireInteger('points', points);
  const m = asRate(multiplier);
  return toPoints(divideRounded(BigInt(points) * m.numerator, m.denominator, rounding));
}

export interface OrderTargetInput {
  /** Points awarded for the order when it was earned. */
  awarded: number;
  /** The earn base (minor units) those points were computed from. */
  earnBaseMinor: number;
  /** The earn base now, after refunds and edits; may exceed earnBaseMinor after an edit that adds items. */
  netBaseMinor: number;
  rounding: Rounding;
}

/**
 * The points an order should hold now, at the rate it was awarded at:
 * awarded × max(0, netBase) / earnBase, rounded; 0 when earnBase is 0 (there
 * is no rate to scale by). The difference from what the order holds is the
 * clawback (or top-up) to append.
 */
export function orderTargetPoints({ awarded, earnBaseMinor, netBaseMinor, rounding }: OrderTargetInput): number {
  requireInteger('awarded', awarded);
  requireInteger('earnBaseMinor', earnBaseMinor);
  requireInteger('netBaseMinor', netBaseMinor, Number.MIN_SAFE_INTEGER);
  if (earnBaseMinor === 0) return 0;
  const net = BigInt(Math.max(0, netBaseMinor));
  return toPoints(divideRounded(BigInt(awarded) * net, BigInt(earnBaseMinor), rounding));
}

export type NegativeBalancePolicy = 'allow-negative' | 'floor-at-zero';

export interface ClawbackPlan {
  /** The entry to append: ≤ 0. */
  points: number;
  /** Points that could not be taken because the balance would go below zero: ≥ 0. */
  shortfall: number;
}

/** How much of a clawback (points to take back, ≥ 0) to append given the member's balance. */
export function clawbackPlan({
  balance,
  clawback,
  policy,
}: {
  balance: number;
  clawback: number;
  policy: NegativeBalancePolicy;
}): ClawbackPlan {
  requireInteger('clawback', clawback);
  requireInteger('balance', balance, Number.MIN_SAFE_INTEGER);
  if (policy === 'allow-negative') return { points: 0 - clawback, shortfall: 0 };
  const taken = Math.min(clawback, Math.max(0, balance));
  return { points: 0 - taken, shortfall: clawback - taken };
}

export interface ExpiryInput {
  /** Every credit of the member (earnings, positive adjustments), oldest first. */
  credits: ReadonlyArray<{ points: number; expiresAt: Date | null }>;
  /** Points consumed by debits so far (redemptions, negative adjustments, clawbacks), as a positive number. */
  debitedSoFar: number;
  /** Points already expired, as a positive number. */
  expiredSoFar: number;
}

/**
 * Points to expire at `at`: credits whose expiry has passed, less what debits
 * and earlier expiries already consumed: max(0, Σ due credits − debited − expired).
 * Debits are taken to consume the oldest (first-expiring) credits first, so a
 * member never loses points they could have spent; when a debit in fact used a
 * credit that never expires this errs on the member's side.
 */
export function expiringFifo({ credits, debitedSoFar, expiredSoFar, at }: ExpiryInput & { at: Date }): number {
  requireInteger('debitedSoFar', debitedSoFar);
  requireInteger('expiredSoFar', expiredSoFar);
  let due = 0;
  for (const credit of credits) {
    requireInteger('credit points', credit.points);
    if (credit.expiresAt !== null && credit.expiresAt.getTime() <= at.getTime()) due += credit.points;
  }
  return Math.max(0, due - debitedSoFar - expiredSoFar);
}

const DAY_MS = 86_400_000;

/** Points that will have expired `days` days after `from` unless spent first ("expiring soon" notices). */
export function expiringWithin(input: ExpiryInput, from: Date, days: number): number {
  requireInteger('days', days);
  return expiringFifo({ ...input, at: new Date(from.getTime() + days * DAY_MS) });
}
