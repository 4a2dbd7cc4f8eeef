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
