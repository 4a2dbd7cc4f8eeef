// Asking for a Shopify member sync soon, from the after-commit subscribers of
// the events that change what the sync writes (web/subscribers/<event>/sync-to-shopify.ts).
// The sync job (sync-members.ts) sends every member whose balanceVersion is
// ahead of syncedVersion, several per call, so one run carries every change
// committed before it starts: a request is a send with a short delay, and a
// burst of changes waits for one batched run instead of one call per event.
// The versions stay the record of what needs syncing; the every-minute
// schedule remains the fallback for a request that never came (a process
// without a queue, a crash between commit and dispatch, a queue error).
// Cheap on purpose (one delivery per event calls it): the queue is 'stately',
// so pg-boss drops a send while a run already waits; and this process does not
// send at all while a run it queued cannot have started yet (its start is
// MEMBER_SYNC_DELAY_SECONDS after the send, so it will read this change).
import type { JobQueue } from '../events/subscriber.js';

/** How long a request waits for further changes before the run starts. */
export const MEMBER_SYNC_DELAY_SECONDS = 1;
/** Room for the database's clock being ahead of this process's. */
const CLOCK_MARGIN_MS = 300;

let queuedRunStartsAfter = 0;

export async function requestMemberSync(jobs: JobQueue | null, now: () => number = Date.now): Promise<void> {
  if (!jobs) return; // no queue here: the schedule syncs
  const asked = now();
  if (asked < queuedRunStartsAfter) return;
  const id = await jobs.send('sync-members-to-shopify', {}, { startAfterSeconds: MEMBER_SYNC_DELAY_SECONDS });
  // A dropped send (null) means a run already waits, but since when is unknown: the next change asks again.
  if (id) queuedRunStartsAfter = Math.max(queuedRunStartsAfter, asked + MEMBER_SYNC_DELAY_SECONDS * 1000 - CLOCK_MARGIN_MS);
}

/** Tests forget the run this process queued. */
export function forgetQueuedMemberSync(): void {
  queuedRunStartsAfter = 0;
}
