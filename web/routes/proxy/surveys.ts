// The storefront's surveys: the one the widget asks the logged-in member now,
// and their answer. The shopper is the signed logged_in_customer_id only;
// guests and shoppers who are not members get 404.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { memberOfCustomer, nextSurveyFor, recordResponse, shopperSurvey, type ResponseDeps } from '../../surveys/responses.js';
import { StorefrontLimits } from './rate-limit.js';

export interface SurveyRouteDeps extends ResponseDeps {
  /** The storefront's write limits (rate-limit.ts); its own when not given. */
  limits?: StorefrontLimits;
}

const answerBody = z.object({
  answers: z.unknown(),
  comment: z.string().max(2000).nullable().optional(),
  /** Where the widget showed it (the widget's card by default). */
  channel: z.enum(['widget', 'email']).optional(),
});

const noMember = () => new HttpError(404, 'not_found', 'No survey for this shopper');

export function surveyProxyRoutes(deps: SurveyRouteDeps): Router {
  const router = Router();
  const limits = deps.limits ?? new StorefrontLimits();

  /** { survey: null } for guests, shoppers who are not members and when none is due. */
  router.get('/surveys/next', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const member = req.customerId ? await memberOfCustomer(deps, req.shop!, req.customerId) : null;
    const survey = member ? await nextSurveyFor(deps, req.shop!, member.id) : null;
    const locale = typeof req.query.locale === 'string' ? req.query.locale : member?.locale;
    res.json({ survey: survey ? shopperSurvey(survey, locale, member!.shopName) : null });
  });

  router.post('/surveys/:id/responses', async (req, res) => {
    limits.checkAddress(req, res, 'surveyResponse');
    if (!req.customerId) throw noMember();
    limits.check(res, 'surveyResponse', 'perCustomer', `${req.shop} ${req.customerId}`);
    const body = answerBody.parse(req.body);
    const member = await memberOfCustomer(deps, req.shop!, req.customerId);
    if (!member) throw noMember();
    const recorded = await recordResponse(deps, {
      shop: req.shop!,
      surveyId: req.params.id,
      respondent: { memberId: member.id },
      answers: body.answers,
      comment: body.comment ?? null,
      channel: body.channel ?? 'widget',
    });
    res.status(recorded.replaced ? 200 : 201).json({ response: recorded.response, pointsAwarded: recorded.pointsAwarded });
  });

  return router;
}
