// The persistence rule (docs/architecture.md): routes validate, call one
// service function and respond; they never reach the database themselves. So
// no file under web/routes/ imports the Prisma client, the database modules or
// pg, or runs a query; and only web/db/sql.ts opens a transaction.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = resolve(import.meta.dirname, '../../web');
const DEV = resolve(import.meta.dirname, '../../dev');

function sourceFiles(dir: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (skip(path)) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path, skip);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** What a route may not contain: each a pattern and what it means. */
export const FORBIDDEN: Array<[RegExp, string]> = [
  [/from\s+['"][./]*(?:\.\.\/)*db(?:\.js|\/[^'"]*)['"]/, 'imports the database (web/db.ts or web/db/*)'],
  [/from\s+['"][^'"]*generated\/prisma[^'"]*['"]/, 'imports the Prisma client'],
  [/from\s+['"]@prisma\/[^'"]+['"]/, 'imports a Prisma package'],
  [/from\s+['"]pg['"]/, 'imports pg'],
  [/\bprisma\s*[.)\],]/, 'uses a Prisma client'],
  [/\.\$(?:queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)\b/, 'runs SQL or opens a Prisma transaction'],
  [/\.query\s*[<(]/, 'runs a query on a pg pool or client'],
  [/\b(?:pool|sql|tx)\s*[.,)]/, 'handles a pool, an Sql or a transaction'],
  [/\btransaction\s*\(/, 'opens a transaction'],
];

/** Every rule `text` breaks, as "line: what" strings. */
export function violations(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(?:\/\/|\*|\/\*)/.test(line)) return; // comments may name what routes must not do
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) found.push(`${i + 1}: ${what}: ${line.trim()}`);
  });
  return found;
}

describe('the persistence rule', () => {
  it('recognises each way a route could reach the database', () => {
    expect(violations(`import type { PrismaClient } from '../../db.js';`)).toHaveLength(1);
    expect(violations(`import { pgSql, transaction } from '../../db/sql.js';`).length).toBeGreaterThan(0);
    expect(violations(`import type pg from 'pg';`)).toHaveLength(1);
    expect(violations(`  const rows = await prisma.member.findMany({ where: { shop } });`).length).toBeGreaterThan(0);
    expect(violations(`  const { rows } = await deps.pool.query('SELECT 1');`).length).toBeGreaterThan(0);
    expect(violations(`  await prisma.$transaction(async (tx) => {`).length).toBeGreaterThan(0);
    expect(violations(`  const moved = await transaction(deps.pool, (tx) => work(tx));`).length).toBeGreaterThan(0);
    expect(violations(`  res.json(await adjustPoints(deps.members, { shop, memberId }));`)).toEqual([]);
    expect(violations(`// routes never call prisma.$transaction themselves`)).toEqual([]);
  });

  it('holds in every route outside the development tools', () => {
    const routes = sourceFiles(join(WEB, 'routes'), (path) => path === join(WEB, 'routes', 'dev'));
    expect(routes.length).toBeGreaterThan(10);
    const broken = routes.flatMap((file) => violations(readFileSync(file, 'utf8')).map((v) => `${relative(WEB, file)}:${v}`));
    expect(broken).toEqual([]);
  });

  it('has one place that opens transactions: transaction() in web/db/sql.ts', () => {
    const files = sourceFiles(WEB, (path) => ['generated', 'frontend', 'dev'].some((dir) => path === join(WEB, dir)));
    const opening = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return /\.\$transaction\s*\(|query\(\s*['"`]BEGIN/.test(text) ? [relative(WEB, file)] : [];
    });
    // migrate.ts applies migration files in its own BEGIN … COMMIT before the app runs.
    expect(opening.sort()).toEqual(['db/migrate.ts', 'db/sql.ts']);
  });

  it('has one writer of the event outbox: no file but web/events/emit.ts inserts into "Event"', () => {
    const files = [
      ...sourceFiles(WEB, (path) => path === join(WEB, 'generated')),
      ...sourceFiles(DEV, (path) => path.includes('node_modules')),
    ];
    const writers = files
      .filter((file) => /INSERT\s+INTO\s+"Event"(?!\w)/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(resolve(WEB, '..'), file));
    expect(writers).toEqual(['web/events/emit.ts']);
  });

  it('has one writer of points: no file but web/loyalty/ledger.ts inserts into "PointEntry" (seed and bench data aside)', () => {
    const files = sourceFiles(WEB, (path) => path === join(WEB, 'generated'));
    const writers = files
      .filter((file) => /INSERT\s+INTO\s+"PointEntry"(?!\w)/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(resolve(WEB, '..'), file));
    expect(writers).toEqual(['web/loyalty/ledger.ts']);
  });

  it('holds in the development code too: dev/ (seed, dev routes) opens transactions only through transaction()', () => {
    const files = sourceFiles(DEV, (path) => path.includes('node_modules'));
    expect(files.length).toBeGreaterThan(5);
    const opening = files
      .filter((file) => /\.\$transaction\s*\(|query\(\s*['"`]BEGIN/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(DEV, file));
    expect(opening).toEqual([]);
  });
});
