// One benchmark target in a process of its own, so the load generator never
// shares its event loop. Started by tests/bench/run.ts as
//   node --import tsx tests/bench/target.ts <kind>
// It prints one JSON line {"url": ...} on stdout when ready, serves until
// SIGTERM, then prints a final JSON line (for Tally kinds, {"processed": N}:
// the WebhookDelivery rows with status PROCESSED) and exits.
//
// Kinds:
//   bare-node       plain node:http server: reads the body, answers 200 {"ok":true} (HTTP baseline)
//   pglite-raw      the embedded PGlite server alone (raw SQL baseline on PGlite)
//   tally-pglite    the full app on an in-memory PGlite, demo shop seeded
//   tally-postgres  the full app on BENCH_DATABASE_URL, demo shop seeded
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Kind = 'bare-node' | 'pglite-raw' | 'tally-pglite' | 'tally-postgres';
const KINDS: readonly Kind[] = ['bare-node', 'pglite-raw', 'tally-pglite', 'tally-postgres'];

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

interface Running {
  url: string;
  /** Extra fields for the ready line. */
  ready?: Record<string, unknown>;
  stop(): Promise<Record<string, unknown>>;
}

async function bareNode(): Promise<Running> {
  const answer = Buffer.from('{"ok":true}');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Touch the whole body, as a real handler would.
      Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return {};
    },
  };
}

async function pgliteRaw(): Promise<Running> {
  const { startEmbeddedDatabase } = await import('../../web/db/embedded.js');
  const db = await startEmbeddedDatabase('memory://');
  return {
    url: db.url,
    async stop() {
      await db.close();
      return {};
    },
  };
}

async function tally(database: 'pglite' | 'postgres'): Promise<Running> {
  const { loadConfig } = await import('../../web/config.js');
  const { startTally } = await import('../../web/start.js');
  const { checkLedger } = await import('../../web/loyalty/doctor.js');
  const env: Record<string, string> = { NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', TALLY_SEED: 'true' };
  if (database === 'postgres') {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) throw new Error('tally-postgres needs BENCH_DATABASE_URL');
    env.DATABASE_URL = url;
  } else {
    env.TALLY_DATA_DIR = 'memory://';
  }
  const app = await startTally(loadConfig(env), { frontend: false });
  const processed = () => app.db.prisma.webhookDelivery.count({ where: { status: 'PROCESSED' } });
  return {
    url: app.url,
    ready: { processed: await processed() },
    async stop() {
      // Stop taking requests first so the count is final, then read it before the database closes.
      await new Promise<void>((resolve) => {
        app.server.close(() => resolve());
        app.server.closeAllConnections();
      });
      const count = await processed();
      const ledger = await checkLedger(app.db.prisma);
      await app.close();
      return { processed: count, members: ledger.members, ledgerOffenders: ledger.offenders.length };
    },
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2] as Kind;
  if (!KINDS.includes(kind)) throw new Error(`Unknown target kind "${String(kind)}"; expected one of ${KINDS.join(', ')}`);
  const running =
    kind === 'bare-node'
      ? await bareNode()
      : kind === 'pglite-raw'
        ? await pgliteRaw()
        : await tally(kind === 'tally-pglite' ? 'pglite' : 'postgres');
  emit({ url: running.url, pid: process.pid, ...running.ready });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      emit({ stopped: true, ...(await running.stop()) });
      process.exit(0);
    } catch (error) {
      emit({ stopped: false, error: (error as Error).message });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // If the harness dies, do not linger.
  process.on('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  emit({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
