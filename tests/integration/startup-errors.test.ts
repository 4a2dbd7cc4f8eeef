// The usual start-up mistakes, made for real: `web/index.ts` started as a
// child process with a bad setting exits non-zero with one line that names
// the variable to fix and how — no stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/database.js';
import { freePort } from '../helpers/processes.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tally-startup-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stderr: string[];
  stdout: string;
}

/** Starts Tally as `npm run dev` does, with `env` on top, and waits for it to exit. */
function startExpectingFailure(env: Record<string, string>): Promise<Outcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'web/index.ts'], {
    env: { ...process.env, NODE_ENV: 'development', TALLY_DATA_DIR: dataDir, TALLY_SEED: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const giveUp = setTimeout(() => child.kill('SIGKILL'), 40_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(giveUp);
      resolve({ code, stdout, stderr: stderr.split('\n').filter((line) => line.trim() !== '') });
    }),
  );
}

/** Exactly one line on stderr, no stack trace anywhere, a non-zero exit. */
function expectOneClearLine(outcome: Outcome, line: RegExp) {
  expect(outcome.code).not.toBe(0);
  expect(outcome.code).not.toBeNull();
  expect(outcome.stderr).toHaveLength(1);
  expect(outcome.stderr[0]).toMatch(line);
  expect(`${outcome.stdout}\n${outcome.stderr.join('\n')}`).not.toMatch(/^\s+at /m);
}

describe('start-up mistakes', () => {
  it('port in use: names PORT and suggests a free one', async () => {
    const holder = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const outcome = await startExpectingFailure({ PORT: String(port) });
      expectOneClearLine(outcome, new RegExp(`^Port ${port} .*already in use.*PORT.*PORT=\\d+ npm run dev`));
      const suggested = Number(/PORT=(\d+)/.exec(outcome.stderr[0]!)![1]);
      expect(suggested).not.toBe(port);
      await new Promise<void>((resolve, reject) => {
        const probe = net
          .createServer()
          .once('error', reject)
          .listen(suggested, '127.0.0.1', () => probe.close(() => resolve()));
      });
    } finally {
      holder.close();
    }
  });

  it('database unreachable: names DATABASE_URL, the address, and what to do', async () => {
    const port = await freePort();
    const outcome = await startExpectingFailure({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    expectOneClearLine(
      outcome,
      new RegExp(`^Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\).*start PostgreSQL.*unset DATABASE_URL`, 'i'),
    );
  });

  describe.runIf(onPostgres)('on a real PostgreSQL server', () => {
    const server = () => new URL(process.env.TEST_DATABASE_URL!);

    it('missing database: names it, DATABASE_URL and createdb', async () => {
      const url = server();
      url.pathname = '/tally_no_such_database';
      const outcome = await startExpectingFailure({ DATABASE_URL: url.toString() });
      expectOneClearLine(
        outcome,
        /^Database "tally_no_such_database" does not exist .*\(DATABASE_URL\).*createdb .*tally_no_such_database/,
      );
    });

    it('wrong role: names the role, DATABASE_URL and the fix, never the password', async () => {
      const url = server();
      url.username = 'tally_no_such_role';
      url.password = 'hunter2';
      const outcome = await startExpectingFailure({ DATABASE_URL: url.toString() });
      expectOneClearLine(outcome, /^PostgreSQL at .* refused role "tally_no_such_role" \(DATABASE_URL\).*/);
      expect(outcome.stderr[0]).not.toContain('hunter2');
    });
  });
});
