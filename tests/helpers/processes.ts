// Tally as a real child process, for tests that kill it, start two of it or
// watch it refuse to start: a free port, the process, and its /healthz.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `entry` (default web/index.ts) under tsx in test mode, with `env` added. */
export function startTallyProcess(env: Record<string, string>, options: { entry?: string; stdio?: StdioOptions } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'web/index.ts'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    stdio: options.stdio ?? 'ignore',
  });
}

/** True once `url`/healthz answers 200; false when the process exits first or `tries` × 100 ms pass. */
export async function becomesHealthy(url: string, child: ChildProcess, tries = 600): Promise<boolean> {
  for (let i = 0; i < tries && child.exitCode === null; i++) {
    if (
      await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Waits until `url`/healthz answers 200; throws when the process exits or never does. */
export async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  if (await becomesHealthy(url, child)) return;
  throw new Error(child.exitCode !== null ? `Tally exited with ${child.exitCode}` : 'Tally did not become healthy');
}

/** Undo steps run after the file's tests, last registered first; returns the function that registers one. */
export function useCleanups(): (step: () => Promise<void> | void) => void {
  const steps: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const step of steps.reverse()) await step();
  });
  return (step) => void steps.push(step);
}

/**
 * A fresh folder and a database that outlive a killed Tally process: the
 * test PostgreSQL when TEST_DATABASE_URL is set, otherwise an embedded one on
 * disk inside the folder (on PGlite it lives in the process that is killed).
 * Both are removed by `cleanup`.
 */
export async function killableSetup(
  name: string,
  cleanup: (step: () => Promise<void> | void) => void,
): Promise<{ dir: string; database: TestDatabase }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tally-${name}-`));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  const database: TestDatabase = process.env.TEST_DATABASE_URL
    ? await createTestDatabase()
    : { env: { TALLY_DATA_DIR: path.join(dir, 'db') }, drop: async () => undefined };
  cleanup(() => database.drop());
  return { dir, database };
}
