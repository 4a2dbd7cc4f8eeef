// The member import's background work: apply the kept file in batches (one
// transaction each, with the import's progress and cursor in the same
// transaction, so a crashed run resumes after the last committed batch), or
// undo what it gave. Called by the `member-import` job (web/jobs/import-members.ts).
import pg from 'pg';
import { transaction, type Sql } from '../db/sql.js';
import type { PrismaClient } from '../db.js';
import { creditExpiresAt } from '../loyalty/domain/program.js';
import { tierKeptUntil } from '../loyalty/domain/tiers/qualify.js';
import type { LoadedProgram } from '../loyalty/program.js';
import { applyBatch, undoBatch, type ApplyContext, type BatchResult } from './apply.js';
import type { ImportOptions } from './members.js';
import { openMemberFile } from './read.js';
import type { MemberRow } from './rows.js';
import { openSpooled, removeSpooled } from './spool.js';

/** Rows per transaction: the statements per batch are the same whatever its size (web/imports/apply.ts). */
export const BATCH_ROWS = 5000;

type Db = pg.Pool | PrismaClient;
const inTransaction = <T>(db: Db, work: (sql: Sql) => Promise<T>) =>
  db instanceof pg.Pool ? transaction(db, work) : transaction(db, work, { timeout: 120_000 });

interface Row {
  id: string;
  shop: string;
  status: string;
  options: ImportOptions;
  cursor: { row?: number; undoAfter?: string };
  result: Record<string, unknown>;
}

async function load(db: Db, id: string): Promise<Row | null> {
  const rows =
    db instanceof pg.Pool
      ? (await db.query<Row>(`SELECT id, shop, status, options, cursor, result FROM "Import" WHERE id = $1`, [id])).rows
      : await db.$queryRaw<Row[]>`SELECT id, shop, status, options, cursor, result FROM "Import" WHERE id = ${id}`;
  return rows[0] ?? null;
}

/** Applies a queued (or interrupted) member import. */
export async function applyImport(db: Db, program: LoadedProgram | null, importId: string, now = new Date()): Promise<void> {
  const found = await load(db, importId);
  // queued, or running / failed part-way (a crash, a retry of the job): it goes on after the last committed batch.
  if (!found || !['queued', 'running', 'failed'].includes(found.status) || found.result.undo) return;
  const { shop, options } = found;
  await inTransaction(
    db,
    (sql) => sql.$executeRaw`
    UPDATE "Import" SET status = 'running', "startedAt" = COALESCE("startedAt", ${now}::timestamp) WHERE id = ${importId}`,
  );
  let keyPrefix = `import:${importId}`;
  if (options.balance === 'add') {
    // The same file added again adds nothing, unless what it added before was undone.
    const [undone] = await inTransaction(
      db,
      (sql) => sql.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM "Import" WHERE shop = ${shop} AND kind = 'members' AND status = 'undone'
        AND options->>'sha256' = ${options.sha256} AND options->>'balance' = 'add'`,
    );
    keyPrefix = `import:file:${options.sha256.slice(0, 32)}:${undone?.n ?? 0}`;
  }
  const ctx: ApplyContext = {
    shop,
    importId,
    balance: options.balance,
    keyPrefix,
    now,
    expiresAt: program ? creditExpiresAt(now, program.settings.expiry) : null,
    tiers: program?.tiers ?? [],
    keptUntil: program ? tierKeptUntil(now, program.settings.tierPolicy, program.timeZone) : null,
  };
  const from = found.cursor.row ?? 0;
  const totals: BatchResult = { members: 0, created: 0, guests: 0, points: 0, tiers: 0, ...(found.result as Partial<BatchResult>) };
  try {
    const file = await openMemberFile(openSpooled(options.file), program?.tiers ?? [], now);
    let batch: MemberRow[] = [];
    let last = from;
    // One batch is written while the next is read and checked: the database and the parser work at the same time.
    let writing: Promise<unknown> = Promise.resolve();
    const write = (rows: MemberRow[], through: number) =>
      inTransaction(db, async (sql) => {
        const r = rows.length ? await applyBatch(sql, ctx, rows) : null;
        const sums = { ...totals };
        if (r) for (const k of Object.keys(sums) as Array<keyof BatchResult>) sums[k] += r[k];
        await sql.$executeRaw`
          UPDATE "Import" SET done = done + ${rows.length}, cursor = ${JSON.stringify({ row: through })}::jsonb,
            result = ${JSON.stringify(sums)}::jsonb WHERE id = ${importId}`;
        return sums;
      }).then((sums) => Object.assign(totals, sums));
    const flush = async () => {
      const rows = batch;
      batch = [];
      await writing;
      writing = write(rows, last);
      writing.catch(() => undefined); // awaited (and thrown) before the next batch or at the end
    };
    for await (const { row, number } of file.rows) {
      if (number <= from) continue;
      last = number;
      if (row) batch.push(row);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    await writing;
    await inTransaction(
      db,
      (sql) => sql.$executeRaw`
      UPDATE "Import" SET status = 'done', "finishedAt" = ${new Date()}::timestamp WHERE id = ${importId}`,
    );
    await removeSpooled(options.file);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await inTransaction(
      db,
      (sql) => sql.$executeRaw`
      UPDATE "Import" SET status = 'failed', "finishedAt" = ${new Date()}::timestamp,
        result = result || ${JSON.stringify({ failure: message.slice(0, 500) })}::jsonb WHERE id = ${importId}`,
    );
    throw err;
  }
}

/** Reverses what a member import gave, a batch of members per transaction; then it is `undone`. */
export async function undoImport(db: Db, importId: string, now = new Date(), size = BATCH_ROWS): Promise<void> {
  const found = await load(db, importId);
  if (!found || found.status === 'undone') return;
  const undo = { status: 'running', members: 0, reversed: 0, spent: 0, ...(found.result.undo as object) };
  let after = found.cursor.undoAfter ?? '';
  for (;;) {
    const batch = await inTransaction(db, async (sql) => {
      const b = await undoBatch(sql, found.shop, importId, after, size, now);
      undo.members += b.members;
      undo.reversed += b.reversed;
      undo.spent += b.spent;
      await sql.$executeRaw`
        UPDATE "Import" SET cursor = cursor || ${JSON.stringify({ undoAfter: b.last ?? '' })}::jsonb,
          result = result || ${JSON.stringify({ undo })}::jsonb WHERE id = ${importId}`;
      return b;
    });
    if (!batch.last) break;
    after = batch.last;
  }
  await inTransaction(
    db,
    (sql) => sql.$executeRaw`
    UPDATE "Import" SET status = 'undone', "undoneAt" = ${new Date()}::timestamp,
      result = result || ${JSON.stringify({ undo: { ...undo, status: 'done' } })}::jsonb WHERE id = ${importId}`,
  );
}
