// The member import's duplicate finder keeps a digest → first row map in two
// typed arrays (web/imports/rows.ts DigestRows): it must answer as a Map would
// through its growth, for digests anywhere in 0 … 2^52, zero included.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DigestRows } from '../../../web/imports/rows.js';

describe('DigestRows', () => {
  it('answers like a Map through many growths, colliding start slots and the digest 0', () => {
    const map = new Map<number, number>();
    const rows = new DigestRows();
    // Keys that share their low bits start at the same slot: linear probing must keep them apart.
    const keys = [0, 1024, 2048, 2 ** 52 - 1024, 2 ** 52 - 1];
    for (let i = 0; i < 20_000; i++) keys.push(Math.floor(Math.random() * 2 ** 52));
    keys.forEach((k, i) => {
      if (!map.has(k)) map.set(k, i + 1);
      if (rows.get(k) === undefined) rows.set(k, i + 1);
    });
    expect(rows.size).toBe(map.size);
    for (const [k, row] of map) expect(rows.get(k)).toBe(row);
    expect(rows.get(12345.5 * 2)).toBe(map.get(12345.5 * 2));
  });

  it('agrees with a Map on any sequence of sets and gets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 1, max: 1_000_000 })), { maxLength: 3000 }),
        (ops) => {
          const map = new Map<number, number>();
          const rows = new DigestRows();
          for (const [k, row] of ops) {
            const key = k * 2 ** 40; // share the low bits: all start at slot 0
            expect(rows.get(key)).toBe(map.get(key));
            map.set(key, row);
            rows.set(key, row);
          }
          expect(rows.size).toBe(map.size);
        },
      ),
      { numRuns: 50 },
    );
  });
});
