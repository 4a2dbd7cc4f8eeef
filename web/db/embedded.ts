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
import net from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

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

/** Opens PGlite at `dataDir` ('memory://' for a throwaway database) and serves it on 127.0.0.1. */
export async function startEmbeddedDatabase(dataDir: string, port = 0): Promise<EmbeddedDatabase> {
  // pg_trgm: the member search's trigram index (prisma/schema.prisma).
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
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
