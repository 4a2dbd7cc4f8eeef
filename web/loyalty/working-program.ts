// The program a transaction works under, for its in-transaction subscribers
// (web/subscribers): tier review, the entry reward, cashback and referral
// rewards need the program's rules and tiers, and the cause already holds
// them (a webhook loaded it once, a tier edit is applying new tiers). The
// cause states them here, keyed by its transaction handle, instead of every
// reaction loading the program again inside the transaction.
import type { Sql } from '../db/sql.js';
import type { TierDefinition } from './domain/tiers/policy.js';
import type { LoadedProgram } from './program.js';

const programs = new WeakMap<Sql, LoadedProgram | null>();
interface AppliedTiers {
  shop: string;
  tiers: readonly TierDefinition[];
}
const tierSetups = new WeakMap<Sql, AppliedTiers>();

/** The cause's program (null: the shop has no program switched on, and nothing reacts). */
export function workUnder<P extends LoadedProgram | null>(sql: Sql, program: P): P {
  programs.set(sql, program);
  return program;
}

/**
 * The program `sql`'s cause stated, for `shop`. A cause that stated none —
 * the engine's entry points (webhooks, jobs, the admin's actions) all do;
 * a script or a test writing the ledger directly may not — sets off no
 * program-dependent reaction, as when the shop's program is off.
 */
export function workingProgram(sql: Sql, shop: string): LoadedProgram | null {
  const program = programs.get(sql) ?? null;
  return program && program.shop === shop ? program : null;
}

/** Tiers being applied (a tier edit's new ones) win over the program's for this transaction's tier reactions. */
export function applyingTiers(sql: Sql, setup: AppliedTiers): void {
  tierSetups.set(sql, setup);
}

export function workingTiers(sql: Sql, shop: string): readonly TierDefinition[] {
  const setup = tierSetups.get(sql);
  if (setup && setup.shop === shop) return setup.tiers;
  return workingProgram(sql, shop)?.tiers ?? [];
}

/**
 * Members created in this transaction (enrolMember), with the available
 * points earned since: their progress toward a points-earned tier is known
 * without a query, so the signup bonus of a new member costs no tier review
 * until it could lift them out of the lowest tier.
 */
const fresh = new WeakMap<Sql, Map<string, number>>();

export function enrolledNow(sql: Sql, memberId: string): void {
  const members = fresh.get(sql) ?? new Map<string, number>();
  members.set(memberId, 0);
  fresh.set(sql, members);
}

/** Once anything but their own earnings moved (claimed guest history), their progress is the database's to say. */
export function noLongerFresh(sql: Sql, memberId: string): void {
  fresh.get(sql)?.delete(memberId);
}

/** A fresh member's progress after `points` more earned (undefined: not a member created in this transaction). */
export function freshProgress(sql: Sql, memberId: string, points: number): number | undefined {
  const members = fresh.get(sql);
  const before = members?.get(memberId);
  if (members === undefined || before === undefined) return undefined;
  members.set(memberId, before + points);
  return before + points;
}
