// The Node.js versions the README promises: package.json's `engines` says
// them, the Node running the suite is one of them, and every installed
// package accepts them — except @shopify/shopify-api, which declares
// Node >= 22 but runs on 20 (npm ci warns EBADENGINE about it; this suite
// runs on Node 20 in CI). A dependency that starts requiring more fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** Declares a newer Node than it needs: checked by running everything on Node 20. */
const DECLARES_MORE_THAN_IT_NEEDS: Record<string, string> = { 'node_modules/@shopify/shopify-api': '>=22.0.0' };

type Version = [number, number, number];

function parse(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
}

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Does `version` satisfy one comparator: >=, >, <=, <, ^, ~, =, or a bare (partial) version? */
function meets(version: Version, comparator: string): boolean {
  const [, op = '', rest = ''] = /^(>=|<=|>|<|\^|~|=)?\s*v?([\d.x*]+)$/.exec(comparator.trim()) ?? [];
  if (rest === '' || rest === '*' || rest === 'x') return true;
  const parts = rest.split('.').filter((p) => p !== 'x' && p !== '*');
  const target = parse(parts.join('.'));
  const c = compare(version, target);
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '^':
      return c >= 0 && version[0] === target[0];
    case '~':
      return c >= 0 && version[0] === target[0] && version[1] === target[1];
    default:
      // "20" is any 20.x.y; "20.9" any 20.9.y; "20.9.1" exactly that.
      return parts.every((p, i) => version[i] === Number(p));
  }
}

/** "> = 0.6" and ">= 0.6" are ">=0.6". */
const tidy = (range: string) => range.replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1');

function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return tidy(range)
    .split('||')
    .some((alternative) =>
      alternative
        .trim()
        .split(/\s+/)
        .every((comparator) => meets(v, comparator)),
    );
}

/** The lowest version of each Node major (20 to 30) the range allows: where a dependency's own floor would bite. */
function floors(range: string): string[] {
  const lowest: string[] = [];
  for (let major = 20; major <= 30; major++) {
    const candidates = Array.from({ length: 41 }, (_, minor) => `${major}.${minor}.0`);
    const first = candidates.find((v) => satisfies(v, range));
    if (first) lowest.push(first);
  }
  return lowest;
}

describe('Node.js version', () => {
  it('reads ranges the way npm does', () => {
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.3', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('21.7.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('23.1.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(false);
    expect(satisfies('20.5.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('20.19.0', '>= 0.8')).toBe(true);
    expect(satisfies('20.19.0', '10.* || >= 12.*')).toBe(true);
    expect(satisfies('22.12.0', '^20.19.0 || ^22.13.0 || >=24')).toBe(false);
  });

  it('runs the suite on a Node that package.json engines allows', () => {
    expect(satisfies(process.versions.node, pkg.engines.node), `Node ${process.versions.node} is not in engines ${pkg.engines.node}`).toBe(
      true,
    );
  });

  it('promises only versions every installed package accepts', () => {
    const refusals: string[] = [];
    for (const [name, info] of Object.entries(lock.packages)) {
      const range = !Array.isArray(info.engines) ? info.engines?.node : undefined;
      if (!name || !range || DECLARES_MORE_THAN_IT_NEEDS[name] === range) continue;
      for (const floor of floors(pkg.engines.node)) if (!satisfies(floor, range)) refusals.push(`${name} (${range}) refuses Node ${floor}`);
    }
    expect(refusals).toEqual([]);
  });
});
