// VIP tiers in the admin API: read the tiers and policy, preview an edit,
// apply it (every member recomputed in one pass), and a member's tier —
// progress, history, and a merchant's manual assignment.
import { Router, type Request } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { pgSql, transaction } from '../../db/sql.js';
import { HttpError } from '../../http/errors.js';
import type { Programs, LoadedProgram } from '../../loyalty/program.js';
import { emitProgramChanged, settleProgramChange } from '../../loyalty/program-changes.js';
import { applyTierEdit, parseTierEdit, previewTierEdit, type TierEdit } from '../../loyalty/tier-edits.js';
import { assignTier, memberTier } from '../../loyalty/tiers.js';

const shopOf = (req: Request) => req.shop!;

async function programOf(programs: Programs, shop: string): Promise<LoadedProgram> {
  const program = await programs.get(shop);
  if (!program) throw new HttpError(409, 'no_program', 'Set up the program first');
  return program;
}

/** The tier JSON the admin UI and the widget share. */
export const tierJson = (t: LoadedProgram['tiers'][number]) => ({ id: t.id, name: t.name, threshold: t.threshold, perks: t.perks });

export function tierRoutes(deps: { pool: pg.Pool; programs: Programs }): Router {
  const router = Router();
  const sql = pgSql(deps.pool);

  async function edit(req: Request): Promise<{ program: LoadedProgram; setup: Extract<TierEdit, { ok: true }>['setup'] }> {
    const shop = shopOf(req);
    const program = await programOf(deps.programs, shop);
    const { rows } = await deps.pool.query<{ id: string }>(`SELECT id FROM "Reward" WHERE shop = $1 AND NOT system`, [shop]);
    const parsed = parseTierEdit(req.body, program, new Set(rows.map((r) => r.id)));
    if (!parsed.ok) throw new HttpError(400, 'invalid_input', 'The tiers are invalid', parsed.errors);
    return { program, setup: parsed.setup };
  }

  router.get('/tiers', async (req, res) => {
    const shop = shopOf(req);
    const program = await programOf(deps.programs, shop);
    const [counts, rewards] = await Promise.all([
      deps.pool.query<{ tierId: string | null; members: number }>(
        `SELECT "tierId", count(*)::int AS members FROM "Member" WHERE shop = $1 AND "redactedAt" IS NULL GROUP BY "tierId"`, [shop]),
      deps.pool.query<{ id: string; tierIds: string[] }>(`SELECT id, "tierIds" FROM "Reward" WHERE shop = $1 AND cardinality("tierIds") > 0`, [shop]),
    ]);
    const members: Record<string, number> = Object.fromEntries(program.tiers.map((t) => [t.id, 0]));
    // Members without a tier yet hold the lowest one (they get it on their next review).
    for (const row of counts.rows) {
      const id = row.tierId && row.tierId in members ? row.tierId : program.tiers[0]?.id;
      if (id) members[id] = (members[id] ?? 0) + row.members;
    }
    res.json({
      tiers: program.tiers.map((t) => ({ ...tierJson(t), perks: { ...t.perks, rewardIds: rewards.rows.filter((r) => r.tierIds.includes(t.id)).map((r) => r.id) } })),
      policy: program.settings.tierPolicy,
      members,
    });
  });

  router.post('/tiers/preview', async (req, res) => {
    const { program, setup } = await edit(req);
    const { sample } = z.object({ sample: z.coerce.number().int().min(0).max(1000).default(20) }).parse(req.query);
    res.json({ preview: await previewTierEdit(sql, program, setup, new Date(), sample) });
  });

  /**
   * Applies an edit to every member. Asked for `application/x-ndjson`, it
   * answers a line per step as it goes (`{"progress":{stage,done,total}}`)
   * and ends with `{"applied":…}` or `{"error":…}`, so the admin can show
   * progress on a large shop; otherwise one JSON answer at the end.
   */
  router.put('/tiers', async (req, res) => {
    const { setup } = await edit(req); // invalid input is refused before anything is streamed
    const streaming = req.accepts(['application/json', 'application/x-ndjson']) === 'application/x-ndjson';
    const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
    if (streaming) {
      // No Cache-Control: no-store (a PUT's answer is never cached anyway): with it, Chromium reports a
      // streamed answer read to its end as aborted (microsoft/playwright#42742).
      res.status(200).set({ 'Content-Type': 'application/x-ndjson; charset=utf-8' });
      res.flushHeaders();
    }
    try {
      const applied = await transaction(deps.pool, async (tx) => {
        const done = await applyTierEdit(tx, setup, req.userId ?? null, new Date(), (progress) => streaming && line({ progress }));
        await emitProgramChanged(tx, setup.shop, 'tiers', req.userId);
        return done;
      });
      await settleProgramChange();
      const { up, down, stay, byTier, written } = applied;
      if (!streaming) return void res.json({ applied: { up, down, stay, written, byTier } });
      line({ applied: { up, down, stay, written, byTier } });
      res.end();
    } catch (error) {
      if (!streaming) throw error;
      // The answer has begun: the failure travels as the last line (the transaction rolled back).
      req.log.error({ err: error }, 'tier edit failed');
      line({ error: { code: 'internal_error', message: 'The tiers could not be applied; nothing changed' } });
      res.end();
    }
  });

  router.get('/members/:id/tier', async (req, res) => {
    const shop = shopOf(req);
    const program = await programOf(deps.programs, shop);
    const { rows } = await deps.pool.query(
      `SELECT id, "tierId", "tierReachedAt", "tierKeptUntil", "manualTierId", "manualTierLockedUntil" FROM "Member" WHERE id = $1 AND shop = $2`,
      [req.params.id, shop],
    );
    if (!rows[0]) throw new HttpError(404, 'not_found', 'No such member');
    const view = await memberTier(sql, program, rows[0]);
    const history = await deps.pool.query(
      `SELECT "fromTierId", "toTierId", "fromName", "toName", reason, actor, note, "createdAt" FROM "TierChange"
       WHERE shop = $1 AND "memberId" = $2 ORDER BY "createdAt" DESC LIMIT 50`,
      [shop, req.params.id],
    );
    res.json({
      // Nobody drops below the base tier: "kept until" means nothing there.
      tier: view && { id: view.held.id, name: view.held.name, reason: view.reason, keptUntil: view.held.id === program.tiers[0]?.id ? null : view.keptUntil, reachedAt: rows[0].tierReachedAt },
      nextTier: view?.nextTier ? { id: view.nextTier.id, name: view.nextTier.name, remaining: view.remaining, basis: program.settings.tierPolicy.basis } : null,
      progress: view ? { value: view.progress, basis: program.settings.tierPolicy.basis, period: program.settings.tierPolicy.period } : null,
      manual: rows[0].manualTierId ? { tierId: rows[0].manualTierId, lockedUntil: rows[0].manualTierLockedUntil } : null,
      history: history.rows,
    });
  });

  /** A merchant puts a member in a tier, locked until a date or for good; tierId null hands them back to their progress. */
  router.post('/members/:id/tier', async (req, res) => {
    const shop = shopOf(req);
    const program = await programOf(deps.programs, shop);
    const input = z
      .object({
        tierId: z.string().min(1).nullable().refine((id) => id === null || program.tiers.some((t) => t.id === id), 'No tier with this id'),
        lockedUntil: z.coerce.date().nullable().default(null).refine((d) => d === null || d.getTime() > Date.now(), 'must be in the future'),
        reason: z.string().trim().min(3, 'say why, in a few words').max(500),
      })
      .parse(req.body);
    const moved = await transaction(deps.pool, (tx) => assignTier(tx, program, req.params.id!, { tierId: input.tierId, lockedUntil: input.lockedUntil, actor: req.userId ?? null, note: input.reason }));
    if (!moved) throw new HttpError(404, 'not_found', 'No such member');
    res.status(201).json({ member: { id: req.params.id, tier: { id: moved.q.tier.id, name: moved.q.tier.name, reason: moved.q.reason, keptUntil: moved.q.keptUntil }, move: moved.move } });
  });

  return router;
}
