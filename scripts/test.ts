// `npm test`: every suite, once on the embedded PGlite and — for the
// integration suite — once more on real PostgreSQL, then the summary: a line
// per suite, the totals with skipped tests, and `N passed, N failed` last (CI reads it).
// Outside CI, a suite whose dependency is missing (PostgreSQL, Chromium) is
// skipped with a notice; under CI=true a missing dependency is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { suiteNotRun, suiteResult, summaryLines, type SuiteResult } from './lib/test-summary.js';

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
const results: SuiteResult[] = [];
for (const suite of suites) {
  if (only.length > 0 && !only.some((o) => suite.name.includes(o))) continue;
  const missing = (await suite.needs?.()) ?? null;
  if (missing) {
    results.push(suiteNotRun(suite.name, missing, CI));
    continue;
  }
  suite.before?.();
  const report = `test-results/${suite.name.replace(/\W+/g, '-')}.json`;
  rmSync(report, { force: true });
  console.log(`\n━━ ${suite.name} ━━`);
  const status = run(
    'npx',
    ['vitest', 'run', '--project', suite.project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    suite.env ?? {},
  );
  results.push(suiteResult(suite.name, existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null, status));
}
console.log(`\n${summaryLines(results, CI).join('\n')}`);
process.exit(results.some((r) => r.failed > 0) ? 1 : 0);
