// `npm test`: every suite, once on the embedded PGlite and — for the
// integration suite — once more on real PostgreSQL, then one summary line.
// Outside CI, a suite whose dependency is missing (PostgreSQL, Chromium) is
// skipped with a notice; under CI=true a missing dependency is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const only = process.argv.slice(2);

interface Suite {
  name: string;
  project: string;
  env?: Record<string, string>;
  needs?: () => Promise<string | null>;
  before?: () => void;
}

async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return `PostgreSQL at ${PG_URL} is not reachable (${(error as Error).message})`;
  }
}

const suites: Suite[] = [
  { name: 'unit', project: 'unit' },
  { name: 'integration on PGlite', project: 'integration' },
  { name: 'integration on PostgreSQL', project: 'integration', env: { TEST_DATABASE_URL: PG_URL }, needs: postgresReachable },
  {
    name: 'e2e in Chromium',
    project: 'e2e',
    needs: async () => (existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install chromium)`),
    before: () => run('npx', ['vite', 'build', '--config', 'web/frontend/vite.config.ts', '--logLevel', 'warn'], {}),
  },
];

function run(cmd: string, args: string[], env: Record<string, string>): number {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const lines: string[] = [];
for (const suite of suites) {
  if (only.length > 0 && !only.some((o) => suite.name.includes(o))) continue;
  const missing = (await suite.needs?.()) ?? null;
  if (missing) {
    lines.push(`${suite.name}: ${CI ? 'FAILED' : 'skipped'} — ${missing}`);
    if (CI) failed += 1;
    continue;
  }
  suite.before?.();
  const report = `test-results/${suite.name.replace(/\W+/g, '-')}.json`;
  rmSync(report, { force: true });
  console.log(`\n━━ ${suite.name} ━━`);
  const status = run('npx', ['vitest', 'run', '--project', suite.project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], suite.env ?? {});
  const summary = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null;
  const p = summary?.numPassedTests ?? 0;
  // A suite that crashed or collected nothing counts as a failure, never as a pass.
  const f = (summary?.numFailedTests ?? 0) + (status !== 0 && !summary?.numFailedTests ? 1 : 0) + (p === 0 ? 1 : 0);
  passed += p;
  failed += f;
  lines.push(`${suite.name}: ${p} passed, ${f} failed${status !== 0 ? ` (vitest exit ${status})` : ''}`);
}
console.log(`\n${lines.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
