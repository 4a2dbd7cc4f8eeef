// The outbox's fallback schedule: every minute, whatever the after-commit
// nudges missed (a process that committed and died, a Prisma transaction
// whose commit the nudge cannot see, deliveries whose retry is due).
import type { JobDeps } from './deps.js';

export async function dispatchEventsJob(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.events) throw new Error('dispatch-events needs the pg pool (startJobs without `pool`)');
  const result = await deps.events.drain();
  if (result.dispatched + result.delivered + result.failed > 0) deps.logger.debug(result, 'events dispatched');
}
