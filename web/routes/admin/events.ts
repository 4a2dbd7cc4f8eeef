// The event outbox in the admin API (the Activity page, and scripts):
// recent events with their deliveries, and Retry for a failed delivery.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { listEvents, retryDelivery } from '../../events/activity.js';
import { parseWith } from '../../loyalty/domain/validation.js';
import { notFound, shopOf, valid } from './shared.js';

const EventQuery = z.object({
  type: z.string().min(1).max(100).optional(),
  memberId: z.string().min(1).max(200).optional(),
  failed: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function eventRoutes(deps: Parameters<typeof listEvents>[0]): Router {
  const router = Router();

  router.get('/events', async (req, res) => {
    const q = valid(parseWith(EventQuery, req.query));
    res.json({ events: await listEvents(deps, shopOf(req), { ...q, failed: q.failed === 'true' }) });
  });

  router.post('/events/deliveries/:id/retry', async (req, res) => {
    const outcome = await retryDelivery(deps, shopOf(req), String(req.params.id));
    if (outcome === 'not-found') throw notFound('delivery');
    if (outcome === 'not-failed') throw new HttpError(409, 'not_failed', 'Only a failed delivery can be retried');
    res.status(202).json({ status: 'pending' });
  });

  return router;
}
