// Detects drift between prisma/schema.prisma and prisma/migrations without a
// shadow database: build one embedded database from the migrations and one
// from the schema (`prisma migrate diff --from-empty`), then compare their
// catalogs — tables, columns, defaults, indexes, constraints and enums.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../web/db/embedded.js';
import { migrate } from '../../web/db/migrate.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const CATALOG = `
SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS item
  FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
UNION ALL
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
UNION ALL
SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'
UNION ALL
SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
ORDER BY 1`;

async function catalogOf(build: (url: string) => Promise<void>): Promise<string[]> {
  const db = await startEmbeddedDatabase('memory://');
  try {
    await build(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ item: string }>(CATALOG);
    await client.end();
    return rows.map((r) => r.item);
  } finally {
    await db.close();
  }
}

/**
 * Runs `prisma migrate diff … --script` and returns the SQL. Prisma's CLI
 * (Wasm engine, driver adapter) connects even for a diff between two schema
 * files, so it is pointed at a throwaway embedded database; the call must be
 * asynchronous for that server to answer.
 */
export async function prismaDiff(from: string[], to: string[]): Promise<string> {
  const db = await startEmbeddedDatabase('memory://');
  try {
    const { stdout } = await promisify(execFile)(
      path.join(ROOT, 'node_modules/.bin/prisma'),
      ['migrate', 'diff', ...from, ...to, '--script'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: db.url } },
    );
    return stdout;
  } finally {
    await db.close();
  }
}

/** The SQL that builds the schema from nothing. */
export const schemaSql = (schema = 'prisma/schema.prisma') => prismaDiff(['--from-empty'], ['--to-schema-datamodel', schema]);

/** Returns the catalog lines that differ: `+` only in the schema, `-` only in the migrations. */
export async function schemaDrift(paths: { schema?: string; migrations?: string } = {}): Promise<string[]> {
  const fromSchema = await catalogOf(async (url) => {
    const sql = await schemaSql(paths.schema);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql);
    await client.end();
  });
  const fromMigrations = await catalogOf(async (url) => {
    await migrate(url, paths.migrations);
  });
  const a = new Set(fromMigrations);
  const b = new Set(fromSchema);
  return [...fromSchema.filter((x) => !a.has(x)).map((x) => `+ ${x}`), ...fromMigrations.filter((x) => !b.has(x)).map((x) => `- ${x}`)];
}
