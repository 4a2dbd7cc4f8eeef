// history-import: reads a shop's past orders through a Shopify bulk operation
// (web/imports/history.ts) and records them. Retried from where it stopped:
// the operation's id and the JSONL line reached commit with each batch.
import { runHistoryImport } from '../imports/history.js';
import type { JobDeps } from './deps.js';

export async function importHistoryJob(data: { importId: string }, deps: JobDeps): Promise<void> {
  if (!deps.admin) throw new Error('history-import needs the Admin API client');
  await runHistoryImport(deps.pool ?? deps.prisma, deps.admin, data.importId, historyTiming());
  deps.logger.info({ importId: data.importId }, 'history import finished');
}

/** Polling pace: TALLY_HISTORY_POLL_MS shortens it where the stand-in answers in milliseconds (tests, dev). */
function historyTiming() {
  const poll = Number(process.env.TALLY_HISTORY_POLL_MS);
  return Number.isFinite(poll) && poll > 0 ? { pollMs: poll, wakeMs: Math.min(poll, 1000) } : {};
}
