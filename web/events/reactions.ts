// The in-transaction subscribers emit() runs, as the registry
// (web/events/registry.ts) installs them when it loads. emit() does not import
// the registry: the registry imports every subscriber, the subscribers the
// engine (tiers, rewards, referrals), and the engine emit() — a cycle kept out
// of the module graph by this one-way hand-over. The dispatcher and the app
// load the registry; an emit() before that throws rather than skip a reaction.
import type { NamedSubscriber } from './subscriber.js';

let lookup: ((type: string) => NamedSubscriber[]) | null = null;

export function installInTransactionSubscribers(fn: (type: string) => NamedSubscriber[]): void {
  lookup = fn;
}

export function inTransactionSubscribers(type: string): NamedSubscriber[] {
  if (!lookup) throw new Error('No subscriber registry loaded: import web/events/registry.js before emitting events');
  return lookup(type);
}
