import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
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

/** Every currency Shopify's Admin API 2026-10 knows (the CurrencyCode enum of its introspection). */
function shopifyCurrencies(): string[] {
  const json = JSON.parse(
    gunzipSync(readFileSync(new URL('../../../dev/fixtures/shopify/admin-2026-10.introspection.json.gz', import.meta.url))).toString(),
  );
  const type = json.data.__schema.types.find((t: { name: string }) => t.name === 'CurrencyCode') as { enumValues: Array<{ name: string }> };
  return type.enumValues.map((v) => v.name);
}

const ISO_4217 = JSON.parse(readFileSync(new URL('../../fixtures/shopify/iso-4217-minor-units.json', import.meta.url), 'utf8')) as {
  minorUnits: Record<string, number>;
};

describe('minor units of every currency ISO 4217 and Shopify know', () => {
  const shopify = shopifyCurrencies();

  it("every ISO 4217 code has ISO's minor units (funds codes such as CLF too)", () => {
    const codes = Object.keys(ISO_4217.minorUnits);
    expect(Object.fromEntries(codes.map((code) => [code, currencyDigits(code)]))).toEqual(ISO_4217.minorUnits);
  });

  it('match ISO 4217 for each one ISO lists', () => {
    const listed = shopify.filter((code) => code in ISO_4217.minorUnits);
    expect(listed.length).toBeGreaterThan(140);
    const digits = Object.fromEntries(listed.map((code) => [code, currencyDigits(code)]));
    expect(digits).toEqual(Object.fromEntries(listed.map((code) => [code, ISO_4217.minorUnits[code]])));
  });

  it('are known for the codes ISO withdrew or never listed, except a crypto coin and "no currency"', () => {
    const unlisted = shopify.filter((code) => !(code in ISO_4217.minorUnits));
    expect(Object.fromEntries(unlisted.map((code) => [code, isKnownCurrency(code) ? currencyDigits(code) : 'refused']))).toEqual({
      BYR: 0,
      HRK: 2,
      JEP: 2,
      KID: 2,
      LTL: 2,
      LVL: 2,
      SLL: 2,
      STD: 2,
      USDC: 'refused',
      VEF: 2,
      XXX: 'refused',
    });
    expect(() => parseMoney('1.00', 'USDC')).toThrow(/unknown currency/);
  });

  it("include the issue's examples: JPY, KRW, VND 0; KWD, BHD, JOD, OMR, TND 3; CLF 4; VED (unknown to Intl) 2", () => {
    const codes = ['JPY', 'KRW', 'VND', 'KWD', 'BHD', 'JOD', 'OMR', 'TND', 'CLF', 'VED', 'USD'];
    expect(codes.map(currencyDigits)).toEqual([0, 0, 0, 3, 3, 3, 3, 3, 4, 2, 2]);
    expect(parseMoney('12.345', 'KWD')).toBe(12_345);
    expect(parseMoney('1.2345', 'CLF')).toBe(12_345);
    expect(parseMoney('100.50', 'VED')).toBe(10_050);
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

  it('says what is wrong, with the amount and currency', () => {
    expect(() => parseMoney('1,50', 'USD')).toThrow('invalid USD amount "1,50": not a decimal number');
    expect(() => parseMoney('1200.5', 'JPY')).toThrow('invalid JPY amount "1200.5": more than 0 decimal places');
    expect(() => parseMoney('1.2345', 'KWD')).toThrow('invalid KWD amount "1.2345": more than 3 decimal places');
    // 2^53 fils: one more than the largest exact integer, so it is refused rather than rounded.
    expect(() => parseMoney('9007199254740.992', 'KWD')).toThrow('invalid KWD amount "9007199254740.992": too large');
    expect(parseMoney('9007199254740.991', 'KWD')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseMoney('1.00', 'XYZ')).toThrow('invalid XYZ amount "1.00": unknown currency');
  });

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
