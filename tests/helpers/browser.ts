// Headless Chromium for browser tests, from the system's package (apt's
// `chromium`), never a browser that playwright would download.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The Chromium executable: $CHROMIUM_PATH, or /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
}

/**
 * Launches headless Chromium. `options` are passed to playwright's
 * `chromium.launch` (extra `args` are added to the defaults).
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    ...options,
    executablePath,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/**
 * Records what goes wrong in a page: uncaught exceptions, console errors and
 * failed requests. Assert `problems` is empty at the end of a test.
 */
export function collectPageProblems(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? 'unknown';
    // react-query cancels a GET it no longer needs (a refetch after an invalidation overtook it): not a failure.
    if (request.method() === 'GET' && error === 'net::ERR_ABORTED' && request.url().includes('/api/admin/')) return;
    problems.push(`requestfailed: ${request.method()} ${request.url()} (${error})`);
  });
  return { problems };
}
