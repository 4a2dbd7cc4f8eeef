// Writes a migration for the changes made to prisma/schema.prisma since the
// last commit:  npm run db:new-migration -- <name>
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prismaDiff } from './lib/schema-drift.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:new-migration -- <name_in_snake_case>');
  process.exit(1);
}
const before = path.join(mkdtempSync(path.join(os.tmpdir(), 'tally-schema-')), 'schema.prisma');
writeFileSync(before, execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { encoding: 'utf8' }));
const sql = await prismaDiff(['--from-schema-datamodel', before], ['--to-schema-datamodel', 'prisma/schema.prisma']);
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log('schema.prisma has not changed since the last commit: no migration written');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join('prisma/migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'migration.sql'), sql);
console.log(`wrote ${dir}/migration.sql — review it, then npx prisma generate && npm run db:check-migrations`);
