// A survey sent by hand (issue 21's manual trigger): POST /surveys/:id/send { segmentId? } asks every member of the
// segment (or of the shop) once per period, set-based (web/surveys/invites.ts), and answers 202 with how many were
// newly asked; the survey-invites job records their emails a batch at a time.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { Jobs } from '../../jobs/index.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { sendSurvey } from '../../surveys/invites.js';
import { notFound, shopOf } from './shared.js';

const sendBody = z.object({ segmentId: z.string().min(1).max(200).optional() }).strict();

export function surveySendRoutes(deps: Pick<LoyaltyDeps, 'pool'> & { jobs: Pick<Jobs, 'enqueue'> }): Router {
  const router = Router();

  router.post('/surveys/:id/send', async (req, res) => {
    const input = sendBody.parse(req.body ?? {});
    const shop = shopOf(req);
    const outcome = await sendSurvey(deps, shop, req.params.id, input.segmentId ?? null, () =>
      deps.jobs.enqueue('survey-invites', { shop, emailsOnly: true }),
    );
    if (outcome === 'no-survey') throw notFound('survey');
    if (outcome === 'no-segment') throw notFound('segment');
    if (outcome === 'not-active') throw new HttpError(400, 'invalid_input', 'Only an active survey is sent', { status: 'not active' });
    if (outcome === 'no-channel')
      throw new HttpError(400, 'invalid_input', 'The survey has neither email nor the widget', { channels: 'email or widget' });
    res.status(202).json(outcome);
  });

  return router;
}
