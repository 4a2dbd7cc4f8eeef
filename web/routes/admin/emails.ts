// Shopper emails in the admin API: each message's switch (and templates), a live
// preview and a test send, the shop's email settings, what each message did
// (stats) and what Tally sent a member. Validate, call one service, respond.
import { Router } from 'express';
import { z } from 'zod';
import { rangeQuery } from '../../analytics/range.js';
import {
  changeEmailMessage,
  emailMessageChange,
  emailSettingsInput,
  emailSettingsOf,
  InvalidTemplate,
  listEmailMessages,
  memberEmailLog,
  previewEmail,
  previewInput,
  saveEmailSettings,
  sendTestEmail,
  testSendInput,
  TestSendFailed,
} from '../../email/admin.js';
import type { MailSetup } from '../../email/sender.js';
import { emailStats } from '../../email/stats.js';
import { statementRuns } from '../../email/statement.js';
import { TemplateError } from '../../email/render.js';
import { HttpError } from '../../http/errors.js';
import { UnknownReferences } from '../../loyalty/rewards.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { notFound, shopOf } from './shared.js';

const logQuery = z.object({ memberId: z.string().trim().min(1).max(200) });

/** 422 naming the part, language and line of a template that does not parse or render. */
function templateRefused(error: TemplateError): HttpError {
  return new HttpError(422, 'invalid_template', error.message, { [`templates.${error.locale}.${error.part}`]: error.message });
}

export function emailRoutes(deps: LoyaltyDeps & { mail?: MailSetup | null }): Router {
  const router = Router();

  router.get('/emails', async (req, res) => {
    res.json({ messages: await listEmailMessages(deps, shopOf(req)) });
  });

  router.get('/emails/log', async (req, res) => {
    const { memberId } = logQuery.parse(req.query);
    res.json(await memberEmailLog(deps, shopOf(req), memberId));
  });

  router.get('/emails/stats', async (req, res) => {
    res.json(await emailStats(deps, shopOf(req), rangeQuery.parse(req.query)));
  });

  // Bulk sends (the monthly statement): each recent run's members recorded of the total, and where their emails are.
  router.get('/emails/runs', async (req, res) => {
    res.json(await statementRuns(deps, shopOf(req)));
  });

  router.get('/emails/settings', async (req, res) => {
    res.json({ settings: await emailSettingsOf(deps, shopOf(req)) });
  });

  router.put('/emails/settings', async (req, res) => {
    const saved = await saveEmailSettings(deps, shopOf(req), emailSettingsInput.parse(req.body)).catch((error: unknown) => {
      // An audience that is not one of the shop's segments: 400 naming the field.
      throw error instanceof UnknownReferences ? new HttpError(400, 'invalid_input', error.message, error.fields) : error;
    });
    if (saved === 'not-found') throw notFound('program');
    res.json({ settings: saved });
  });

  router.post('/emails/:key/preview', async (req, res) => {
    const input = previewInput.parse(req.body);
    try {
      const rendered = await previewEmail(deps, shopOf(req), req.params.key, input);
      if (rendered === 'not-found') throw notFound(input.memberId ? 'email message or member' : 'email message');
      res.json(rendered);
    } catch (error) {
      if (error instanceof TemplateError) throw templateRefused(error);
      throw error;
    }
  });

  router.post('/emails/:key/test', async (req, res) => {
    const input = testSendInput.parse(req.body);
    try {
      const sent = await sendTestEmail(deps, shopOf(req), req.params.key, input);
      if (sent === 'not-found') throw notFound(input.memberId ? 'email message or member' : 'email message');
      if (sent === 'no-mail') throw new HttpError(503, 'email_not_configured', 'No SMTP server is configured (SMTP_URL)');
      res.status(202).json({ sent: true, to: input.to });
    } catch (error) {
      if (error instanceof TemplateError) throw templateRefused(error);
      if (error instanceof TestSendFailed) throw new HttpError(502, 'smtp_refused', `The SMTP server refused the test: ${error.message}`);
      throw error;
    }
  });

  router.put('/emails/:key', async (req, res) => {
    const change = emailMessageChange.parse(req.body);
    try {
      const saved = await changeEmailMessage(deps, shopOf(req), req.params.key, change);
      if (saved === 'not-found') throw notFound('email message');
      if (saved === 'needs-postal-address')
        throw new HttpError(
          409,
          'postal_address_required',
          'Set the postal address in the email settings before switching marketing emails on',
          {
            postalAddress: 'required before marketing emails can be switched on',
          },
        );
      res.json({ message: saved });
    } catch (error) {
      if (error instanceof InvalidTemplate) throw templateRefused(error.error);
      throw error;
    }
  });

  return router;
}
