// A change to a shop's configuration (settings, earn rules, campaigns,
// rewards, tiers, the widget) commits with its program.changed event; the
// after-commit subscriber web/subscribers/program.changed/forget-program-cache
// drops the cached program. The admin's save waits for that (settle), so the
// next order after "Saved" earns by the new rules.
import type { PrismaClient, Tx } from '../db.js';
import { transaction, type Sql } from '../db/sql.js';
import type { EventData } from '../events/catalog.js';
import { emit } from '../events/emit.js';
import { settle } from '../events/nudge.js';

type What = EventData<'program.changed'>['what'];

/** Emits program.changed in the transaction `sql` (call settleProgramChange after it commits). */
export function emitProgramChanged(sql: Sql, shop: string, what: What, actor: string | null | undefined): Promise<unknown> {
  return emit(sql, { type: 'program.changed', shop, cause: `admin:${actor ?? 'unknown'}`, data: { what } });
}

/** After the commit: this process's dispatcher delivers the event (its cache is dropped) before the answer goes. */
export const settleProgramChange = () => settle();

/** Runs `change` and its program.changed event in one transaction (on Prisma: configuration CRUD), then waits for the cache to be dropped. */
export async function changeProgram<T>(
  prisma: PrismaClient,
  shop: string,
  what: What,
  actor: string | null | undefined,
  change: (tx: Tx) => Promise<T>,
): Promise<T> {
  const result = await transaction(prisma, async (tx) => {
    const value = await change(tx);
    await emitProgramChanged(tx, shop, what, actor);
    return value;
  });
  await settleProgramChange();
  return result;
}
