// Which subscribers react to which event. The production list is the static
// index web/subscribers/index.ts (a glob import would need a bundler step in
// the production build and hides a missing file until run time; a unit test
// checks the index against the folders). Tests add their own through
// addTestSubscriber, which a production process refuses.
import { subscribers } from '../subscribers/index.js';
import type { EventName } from './catalog.js';
import { installInTransactionSubscribers } from './reactions.js';
import type { NamedSubscriber, Subscriber } from './subscriber.js';

// In name order ("<event>/<reaction>"), whatever order the index lists them in: in-transaction reactions run in that order.
const all: NamedSubscriber[] = Object.entries(subscribers)
  .map(([name, s]) => ({ ...(s as Subscriber), name }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));
const testOnes: NamedSubscriber[] = [];

function current(): NamedSubscriber[] {
  return testOnes.length === 0 ? all : [...all, ...testOnes];
}

export function subscribersOf(type: EventName | string, mode: Subscriber['mode']): NamedSubscriber[] {
  return current().filter((s) => s.on === type && s.mode === mode);
}

export function subscriberNamed(name: string): NamedSubscriber | undefined {
  return current().find((s) => s.name === name);
}

installInTransactionSubscribers((type) => subscribersOf(type, 'in-transaction'));

/** The after-commit subscribers that get a delivery per event, by event type (the dispatcher's fan-out). */
export function afterCommitByType(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const s of current()) if (s.mode === 'after-commit') map.set(s.on, [...(map.get(s.on) ?? []), s.name]);
  return map;
}

/** The coalescing after-commit subscribers (called once per batch, no deliveries), by event type. */
export function coalescedByType(): Map<string, NamedSubscriber[]> {
  const map = new Map<string, NamedSubscriber[]>();
  for (const s of current()) if (s.mode === 'after-commit-coalesced') map.set(s.on, [...(map.get(s.on) ?? []), s]);
  return map;
}

/** Tests only: a subscriber present until the returned function removes it. */
export function addTestSubscriber(name: string, subscriber: Subscriber): () => void {
  if (process.env.NODE_ENV === 'production') throw new Error('Test subscribers are refused in production');
  const named = { ...subscriber, name: `test/${name}` } as NamedSubscriber;
  testOnes.push(named);
  return () => {
    const at = testOnes.indexOf(named);
    if (at >= 0) testOnes.splice(at, 1);
  };
}
