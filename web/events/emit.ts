// emit(): the only writer of the event outbox ("Event"). The event row is
// written in the caller's transaction, so it exists if and only if its cause
// committed; in-transaction subscribers run right here, in that transaction;
// after commit the dispatcher hands it to the after-commit subscribers.
import { randomUUID } from 'node:crypto';
import { afterCommit, type Sql } from '../db/sql.js';
import { eventCatalog, type DomainEvent, type EventName, type StoredEvent } from './catalog.js';
import { nudge, nudgeSoon } from './nudge.js';
import { inTransactionSubscribers } from './reactions.js';

export class InvalidEvent extends Error {}

/** Checks the data against the catalogue and gives the event its id and time. */
export function prepare<N extends EventName>(event: DomainEvent<N>): StoredEvent<N> {
  const schema = eventCatalog[event.type];
  if (!schema) throw new InvalidEvent(`No event ${event.type} in the catalogue`);
  const parsed = schema.safeParse(event.data);
  if (!parsed.success)
    throw new InvalidEvent(`${event.type}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return { ...event, data: parsed.data, memberId: event.memberId ?? null, id: randomUUID(), at: event.at ?? new Date() } as StoredEvent<N>;
}

/** Writes one event (one INSERT) and runs its in-transaction subscribers. */
export async function emit<N extends EventName>(sql: Sql, event: DomainEvent<N>): Promise<StoredEvent<N>> {
  const e = prepare(event);
  await sql.$executeRaw`
    INSERT INTO "Event" (id, shop, "memberId", type, cause, data, "createdAt")
    VALUES (${e.id}, ${e.shop}, ${e.memberId ?? null}, ${e.type}, ${e.cause}, ${JSON.stringify(e.data)}::jsonb, ${e.at})`;
  await emitted(sql, e as unknown as StoredEvent);
  return e;
}

/** Writes several events in one INSERT (a batch of tier moves), then their in-transaction subscribers. */
export async function emitMany(sql: Sql, events: DomainEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const all = events.map((e) => prepare(e));
  await sql.$executeRaw`
    INSERT INTO "Event" (id, shop, "memberId", type, cause, data, "createdAt")
    SELECT * FROM unnest(${all.map((e) => e.id)}::text[], ${all.map((e) => e.shop)}::text[], ${all.map((e) => e.memberId ?? null)}::text[],
                         ${all.map((e) => e.type)}::text[], ${all.map((e) => e.cause)}::text[], ${all.map((e) => JSON.stringify(e.data))}::jsonb[],
                         ${all.map((e) => e.at)}::timestamp[])`;
  for (const e of all) await emitted(sql, e);
  return all;
}

/** How deep in-transaction subscribers may emit events whose subscribers emit again (points → tier → reward is 3). */
export const MAX_REACTION_DEPTH = 8;
const depths = new WeakMap<Sql, number>();

export class ReactionLoop extends Error {}

/**
 * After the row is written: in-transaction subscribers, and a nudge for after
 * commit. Subscribers run one after another in name order, each to the end —
 * including what its own events set off, depth first — before the next; a
 * chain deeper than MAX_REACTION_DEPTH throws (and the cause rolls back)
 * rather than loop.
 */
export async function emitted(sql: Sql, e: StoredEvent): Promise<void> {
  const subscribers = inTransactionSubscribers(e.type);
  if (subscribers.length > 0) {
    const depth = depths.get(sql) ?? 0;
    if (depth >= MAX_REACTION_DEPTH)
      throw new ReactionLoop(`${e.type} set off reactions ${MAX_REACTION_DEPTH} deep: ${subscribers.map((s) => s.name).join(', ')}`);
    depths.set(sql, depth + 1);
    try {
      for (const s of subscribers) await (s.handle as (event: StoredEvent, ctx: { sql: Sql }) => Promise<void> | void)(e, { sql });
    } finally {
      depths.set(sql, depth);
    }
  }
  if (!afterCommit(sql, nudge)) nudgeSoon();
}

/** A piece of tagged SQL, for statements that write their cause and its event in one round trip. */
export interface Fragment {
  strings: string[];
  values: unknown[];
}

export const fragment = (strings: TemplateStringsArray, ...values: unknown[]): Fragment => ({ strings: [...strings], values });

export function joinFragments(...parts: Fragment[]): Fragment {
  const strings: string[] = [];
  const values: unknown[] = [];
  for (const part of parts) {
    if (strings.length === 0) strings.push(...part.strings);
    else {
      strings[strings.length - 1] += part.strings[0]!;
      strings.push(...part.strings.slice(1));
    }
    values.push(...part.values);
  }
  return { strings, values };
}

export function runFragment<T>(sql: Sql, f: Fragment): Promise<T> {
  const template = Object.assign([...f.strings], { raw: [...f.strings] }) as unknown as TemplateStringsArray;
  return sql.$queryRaw<T>(template, ...f.values);
}

/**
 * The outbox write as a CTE, `ev AS (INSERT INTO "Event" …)`, writing `e`
 * once per row of the CTE `source` (zero or one row: the cause's own write),
 * with that row's `balance` column added to the data. The ledger chains it
 * after its entry so an entry and its event cost one round trip; call
 * emitted() once the statement says a row was written.
 */
export function outboxCte(e: StoredEvent, source: 'u'): Fragment {
  const head = fragment`ev AS (
      INSERT INTO "Event" (id, shop, "memberId", type, cause, data, "createdAt")
      SELECT ${e.id}, ${e.shop}, ${e.memberId ?? null}, ${e.type}, ${e.cause},
             ${JSON.stringify(e.data)}::jsonb || jsonb_build_object('balance', src.balance), ${e.at}
      FROM `;
  return joinFragments(head, { strings: [`${source} AS src RETURNING 1)`], values: [] });
}

/**
 * outboxCte for a cause whose member, and whether it happened, only its own
 * statement knows: `ev AS (INSERT INTO "Event" …)` writing `e` once per row of
 * the CTE `source` for which `condition` (SQL over that row, `src`, and the
 * statement's other CTEs) holds, with the row's "memberId" as the event's
 * member. The order's upsert chains it so order.paid is written only when the
 * order had no award before, in the same round trip; call emitted() (with the
 * member) once the statement says a row was written.
 */
export function outboxCteWhen(e: StoredEvent, source: 'o', condition: Fragment): Fragment {
  const head = fragment`ev AS (
      INSERT INTO "Event" (id, shop, "memberId", type, cause, data, "createdAt")
      SELECT ${e.id}, ${e.shop}, src."memberId", ${e.type}, ${e.cause}, ${JSON.stringify(e.data)}::jsonb, ${e.at}
      FROM `;
  return joinFragments(head, { strings: [`${source} AS src WHERE `], values: [] }, condition, { strings: [' RETURNING 1)'], values: [] });
}
