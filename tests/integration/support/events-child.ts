// A real Tally process (web/index.ts) with two test-only after-commit
// subscribers that append each event they handle to EVENTS_LOG: the crash
// test (events-crash.test.ts) kills it and starts it again. Test subscribers
// are refused in production (web/events/registry.ts).
import { appendFileSync } from 'node:fs';
import { holdNudgesForTest } from '../../../web/events/nudge.js';
import { addTestSubscriber } from '../../../web/events/registry.js';

const log = process.env.EVENTS_LOG;
if (!log) throw new Error('EVENTS_LOG is required');
for (const on of ['points.pending', 'program.changed'] as const) {
  addTestSubscriber(`record-${on}`, { on, mode: 'after-commit', handle: (event) => appendFileSync(log, `${on} ${event.id}\n`) });
}
// EVENTS_HOLD: commit events, dispatch none (the process to be killed before dispatch).
if (process.env.EVENTS_HOLD === 'true') holdNudgesForTest();
await import('../../../web/index.js');
