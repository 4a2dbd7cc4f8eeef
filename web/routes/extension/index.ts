// The checkout UI extension's API (extensions/tally-thank-you), mounted at
// /api/extension behind extensionCors and requireExtensionToken: the shop is
// the token's `dest` and the buyer its `sub` (null when not logged in), never
// anything the request names.
//   GET  /order?orderId=<gid>&locale=<code>  → { order, survey }
//   POST /surveys/:id/responses             → { response, pointsAwarded }
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { HttpError } from '../../http/errors.js';
import { dueThankYouSurvey, orderGidOf, orderPointsFor, respondentOf } from '../../loyalty/order-confirmation.js';
import { recordResponse, shopperSurvey } from '../../surveys/responses.js';

type Deps = Pick<LoyaltyDeps, 'pool' | 'programs'>;

const orderQuery = z.object({ orderId: z.string().max(100), locale: z.string().max(20).optional() });
const answerBody = z.object({
  answers: z.record(z.string(), z.unknown()),
  comment: z.string().max(2000).optional(),
  channel: z.enum(['thank_you', 'order_status']),
  orderId: z.string().max(100).optional(),
});

const buyer = (req: Request) => req.customerId ?? null;

export function extensionRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/order', async (req, res) => {
    const query = orderQuery.parse(req.query);
    const orderGid = orderGidOf(query.orderId);
    if (!orderGid) throw new HttpError(400, 'invalid_input', 'orderId must be an Order GID', { orderId: 'not an Order GID' });
    const customerId = buyer(req);
    const lookup = await orderPointsFor(deps, req.shop!, orderGid, customerId);
    if (lookup.found === 'other') throw new HttpError(404, 'not_found', 'No such order');
    // Only a logged-in buyer is asked: an answer needs someone to belong to.
    const survey = customerId ? await dueThankYouSurvey(deps, req.shop!, await respondentOf(deps, req.shop!, customerId)) : null;
    res.json({
      order: lookup.found === 'mine' ? lookup.order : null,
      survey: survey ? shopperSurvey(survey, query.locale, survey.shopName) : null,
    });
  });

  router.post('/surveys/:id/responses', async (req, res) => {
    const customerId = buyer(req);
    if (!customerId) throw new HttpError(404, 'not_found', 'No such survey');
    const body = answerBody.parse(req.body);
    // The order is kept with the answer only when it is the buyer's own.
    const orderGid = body.orderId ? orderGidOf(body.orderId) : null;
    const own = orderGid && (await orderPointsFor(deps, req.shop!, orderGid, customerId)).found === 'mine';
    const recorded = await recordResponse(deps, {
      shop: req.shop!,
      surveyId: String(req.params.id),
      respondent: await respondentOf(deps, req.shop!, customerId),
      answers: body.answers,
      comment: body.comment ?? null,
      channel: body.channel,
      orderId: own ? orderGid : null,
    });
    res.status(recorded.replaced ? 200 : 201).json({ response: recorded.response, pointsAwarded: recorded.pointsAwarded });
  });

  return router;
}
