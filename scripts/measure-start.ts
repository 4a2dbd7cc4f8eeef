// Start-up time and idle memory of `npm start` (the built server on plain
// node) beside `npm run dev` (tsx, Vite middleware, development tools), on the
// same machine in the same run. Run `npm run build` first, then
// `npx tsx scripts/measure-start.ts` (Linux: memory is read from /proc).
//
// Each command runs as package.json's script says, on its own fresh database
// (embedded, or on the PostgreSQL server at MEASURE_DATABASE_URL): once cold (migrations, and the seed in development), then WARM_RUNS
// times warm. Start-up is process start → the first 200 from /healthz. Memory
// is the resident set of the whole process tree (tsx runs the server in a
// child process), right after start-up and after IDLE_MS without requests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WARM_RUNS = 3;
const IDLE_MS = 30_000;
const SERVER = process.env.MEASURE_DATABASE_URL;

interface Command {
  name: string;
  script: string;
  env: Record<string, string>;
}

const COMMANDS: Command[] = [
  {
    name: 'npm start',
    script: 'start',
    env: {
      SHOPIFY_API_KEY: 'measure-key',
      SHOPIFY_API_SECRET: 'measure-secret',
      SHOPIFY_APP_URL: 'https://tally.example.com',
      SCOPES: 'read_orders,read_customers',
    },
  },
  { name: 'npm run dev', script: 'dev', env: {} },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process and all its descendants, in MiB. */
function treeRssMiB(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  let kib = 0;
  for (const pid of tree) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended while we looked.
    }
  }
  return kib / 1024;
}

/** The script's command line, run as npm would, but without npm's own process in the measurement. */
function run(command: Command, env: Record<string, string>): ChildProcess {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts[command.script];
  const pathWithBin = `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`;
  const base = { ...process.env };
  for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'HOST', 'DATABASE_URL', 'TALLY_SEED', 'SHOPIFY_APP_URL']) delete base[name];
  return spawn('sh', ['-c', script], {
    cwd: ROOT,
    env: { ...base, PATH: pathWithBin, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
    detached: true,
  });
}

async function untilHealthy(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before /healthz answered`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(20);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

interface Measurement {
  startMs: number;
  rssStart: number;
  rssIdle?: number;
}

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one command: a folder for the embedded one, or a new database on the server. */
async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (!SERVER) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tally-measure-'));
    return { env: { TALLY_DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tally_measure_${process.pid}_${Date.now()}`;
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function measureOnce(command: Command, database: Record<string, string>, idle: boolean): Promise<Measurement> {
  const port = await freePort();
  const started = performance.now();
  const child = run(command, { ...command.env, ...database, PORT: String(port) });
  try {
    await untilHealthy(port, child);
    const startMs = performance.now() - started;
    const rssStart = treeRssMiB(child.pid!);
    if (!idle) return { startMs, rssStart };
    await sleep(IDLE_MS);
    return { startMs, rssStart, rssIdle: treeRssMiB(child.pid!) };
  } finally {
    await stop(child);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const command of COMMANDS) {
    const database = await freshDatabase();
    try {
      const cold = await measureOnce(command, database.env, false);
      const warm: Measurement[] = [];
      for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await measureOnce(command, database.env, i === WARM_RUNS - 1));
      const idle = warm[warm.length - 1]!;
      rows.push(
        `| \`${command.name}\` | ${(cold.startMs / 1000).toFixed(1)} s | ${(median(warm.map((m) => m.startMs)) / 1000).toFixed(1)} s | ${idle.rssStart.toFixed(0)} MiB | ${idle.rssIdle!.toFixed(0)} MiB |`,
      );
    } finally {
      await database.drop();
    }
  }
  const header = [
    `Measured by scripts/measure-start.ts on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, ${SERVER ? 'PostgreSQL' : 'embedded database (PGlite)'}, load average ${os.loadavg()[0]!.toFixed(1)} at the end:`,
    '',
    `| Command | Start-up, first run (migrations) | Start-up, warm (median of ${WARM_RUNS}) | Memory (RSS) at start-up | Memory (RSS) after ${IDLE_MS / 1000} s idle |`,
    '|---|---|---|---|---|',
  ];
  process.stdout.write(`${[...header, ...rows].join('\n')}\n`);
}

await main();
