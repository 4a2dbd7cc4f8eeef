// The baseline comparison the screenshot tests rely on (tests/helpers/screenshots.ts):
// a changed colour fails and leaves the actual and diff images, a missing
// baseline fails under CI and is written outside it, an update is deliberate.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectMatchesBaseline, type BaselineDirs } from '../helpers/screenshots.js';

/** A 100×60 PNG, grey, with a `size`×`size` square of `colour` at its top left. */
function picture(colour: [number, number, number] = [90, 90, 90], size = 0): Buffer {
  const png = new PNG({ width: 100, height: 60 });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = x < size && y < size ? colour : [200, 200, 200];
      png.data.set([r, g, b, 255], i);
    }
  }
  return PNG.sync.write(png);
}

let dirs: BaselineDirs;
beforeEach(() => {
  const root = mkdtempSync(path.join(tmpdir(), 'tally-baselines-'));
  dirs = { baselines: path.join(root, 'baselines'), artifacts: path.join(root, 'artifacts') };
  vi.stubEnv('CI', '');
  vi.stubEnv('UPDATE_BASELINES', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(path.dirname(dirs.baselines), { recursive: true, force: true });
});

describe('screenshot baselines', () => {
  it('passes the same image and fails a changed colour, writing the actual and diff images it names', () => {
    expectMatchesBaseline('card', picture([90, 90, 90], 10), dirs);
    expect(() => expectMatchesBaseline('card', picture([90, 90, 90], 10), dirs)).not.toThrow();
    const changed = picture([200, 40, 40], 10);
    expect(() => expectMatchesBaseline('card', changed, dirs)).toThrow(
      /Screenshot "card" differs in 100 pixels \(tolerance \d+\); diff: .*card\.diff\.png; actual: .*card\.actual\.png/,
    );
    expect(readFileSync(path.join(dirs.artifacts, 'card.actual.png')).equals(changed)).toBe(true);
    const diff = PNG.sync.read(readFileSync(path.join(dirs.artifacts, 'card.diff.png')));
    // The changed square is red in the diff; the rest is the faded original.
    expect([...diff.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect(diff.data[(30 * 100 + 50) * 4]).not.toBe(255);
  });

  it('tolerates a few pixels (anti-aliasing noise) but not more', () => {
    expectMatchesBaseline('noise', picture(), dirs);
    expect(() => expectMatchesBaseline('noise', picture([100, 100, 100], 2), dirs)).not.toThrow();
    expect(() => expectMatchesBaseline('noise', picture([20, 20, 20], 5), dirs)).toThrow(/differs in 25 pixels/);
  });

  it('fails an image of another size', () => {
    expectMatchesBaseline('size', picture(), dirs);
    const taller = new PNG({ width: 100, height: 61 });
    expect(() => expectMatchesBaseline('size', PNG.sync.write(taller), dirs)).toThrow(/is 100×61, the baseline 100×60/);
  });

  it('writes a missing baseline outside CI, and fails without writing it under CI', () => {
    expectMatchesBaseline('new', picture(), dirs);
    expect(existsSync(path.join(dirs.baselines, 'new.png'))).toBe(true);
    vi.stubEnv('CI', 'true');
    expect(() => expectMatchesBaseline('newer', picture(), dirs)).toThrow(
      /No baseline .*newer\.png \(CI never writes one\): run `UPDATE_BASELINES=1 npx vitest run --project e2e tests\/e2e\/screenshots\.test\.ts`/,
    );
    expect(existsSync(path.join(dirs.baselines, 'newer.png'))).toBe(false);
  });

  it('replaces a baseline only when asked with UPDATE_BASELINES=1, and clears the last failure', () => {
    expectMatchesBaseline('update', picture(), dirs);
    const changed = picture([20, 20, 20], 20);
    expect(() => expectMatchesBaseline('update', changed, dirs)).toThrow();
    vi.stubEnv('UPDATE_BASELINES', '1');
    expectMatchesBaseline('update', changed, dirs);
    expect(readFileSync(path.join(dirs.baselines, 'update.png')).equals(changed)).toBe(true);
    expect(existsSync(path.join(dirs.artifacts, 'update.actual.png'))).toBe(false);
    vi.stubEnv('UPDATE_BASELINES', '');
    expect(() => expectMatchesBaseline('update', changed, dirs)).not.toThrow();
  });
});
