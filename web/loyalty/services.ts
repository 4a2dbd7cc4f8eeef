// What the loyalty services are given. Routes hold this object and pass it
// along whole, never reaching into it (docs/architecture.md, the persistence
// rule): the engine's pg pool for Sql and transaction(), Prisma for
// configuration CRUD, and the process's program cache.
import type pg from 'pg';
import type { PrismaClient } from '../db.js';
import type { Programs } from './program.js';

export interface LoyaltyDeps {
  prisma: PrismaClient;
  pool: pg.Pool;
  programs: Programs;
}

/** The shop has no program (or it is switched off): set it up first. */
export class NoProgram extends Error {
  constructor(readonly shop: string) {
    super('Set up the program first');
  }
}

/** The shop's program through the cache; throws NoProgram without one. */
export async function requireProgram({ programs }: Pick<LoyaltyDeps, 'programs'>, shop: string) {
  const program = await programs.get(shop);
  if (!program) throw new NoProgram(shop);
  return program;
}
