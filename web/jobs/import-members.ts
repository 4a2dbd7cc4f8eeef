// member-import: applies a member CSV import (web/imports) in batches with
// progress, or undoes one. Retried from where it stopped: progress and the
// cursor commit with each batch, and the ledger's keys make a batch count once.
import { applyImport, undoImport } from '../imports/run.js';
import type { JobDeps } from './deps.js';

export async function importMembersJob(data: { importId: string; action: 'apply' | 'undo' }, deps: JobDeps): Promise<void> {
  const db = deps.pool ?? deps.prisma;
  if (data.action === 'undo') {
    await undoImport(db, data.importId);
    return;
  }
  const [found] = await deps.prisma.$queryRaw<Array<{ shop: string }>>`SELECT shop FROM "Import" WHERE id = ${data.importId}`;
  if (!found) return;
  await applyImport(db, await deps.programs.get(found.shop), data.importId);
  deps.logger.info({ importId: data.importId }, 'member import applied');
}
