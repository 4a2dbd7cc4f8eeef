// BIGINT money and points read as JavaScript numbers: exact up to 2^53 − 1,
// refused beyond it, never rounded (web/db/numbers.ts).
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { numberTypes, toSafeNumber, UnsafeIntegerError } from '../../../web/db/numbers.js';

const int8 = (text: string) => (numberTypes.getTypeParser(pg.types.builtins.INT8, 'text') as (t: string) => unknown)(text);

describe("the app pool's INT8 parser", () => {
  it('reads BIGINT as numbers, exact to ±(2^53 − 1)', () => {
    expect(int8('0')).toBe(0);
    expect(int8('2147483648')).toBe(2 ** 31);
    expect(int8('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(int8('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it('throws beyond 2^53 − 1 rather than rounding', () => {
    expect(() => int8('9007199254740992')).toThrow(UnsafeIntegerError);
    expect(() => int8('-9223372036854775808')).toThrow(UnsafeIntegerError);
    expect(() => toSafeNumber(2n ** 53n + 1n)).toThrow(/2\^53/);
  });

  it('leaves every other type to pg (INT4 a number, NUMERIC a string)', () => {
    expect((numberTypes.getTypeParser(pg.types.builtins.INT4, 'text') as (t: string) => unknown)('42')).toBe(42);
    expect((numberTypes.getTypeParser(pg.types.builtins.NUMERIC, 'text') as (t: string) => unknown)('12345678901234567890')).toBe(
      '12345678901234567890',
    );
  });
});
