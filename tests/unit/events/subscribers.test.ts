// Subscribers are found by convention: web/subscribers/<event>/<reaction>.ts,
// listed in the static index the production build imports. The index and the
// folders must agree, every folder must name an event of the catalogue, and
// each file's `on` must be its folder's event.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventNames } from '../../../web/events/catalog.js';
import { retryDelayMs } from '../../../web/events/dispatcher.js';
import { subscribers } from '../../../web/subscribers/index.js';

const root = path.resolve('web/subscribers');

describe('subscriber convention', () => {
  it('lists exactly the files under web/subscribers/<event>/, each reacting to its folder’s event of the catalogue', () => {
    const onDisk = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(path.join(root, d.name))
          .filter((f) => f.endsWith('.ts'))
          .map((f) => `${d.name}/${f.replace(/\.ts$/, '')}`),
      );
    expect(Object.keys(subscribers).sort()).toEqual(onDisk.sort());
    for (const [name, s] of Object.entries(subscribers)) {
      const folder = name.split('/')[0]!;
      expect(eventNames, name).toContain(folder);
      expect(s.on, name).toBe(folder);
    }
  });
});

describe('retry backoff', () => {
  it('doubles from the first delay and stops growing at an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(30, 10_000)).toBe(3_600_000);
  });
});
