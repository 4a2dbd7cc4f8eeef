// Shopper emails in the admin API: each message's switch (and templates), and
// what Tally sent a member. Validate, call one service, respond.
import { Router } from 'express';
import { z } from 'zod';
import { changeEmailMessage, emailMessageChange, InvalidTemplate, listEmailMessages, memberEmailLog } from '../../email/admin.js';
import { HttpError } from '../../http/errors.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { notFound, shopOf } from './shared.js';

const logQuery = z.object({ memberId: z.string().trim().min(1).max(200) });

export function emailRoutes(deps: LoyaltyDeps): Router {
  const router = Router();

  router.get('/emails', async (req, res) => {
    res.json({ messages: await listEmailMessages(deps, shopOf(req)) });
  });

  router.get('/emails/log', async (req, res) => {
    const { memberId } = logQuery.parse(req.query);
    res.json({ sent: await memberEmailLog(deps, shopOf(req), memberId) });
  });

  router.put('/emails/:key', async (req, res) => {
    const change = emailMessageChange.parse(req.body);
    try {
      const saved = await changeEmailMessage(deps, shopOf(req), req.params.key, change);
      if (saved === 'not-found') throw notFound('email message');
      res.json({ message: saved });
    } catch (error) {
      if (error instanceof InvalidTemplate) {
        const { part, locale } = error.error;
        throw new HttpError(422, 'invalid_template', error.message, { [`templates.${locale}.${part}`]: error.message });
      }
      throw error;
    }
  });

  return router;
}
