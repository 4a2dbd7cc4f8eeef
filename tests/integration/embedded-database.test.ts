// The embedded database's multiplexer: many pg connections share PGlite's one
// session, yet each gets the isolation a real server gives — a transaction
// sees only its own uncommitted work, and extended-protocol queries from
// different connections never interleave.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, startEmbeddedDatabase, type EmbeddedDatabase } from '../../web/db/embedded.js';
import { becomesHealthy, freePort, startTallyProcess } from '../helpers/processes.js';

let db: EmbeddedDatabase;
beforeAll(async () => {
  db = await startEmbeddedDatabase('memory://');
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)');
  await c.end();
});
afterAll(async () => {
  await db?.close();
});

describe('embedded database', () => {
  it('keeps one connection’s open transaction invisible to another until it commits', async () => {
    const a = new pg.Client({ connectionString: db.url });
    const b = new pg.Client({ connectionString: db.url });
    await Promise.all([a.connect(), b.connect()]);
    await a.query('BEGIN');
    await a.query('UPDATE counter SET n = 100 WHERE id = $1', [1]);
    // b waits for a's unit of work to end, then sees the committed value only.
    const seen = b.query<{ n: number }>('SELECT n FROM counter WHERE id = $1', [1]);
    await new Promise((r) => setTimeout(r, 50));
    await a.query('ROLLBACK');
    expect((await seen).rows[0]!.n).toBe(0);
    await Promise.all([a.end(), b.end()]);
  });

  it('gives 50 concurrent read-modify-write transactions on 10 connections no lost update', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 10 });
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          const { rows } = await c.query<{ n: number }>('SELECT n FROM counter WHERE id = $1', [1]);
          await c.query('UPDATE counter SET n = $1 WHERE id = $2', [rows[0]!.n + 1, 1]);
          await c.query('COMMIT');
        } finally {
          c.release();
        }
      }),
    );
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]!.n).toBe(50);
    await pool.end();
  });

  it('returns each parameterised query its own result under concurrency (no interleaved Parse/Bind)', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 10 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => pool.query<{ v: string }>('SELECT $1::text || $2::text AS v', [`q${i}`, '!'])),
    );
    expect(results.map((r) => r.rows[0]!.v)).toEqual(Array.from({ length: 200 }, (_, i) => `q${i}!`));
    await pool.end();
  });

  it('rolls back the transaction of a client that disconnects in the middle of it', async () => {
    const a = new pg.Client({ connectionString: db.url });
    await a.connect();
    await a.query('BEGIN');
    await a.query('UPDATE counter SET n = -1 WHERE id = 1');
    a.on('error', () => undefined); // the client notices its own connection drop
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const b = new pg.Client({ connectionString: db.url });
    await b.connect();
    const { rows } = await b.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]!.n).not.toBe(-1);
    await b.end();
  });
});

// Two processes on one data directory: PGlite keeps each one's copy in
// memory, and one's writes were silently lost at the next start.
describe('embedded data directory lock', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tally-lock-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** A Tally process on `dir`; `exited` resolves with its exit code and stderr. */
  async function startTallyOn(dataDir: string) {
    const port = await freePort();
    const child = startTallyProcess(
      { PORT: String(port), TALLY_DATA_DIR: dataDir, TALLY_WORKER: 'false', LOG_LEVEL: 'warn' },
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
    const healthy = () => becomesHealthy(`http://127.0.0.1:${port}`, child, 900);
    return { child, exited, healthy };
  }

  // Each process migrates a fresh database on start: slow on a busy machine.
  it('makes a second process fail at once, naming the directory and the first one’s pid', { timeout: 180_000 }, async () => {
    const first = await startTallyOn(dir);
    expect(await first.healthy()).toBe(true);
    const second = await startTallyOn(dir);
    const outcome = await Promise.race([second.exited, second.healthy().then(() => 'the second process started' as const)]);
    expect(outcome).not.toBe('the second process started');
    const { code, stderr } = outcome as { code: number | null; stderr: string };
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `The embedded database in ${dir} (TALLY_DATA_DIR) is in use by another Tally process (pid ${first.child.pid}): stop that process, or give this one a directory of its own, e.g. TALLY_DATA_DIR=.data-2 npm run dev.`,
    ]);
    expect(await first.healthy()).toBe(true);

    // A clean stop gives the directory back.
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over the lock of a process that was killed', { timeout: 180_000 }, async () => {
    const killed = await startTallyOn(dir);
    expect(await killed.healthy()).toBe(true);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    const next = await startTallyOn(dir);
    expect(await next.healthy()).toBe(true);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });
});
