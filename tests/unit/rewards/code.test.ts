import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_ENTROPY_BITS, generateDiscountCode } from '../../../web/loyalty/domain/rewards/code.js';

describe('generateDiscountCode', () => {
  it('writes PREFIX-XXXX-XXXX-XXXX in Crockford base32 without I, L, O or U', () => {
    const code = generateDiscountCode();
    expect(code).toMatch(/^TALLY-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(generateDiscountCode('VIP')).toMatch(/^VIP-/);
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[ILOU]/);
  });

  it('carries at least 60 bits of entropy', () => {
    const symbols = generateDiscountCode()
      .replace(/^TALLY-/, '')
      .replaceAll('-', '').length;
    expect(symbols * Math.log2(CODE_ALPHABET.length)).toBeGreaterThanOrEqual(60);
    expect(CODE_ENTROPY_BITS).toBeGreaterThanOrEqual(60);
  });

  it('never repeats over 10,000 codes and uses every symbol about equally', () => {
    const codes = Array.from({ length: 10_000 }, () => generateDiscountCode());
    expect(new Set(codes).size).toBe(10_000);
    const counts = new Map<string, number>();
    for (const code of codes) for (const symbol of code.slice(6).replaceAll('-', '')) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 120,000 symbols: 3,750 each expected; a biased generator lands far outside ±15 %.
    for (const count of counts.values()) expect(count).toBeGreaterThan(3_750 * 0.85);
    for (const count of counts.values()) expect(count).toBeLessThan(3_750 * 1.15);
  });

  it('refuses a prefix that would make codes hard to type', () => {
    for (const prefix of ['', 'tally', 'TAL LY', 'A-B', 'X'.repeat(21)])
      expect(() => generateDiscountCode(prefix), prefix).toThrow(RangeError);
  });
});
