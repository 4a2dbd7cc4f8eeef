// The embedded database: PGlite (PostgreSQL compiled to Wasm) served on a
// local TCP port so the app, Prisma and pg-boss all speak the ordinary
// Postgres wire protocol, exactly as they do against a real server.
//
// PGlite has a single session, so connections must take turns. Here a
// connection holds the session from its first message until the end of its
// unit of work — a Sync or simple Query that leaves no transaction open — and
// a connection that drops mid-transaction is rolled back. The stock
// multiplexer in @electric-sql/pglite-socket takes turns per message outside
// transactions; the protocol keeps an unnamed prepared statement per session,
// so we prefer whole units of work (we could not make the stock one fail in
// tests, and the per-unit lock costs nothing measurable).
// tests/integration/embedded-database.test.ts checks the isolation it gives.
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { StartupError } from '../startup-errors.js';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSS_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

/** A FIFO lock over the one PGlite session. */
class SessionLock {
  private owner: object | null = null;
  private waiters: Array<{ who: object; wake: () => void }> = [];

  async acquire(who: object): Promise<void> {
    if (this.owner === who) return;
    if (this.owner === null) {
      this.owner = who;
      return;
    }
    await new Promise<void>((wake) => this.waiters.push({ who, wake }));
  }

  holds(who: object): boolean {
    return this.owner === who;
  }

  release(who: object): void {
    if (this.owner !== who) return;
    const next = this.waiters.shift();
    this.owner = next ? next.who : null;
    next?.wake();
  }

  forget(who: object): void {
    this.waiters = this.waiters.filter((w) => w.who !== who);
  }
}

export interface EmbeddedDatabase {
  url: string;
  db: PGlite;
  close(): Promise<void>;
}

/** Who holds a data directory: written into its lock file. */
interface LockHolder {
  pid: number;
  host: string;
}

export const LOCK_FILE = 'tally.lock';

async function readHolder(file: string): Promise<LockHolder | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const [pid, host] = text.split('\n');
  return { pid: Number(pid), host: host ?? '' };
}

/** A holder on another machine (a shared folder) cannot be checked: it counts as alive. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dataDir: string, holder: LockHolder): StartupError {
  const who = holder.host === os.hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
  return new StartupError(
    `The embedded database in ${dataDir} (TALLY_DATA_DIR) is in use by another Tally process (${who}): stop that process, or give this one a directory of its own, e.g. TALLY_DATA_DIR=.data-2 npm run dev.`,
  );
}

/**
 * PGlite has no lock of its own: two processes on one directory each keep
 * their own copy in memory and one's writes are lost at the next start. So
 * the directory holds a lock file with the owner's pid; a second process
 * fails at once, and a lock whose process is gone (killed, crashed) is taken
 * over. Returns the release.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const mine = `${process.pid}\n${os.hostname()}\n`;
  const removeIfMine = () => {
    const text = (() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    })();
    if (text === mine) rmSync(file, { force: true });
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const created = await writeFile(file, mine, { flag: 'wx' }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
    // Two processes replacing the same stale lock at once: the one whose pid stayed in the file has it.
    if (created && (await readFile(file, 'utf8').catch(() => null)) === mine) {
      process.on('exit', removeIfMine);
      return async () => {
        process.off('exit', removeIfMine);
        removeIfMine();
      };
    }
    const holder = await readHolder(file);
    if (holder && isAlive(holder)) throw inUse(dataDir, holder);
    await rm(file, { force: true });
  }
  throw new StartupError(
    `Could not lock the embedded database in ${dataDir} (TALLY_DATA_DIR): another process keeps replacing ${LOCK_FILE}.`,
  );
}

/** Opens PGlite at `dataDir` ('memory://' for a throwaway database) and serves it on 127.0.0.1. */
export async function startEmbeddedDatabase(dataDir: string, port = 0): Promise<EmbeddedDatabase> {
  const unlock = dataDir.startsWith('memory://') ? async () => undefined : await lockDataDirectory(dataDir);
  // pg_trgm: the member search's trigram index (prisma/schema.prisma).
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } }).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  const lock = new SessionLock();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    serveConnection(socket, db, lock).finally(() => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    db,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await db.close();
      await unlock();
    },
  };
}

async function serveConnection(socket: net.Socket, db: PGlite, lock: SessionLock): Promise<void> {
  const me = {};
  socket.setNoDelay(true);
  let buffer = Buffer.alloc(0);
  let started = false;
  let chain = Promise.resolve();

  const finish = async () => {
    lock.forget(me);
    if (lock.holds(me)) {
      // A client that vanished mid-transaction must not leave it open for the next one.
      if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
      lock.release(me);
    }
  };

  const run = async (frame: Buffer, endsUnit: boolean) => {
    await lock.acquire(me);
    try {
      await db.execProtocolRawStream(new Uint8Array(frame), {
        onRawData: (chunk) => {
          if (!socket.destroyed) socket.write(Buffer.from(chunk));
        },
      });
    } finally {
      if (endsUnit && !db.isInTransaction()) lock.release(me);
    }
  };

  const consume = async () => {
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          buffer = buffer.subarray(8);
          socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          socket.destroy();
          return;
        }
        if (buffer.length < length) return;
        const frame = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code !== PROTOCOL_3) {
          socket.destroy();
          return;
        }
        started = true;
        await run(Buffer.from(frame), true);
        continue;
      }
      if (buffer.length < 5) return;
      const type = String.fromCharCode(buffer[0]!);
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const frame = Buffer.from(buffer.subarray(0, length));
      buffer = buffer.subarray(length);
      if (type === 'X') {
        socket.end();
        return;
      }
      await run(frame, type === 'S' || type === 'Q');
    }
  };

  await new Promise<void>((resolve) => {
    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      chain = chain.then(consume).catch(() => {
        socket.destroy();
      });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      chain = chain.then(finish, finish);
      void chain.then(resolve);
    });
  });
}
