// Money is an integer count of minor units plus a currency code. Shopify sends
// amounts as decimal strings ("414.95", "1200", "0.000"); they are parsed by
// their digits, never through floating point.
import { ISO_4217_MORE_DIGITS } from './currency-digits.js';

export class InvalidAmountError extends Error {
  override readonly name = 'InvalidAmountError';
  constructor(
    readonly amount: unknown,
    readonly currency: string,
    readonly reason: string,
  ) {
    super(`invalid ${currency} amount ${JSON.stringify(amount)}: ${reason}`);
  }
}

// Codes this runtime's Intl does not list. ISO 4217's own: VED, and the funds codes (CLF
// and UYW 4, UYI 0, the rest 2). In Shopify's CurrencyCode enum (Admin API 2026-10) but
// withdrawn from ISO (BYR 0; LTL, LVL, STD, VEF 2) or never in it (JEP and KID, pegged 1:1
// to GBP and AUD: 2). USDC and XXX stay unknown: their amounts are refused, not guessed at.
const DIGITS_INTL_LACKS: Readonly<Record<string, number>> = {
  VED: 2,
  CLF: 4,
  UYW: 4,
  UYI: 0,
  BOV: 2,
  CHE: 2,
  CHW: 2,
  COU: 2,
  MXV: 2,
  USN: 2,
  BYR: 0,
  LTL: 2,
  LVL: 2,
  STD: 2,
  VEF: 2,
  JEP: 2,
  KID: 2,
};

let known: ReadonlySet<string> | undefined;
const digitsCache = new Map<string, number>();

/** Whether `code` is a currency Tally can count in (upper-case, e.g. "EUR"). */
export function isKnownCurrency(code: string): boolean {
  known ??= new Set([...Intl.supportedValuesOf('currency'), ...Object.keys(DIGITS_INTL_LACKS)]);
  return known.has(code);
}

/**
 * Digits after the decimal point in the currency's minor unit, as ISO 4217 counts them:
 * USD 2, JPY 0, KRW 0, VND 0, KWD 3, CLF 4. tests/unit/domain/money.test.ts checks every
 * currency Shopify knows against ISO's own list.
 */
export function currencyDigits(code: string): number {
  const cached = digitsCache.get(code);
  if (cached !== undefined) return cached;
  if (!isKnownCurrency(code)) throw new RangeError(`unknown currency ${JSON.stringify(code)}`);
  // Shopify may send ISO's decimals where Intl shows fewer; rejecting a real amount would block the whole order.
  const digits = DIGITS_INTL_LACKS[code] ?? Math.max(intlDigits(code), ISO_4217_MORE_DIGITS[code] ?? 0);
  digitsCache.set(code, digits);
  return digits;
}

function intlDigits(code: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export interface ParseMoneyOptions {
  /** Refunds and adjustments may be negative; prices and totals may not. */
  allowNegative?: boolean;
}

/**
 * Minor units of a decimal amount string in `currency`. Trailing zeros past the
 * currency's digits are accepted ("1200.00" JPY = 1200); anything else that is
 * not an exact amount of the currency is an `InvalidAmountError`.
 */
export function parseMoney(amount: string, currency: string, options: ParseMoneyOptions = {}): number {
  if (typeof amount !== 'string') throw new InvalidAmountError(amount, currency, 'expected a decimal string');
  let digits: number;
  try {
    digits = currencyDigits(currency);
  } catch {
    throw new InvalidAmountError(amount, currency, 'unknown currency');
  }
  const match = DECIMAL.exec(amount);
  if (!match) throw new InvalidAmountError(amount, currency, 'not a decimal number');
  const [, sign = '', whole = '', fraction = ''] = match;
  const kept = fraction.slice(0, digits);
  if (/[^0]/.test(fraction.slice(digits))) {
    throw new InvalidAmountError(amount, currency, `more than ${digits} decimal places`);
  }
  const magnitude = BigInt(whole) * 10n ** BigInt(digits) + BigInt(kept.padEnd(digits, '0') || '0');
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidAmountError(amount, currency, 'too large');
  if (magnitude === 0n) return 0;
  if (sign === '-' && !options.allowNegative) throw new InvalidAmountError(amount, currency, 'negative');
  return sign === '-' ? -Number(magnitude) : Number(magnitude);
}

/** The decimal string of an amount in minor units: formatMinor(41495, 'USD') = "414.95". */
export function formatMinor(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`minor units must be a safe integer, got ${minor}`);
  const digits = currencyDigits(currency);
  const magnitude = Math.abs(minor)
    .toString()
    .padStart(digits + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (digits === 0) return sign + magnitude;
  return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

/** An amount of minor units for a sentence in `locale` ("$45.00", "45,00 €"), with the currency's own digits. */
export function formatMoneyIn(minor: number, currency: string, locale: string): string {
  if (!isKnownCurrency(currency)) return `${minor} ${currency}`;
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}
