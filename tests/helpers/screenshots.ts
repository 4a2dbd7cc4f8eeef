// Screenshots compared with committed baselines (tests/e2e/baselines/<name>.png),
// so an unintended visual change fails the build the way a person would notice it.
//
// - A baseline is written only on purpose: UPDATE_BASELINES=1, or when it is
//   missing outside CI (under CI=true a missing baseline is a failure).
// - A mismatch writes the actual image and a diff image (changed pixels in red)
//   to tests/e2e/artifacts/screenshots/ and names them in the failure.
// - Before comparing, the page must settle: fonts loaded, images decoded, no
//   request in flight, no loading skeleton, and two screenshots in a row equal.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { BrowserContext, Locator, Page } from 'playwright-core';

export const BASELINES_DIR = 'tests/e2e/baselines';
export const SCREENSHOT_ARTIFACTS_DIR = 'tests/e2e/artifacts/screenshots';
export const UPDATE_COMMAND = 'UPDATE_BASELINES=1 npx vitest run --project e2e tests/e2e/screenshots.test.ts';

/** Per-pixel colour distance (pixelmatch's OKLab threshold, 0–1) below which two pixels count as equal. */
const PIXEL_THRESHOLD = 0.1;
/** How many pixels may differ (anti-aliasing aside) before the images count as different. */
const MAX_DIFF_PIXELS = 20;
/** Screenshots in a row that must be identical before the page counts as still. */
const STILL_TRIES = 12;

const updating = () => process.env.UPDATE_BASELINES === '1' || process.env.UPDATE_BASELINES === 'true';
const inCi = () => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Makes a context draw the same pixels on every run: no transitions or
 * animations, no blinking caret, reduced motion (charts draw without
 * animating), and `Date` in its pages fixed at `now`.
 */
export async function stillContext(context: BrowserContext, now: Date): Promise<void> {
  await context.clock.setFixedTime(now);
  await context.addInitScript(() => {
    const css =
      '*, *::before, *::after { transition: none !important; animation-duration: 0s !important; animation-delay: 0s !important; caret-color: transparent !important; scroll-behavior: auto !important; }';
    const add = () => {
      const style = document.createElement('style');
      style.dataset.screenshotStill = '';
      style.textContent = css;
      document.head.append(style);
    };
    if (document.head) add();
    else document.addEventListener('DOMContentLoaded', add, { once: true });
  });
}

/** Counts the page's requests in flight, so a screenshot waits for the last answer. */
export function trackRequests(page: Page): () => number {
  const pending = new Set<unknown>();
  page.on('request', (request) => pending.add(request));
  page.on('requestfinished', (request) => pending.delete(request));
  page.on('requestfailed', (request) => pending.delete(request));
  return () => pending.size;
}

const LOADING =
  '.Polaris-SkeletonPage__Page, .Polaris-SkeletonBodyText, .Polaris-SkeletonDisplayText, .Polaris-Spinner, .Polaris-Frame-Loading, [aria-busy="true"]';

/** The loading indicators a person would see (Polaris keeps some in the page, hidden, while idle). */
function loadingIndicators(page: Page): Promise<string[]> {
  return page
    .locator(LOADING)
    .evaluateAll((els) =>
      els.filter((el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true })).map((el) => el.outerHTML.slice(0, 120)),
    );
}

/** Waits until nothing on the page is loading: requests, fonts, images, Polaris skeletons and spinners. */
export async function settle(page: Page, inFlight: () => number, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let quietSince = 0;
  for (;;) {
    const busy = inFlight() > 0 || (await loadingIndicators(page)).length > 0;
    if (!busy && !quietSince) quietSince = Date.now();
    if (busy) quietSince = 0;
    // 300 ms without a request or a skeleton: a debounced or chained query would have started by then.
    if (quietSince && Date.now() - quietSince >= 300) break;
    if (Date.now() > deadline) {
      const loading = (await loadingIndicators(page)).join(' ') || 'nothing';
      throw new Error(`The page did not settle in ${timeout} ms: ${inFlight()} requests in flight, still loading: ${loading}`);
    }
    await page.waitForTimeout(50);
  }
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].map((image) => image.decode().catch(() => undefined)));
  });
}

export interface ShotOptions {
  /** The whole page: the viewport is made as tall as the page first (so sticky bars sit where they would at the end of it). */
  fullPage?: boolean;
  /** Regions that cannot be made the same on every run (prefer fixed data). */
  mask?: Locator[];
}

async function shoot(page: Page, options: ShotOptions): Promise<Buffer> {
  return page.screenshot({ animations: 'disabled', caret: 'hide', scale: 'css', mask: options.mask });
}

/** Pages taller than this are cut here (a runaway layout must not make a huge image). */
const MAX_HEIGHT = 4_000;

/**
 * Makes the viewport as tall as the page. Playwright's own fullPage stitches
 * the page under a viewport-sized window: Polaris' sticky bars then show up
 * in the middle of the image.
 */
async function growToPage(page: Page): Promise<void> {
  const width = page.viewportSize()!.width;
  for (let i = 0; i < 3; i++) {
    const height = Math.min(
      MAX_HEIGHT,
      await page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)),
    );
    if (height <= page.viewportSize()!.height) return;
    await page.setViewportSize({ width, height });
  }
}

/** A screenshot taken once the page stopped changing: two in a row are the same, pixel for pixel. */
export async function stillScreenshot(page: Page, options: ShotOptions = {}): Promise<Buffer> {
  if (options.fullPage) await growToPage(page);
  let previous = await shoot(page, options);
  for (let i = 0; i < STILL_TRIES; i++) {
    await page.waitForTimeout(100);
    const current = await shoot(page, options);
    if (current.equals(previous)) return current;
    previous = current;
  }
  throw new Error(`The page kept changing: ${STILL_TRIES + 1} screenshots in a row differed`);
}

export interface Comparison {
  /** Pixels that differ beyond the colour threshold, anti-aliasing aside (Infinity when the sizes differ). */
  differing: number;
  diff: PNG | null;
}

/** Compares two PNG images pixel by pixel. */
export function compareImages(expected: PNG, actual: PNG): Comparison {
  if (expected.width !== actual.width || expected.height !== actual.height) return { differing: Infinity, diff: null };
  const diff = new PNG({ width: expected.width, height: expected.height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, expected.width, expected.height, { threshold: PIXEL_THRESHOLD });
  return { differing, diff };
}

export interface BaselineDirs {
  baselines: string;
  artifacts: string;
}

const DEFAULT_DIRS: BaselineDirs = { baselines: BASELINES_DIR, artifacts: SCREENSHOT_ARTIFACTS_DIR };

/**
 * Compares `image` (a PNG) with the baseline `name`; throws, naming the
 * actual and diff images, when they differ by more than the tolerance.
 */
export function expectMatchesBaseline(name: string, image: Buffer, dirs: BaselineDirs = DEFAULT_DIRS): void {
  const baselinePath = path.join(dirs.baselines, `${name}.png`);
  const actualPath = path.join(dirs.artifacts, `${name}.actual.png`);
  const diffPath = path.join(dirs.artifacts, `${name}.diff.png`);
  // What a previous failing run left would otherwise be mistaken for this run's.
  rmSync(actualPath, { force: true });
  rmSync(diffPath, { force: true });
  if (updating() || (!existsSync(baselinePath) && !inCi())) return writeBaseline(baselinePath, image);
  if (!existsSync(baselinePath))
    throw new Error(`No baseline ${baselinePath} (CI never writes one): run \`${UPDATE_COMMAND}\` and commit it`);
  const expected = PNG.sync.read(readFileSync(baselinePath));
  const actual = PNG.sync.read(image);
  const { differing, diff } = compareImages(expected, actual);
  if (differing <= MAX_DIFF_PIXELS) return;
  mkdirSync(dirs.artifacts, { recursive: true });
  writeFileSync(actualPath, image);
  if (diff) writeFileSync(diffPath, PNG.sync.write(diff));
  const what = diff
    ? `differs in ${differing} pixels (tolerance ${MAX_DIFF_PIXELS}); diff: ${diffPath}`
    : `is ${actual.width}×${actual.height}, the baseline ${expected.width}×${expected.height}`;
  throw new Error(
    `Screenshot "${name}" ${what}; actual: ${actualPath}; baseline: ${baselinePath}. If the change is intended, update the baselines deliberately: ${UPDATE_COMMAND}`,
  );
}

function writeBaseline(baselinePath: string, image: Buffer): void {
  mkdirSync(path.dirname(baselinePath), { recursive: true });
  writeFileSync(baselinePath, image);
}
