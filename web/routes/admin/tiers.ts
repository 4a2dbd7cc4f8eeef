// VIP tiers in the admin API: read the tiers and policy, preview an edit,
// apply it (every member recomputed in one pass), and a member's tier —
// progress, history, and a merchant's manual assignment.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { assignMemberTier, memberTierDetails } from '../../loyalty/member-tiers.js';
import { NoProgram, type LoyaltyDeps } from '../../loyalty/services.js';
import { applyTiers, checkTierEdit, previewTiers, tierOverview } from '../../loyalty/tier-settings.js';
import type { TierSetup } from '../../loyalty/tiers.js';

const shopOf = (req: Request) => req.shop!;

/** Runs a service; a shop without a program is a 409. */
async function withProgram<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NoProgram) throw new HttpError(409, 'no_program', error.message);
    throw error;
  }
}

export function tierRoutes(deps: Pick<LoyaltyDeps, 'pool' | 'programs'>): Router {
  const router = Router();

  async function edit(req: Request): Promise<TierSetup> {
    const parsed = await withProgram(checkTierEdit(deps, shopOf(req), req.body));
    if (!parsed.ok) throw new HttpError(400, 'invalid_input', 'The tiers are invalid', parsed.errors);
    return parsed.setup;
  }

  router.get('/tiers', async (req, res) => {
    res.json(await withProgram(tierOverview(deps, shopOf(req))));
  });

  router.post('/tiers/preview', async (req, res) => {
    const setup = await edit(req);
    const { sample } = z.object({ sample: z.coerce.number().int().min(0).max(1000).default(20) }).parse(req.query);
    res.json({ preview: await withProgram(previewTiers(deps, setup, sample)) });
  });

  /**
   * Applies an edit to every member. Asked for `application/x-ndjson`, it
   * answers a line per step as it goes (`{"progress":{stage,done,total}}`)
   * and ends with `{"applied":…}` or `{"error":…}`, so the admin can show
   * progress on a large shop; otherwise one JSON answer at the end.
   */
  router.put('/tiers', async (req, res) => {
    const setup = await edit(req); // invalid input is refused before anything is streamed
    const streaming = req.accepts(['application/json', 'application/x-ndjson']) === 'application/x-ndjson';
    const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
    if (streaming) {
      // No Cache-Control: no-store (a PUT's answer is never cached anyway): with it, Chromium reports a
      // streamed answer read to its end as aborted (microsoft/playwright#42742).
      res.status(200).set({ 'Content-Type': 'application/x-ndjson; charset=utf-8' });
      res.flushHeaders();
    }
    try {
      const { up, down, stay, byTier, written } = await applyTiers(
        deps,
        setup,
        req.userId ?? null,
        (progress) => streaming && line({ progress }),
      );
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
    const details = await withProgram(memberTierDetails(deps, shopOf(req), req.params.id!));
    if (!details) throw new HttpError(404, 'not_found', 'No such member');
    res.json(details);
  });

  /** A merchant puts a member in a tier, locked until a date or for good; tierId null hands them back to their progress. */
  router.post('/members/:id/tier', async (req, res) => {
    const member = await withProgram(assignMemberTier(deps, shopOf(req), req.params.id!, req.body, req.userId ?? null));
    if (!member) throw new HttpError(404, 'not_found', 'No such member');
    res.status(201).json({ member });
  });

  return router;
}
