// The member CSV import: a dry run answers what the file holds and which rows
// are wrong; an apply keeps the file (web/imports/spool.ts), records an Import
// and leaves the work to the `member-import` job (web/jobs/import-members.ts),
// which applies it in batches with progress; undo reverses what it gave.
import type { Readable } from 'node:stream';
import type { LoyaltyDeps } from '../loyalty/services.js';
import { openMemberFile, ImportRefused } from './read.js';
import type { FormatName } from './formats.js';
import type { RowError } from './rows.js';
import { openSpooled, removeSpooled, spool } from './spool.js';

/** Errors kept and answered per import (the counts are always whole). */
export const MAX_ERRORS = 1000;

/** The job queue as the import uses it (web/jobs/index.ts's Jobs fits; named here so imports do not import the jobs that run them). */
export interface ImportQueue {
  enqueue(name: 'member-import', data: { importId: string; action: 'apply' | 'undo' }): Promise<string | null>;
}

export interface DryRun {
  format: FormatName;
  rows: number;
  valid: number;
  invalid: number;
  errors: RowError[];
}

type Tiers = ReadonlyArray<{ id: string; name: string }>;

async function tiersOf(deps: Pick<LoyaltyDeps, 'programs'>, shop: string): Promise<Tiers> {
  return (await deps.programs.get(shop))?.tiers ?? [];
}

/** Reads the whole file once, checking each row; nothing is written. */
export async function checkFile(source: Readable, tiers: Tiers): Promise<DryRun> {
  const file = await openMemberFile(source, tiers);
  const result: DryRun = { format: file.format, rows: 0, valid: 0, invalid: 0, errors: [] };
  for await (const { row, errors } of file.rows) {
    result.rows += 1;
    if (row) result.valid += 1;
    else {
      result.invalid += 1;
      for (const e of errors) if (result.errors.length < MAX_ERRORS) result.errors.push(e);
    }
  }
  return result;
}

export async function dryRunMembers(deps: Pick<LoyaltyDeps, 'programs'>, shop: string, body: Readable): Promise<DryRun> {
  return checkFile(body, await tiersOf(deps, shop));
}

export interface ImportOptions {
  balance: 'set' | 'add';
  /** The kept file's name (web/imports/spool.ts) and its SHA-256. */
  file: string;
  sha256: string;
  format: FormatName;
  rows: number;
  valid: number;
  invalid: number;
}

/** Keeps the file, checks it, records the import (queued) and enqueues its job. A file no format knows is refused here. */
export async function startMemberImport(
  deps: Pick<LoyaltyDeps, 'programs' | 'prisma'> & { jobs: ImportQueue },
  shop: string,
  body: Readable,
  balance: 'set' | 'add',
) {
  const kept = await spool(body);
  try {
    const checked = await checkFile(openSpooled(kept.file), await tiersOf(deps, shop));
    const options: ImportOptions = { balance, file: kept.file, sha256: kept.sha256, ...checked };
    delete (options as Partial<DryRun>).errors;
    const created = await deps.prisma.import.create({
      data: {
        shop,
        kind: 'members',
        status: 'queued',
        total: checked.valid,
        options: options as object,
        errors: checked.errors as object[],
      },
    });
    await deps.jobs.enqueue('member-import', { importId: created.id, action: 'apply' });
    return { id: created.id, status: created.status };
  } catch (err) {
    await removeSpooled(kept.file);
    throw err;
  }
}

export function importJson(i: {
  id: string;
  kind: string;
  status: string;
  options: unknown;
  done: number;
  total: number;
  errors: unknown;
  result: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  undoneAt: Date | null;
}) {
  const options = (i.options ?? {}) as Partial<ImportOptions>;
  return {
    id: i.id,
    kind: i.kind,
    status: i.status,
    format: options.format ?? null,
    balance: options.balance ?? null,
    rows: options.rows ?? null,
    valid: options.valid ?? null,
    invalid: options.invalid ?? null,
    progress: { done: i.done, total: i.total },
    errors: i.errors,
    result: i.result,
    createdAt: i.createdAt,
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
    undoneAt: i.undoneAt,
  };
}

/** The shop's imports, newest first (without their errors: GET /imports/:id has them). */
export async function listImports(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, limit = 50) {
  const found = await deps.prisma.import.findMany({ where: { shop }, orderBy: { createdAt: 'desc' }, take: limit });
  return found.map((i) => {
    const { errors, ...rest } = importJson(i);
    return { ...rest, errorCount: Array.isArray(errors) ? errors.length : 0 };
  });
}

export async function findImport(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, id: string) {
  const found = await deps.prisma.import.findFirst({ where: { id, shop } });
  return found ? importJson(found) : null;
}

/** Queues the undo of a finished (or failed part-way) member import; 409 while it runs or once undone. */
export async function startUndo(deps: Pick<LoyaltyDeps, 'prisma'> & { jobs: ImportQueue }, shop: string, id: string) {
  const found = await deps.prisma.import.findFirst({ where: { id, shop } });
  if (!found) return null;
  const result = (found.result ?? {}) as { undo?: unknown };
  if (found.status === 'undone' || result.undo)
    throw new ImportRefused(409, 'already_undone', 'This import is undone already (or its undo is under way)');
  if (found.status !== 'done' && found.status !== 'failed')
    throw new ImportRefused(409, 'import_running', 'The import is still running: undo it once it is done');
  const updated = await deps.prisma.import.updateMany({
    where: { id, shop, status: found.status },
    data: { result: { ...(found.result as object), undo: { status: 'queued' } } },
  });
  if (updated.count === 0) throw new ImportRefused(409, 'import_changed', 'The import changed meanwhile: try again');
  await deps.jobs.enqueue('member-import', { importId: id, action: 'undo' });
  return { id, status: found.status };
}
