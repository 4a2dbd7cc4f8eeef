import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidAmountError, currencyDigits, formatMinor, isKnownCurrency, parseMoney } from '../../../web/loyalty/domain/money.js';

describe('currencies', () => {
  it('knows minor-unit digits per currency: USD 2, JPY 0, KWD 3', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('EUR')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KRW')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('BHD')).toBe(3);
  });

  it('keeps ISO 4217 decimals where Intl displays fewer, so real Shopify amounts still parse (HUF, IDR)', () => {
    expect(currencyDigits('HUF')).toBe(2);
    expect(currencyDigits('IDR')).toBe(2);
    expect(parseMoney('1234.56', 'HUF')).toBe(123456);
  });

  it('recognises ISO currency codes only, upper-case', () => {
    expect(isKnownCurrency('EUR')).toBe(true);
    expect(isKnownCurrency('JPY')).toBe(true);
    expect(isKnownCurrency('ABC')).toBe(false);
    expect(isKnownCurrency('usd')).toBe(false);
    expect(() => currencyDigits('ABC')).toThrow(RangeError);
  });
});

describe('parseMoney', () => {
  it('converts decimal strings to exact minor units', () => {
    expect(parseMoney('414.95', 'USD')).toBe(41495);
    expect(parseMoney('0.1', 'USD')).toBe(10);
    expect(parseMoney('19.99', 'USD')).toBe(1999);
    expect(parseMoney('0', 'USD')).toBe(0);
    expect(parseMoney('20', 'VND')).toBe(20);
    expect(parseMoney('1.234', 'KWD')).toBe(1234);
  });

  it('does not pick up floating-point error (4.35 × 100 = 434.99999… in floats)', () => {
    expect(4.35 * 100).not.toBe(435);
    expect(parseMoney('4.35', 'USD')).toBe(435);
    expect(parseMoney('1.15', 'USD')).toBe(115);
  });

  it('accepts zeros past the currency digits (Shopify writes JPY as "1200.00") but not other digits', () => {
    expect(parseMoney('1200.00', 'JPY')).toBe(1200);
    expect(parseMoney('5.000', 'USD')).toBe(500);
    expect(() => parseMoney('1200.50', 'JPY')).toThrow(InvalidAmountError);
    expect(() => parseMoney('1.005', 'USD')).toThrow(/more than 2 decimal places/);
  });

  it.each(['', 'abc', '1e3', '1,50', ' 1.00', '1.00 ', '+1', '.5', '5.', '1.5.0', 'NaN', 'Infinity', '0x10', '--1'])(
    'rejects the malformed amount %j with a typed error',
    (amount) => {
      expect(() => parseMoney(amount, 'USD')).toThrow(InvalidAmountError);
    },
  );

  it('rejects non-strings, unknown currencies and amounts beyond 2^53 minor units', () => {
    expect(() => parseMoney(12.5 as unknown as string, 'USD')).toThrow(InvalidAmountError);
    expect(() => parseMoney('1.00', 'ABC')).toThrow(/unknown currency/);
    expect(() => parseMoney('90071992547409.92', 'USD')).toThrow(/too large/);
    expect(parseMoney('90071992547409.91', 'USD')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects negative amounts unless the caller allows them', () => {
    const error = (() => {
      try {
        parseMoney('-5.05', 'USD');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidAmountError);
    expect((error as InvalidAmountError).reason).toBe('negative');
    expect(parseMoney('-5.05', 'USD', { allowNegative: true })).toBe(-505);
    expect(Object.is(parseMoney('-0.00', 'USD'), 0)).toBe(true);
  });
});

describe('parseMoney round-trips (property)', () => {
  const currency = fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'HUF');
  const minor = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

  it('parses what formatMinor writes back to the same minor units', () => {
    fc.assert(
      fc.property(minor, currency, (m, c) => {
        expect(parseMoney(formatMinor(m, c), c, { allowNegative: true })).toBe(m);
      }),
    );
  });

  it('formats what it parses back to the canonical string, whatever trailing zeros it had', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), currency, fc.nat({ max: 4 }), (m, c, zeros) => {
        const text = formatMinor(m, c);
        const padded = text.includes('.') ? text + '0'.repeat(zeros) : zeros ? `${text}.${'0'.repeat(zeros)}` : text;
        expect(formatMinor(parseMoney(padded, c), c)).toBe(text);
      }),
    );
  });
});
