// A survey's comments on the Feedback page: the list (range, score band,
// search, handled), marking one handled, and the same filter as CSV, streamed.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { markHandled, responseCsv, responseListQuery, responsePage, type ResponseRow } from '../../surveys/response-list.js';
import { notFound, shopOf } from './shared.js';

function responseJson(r: ResponseRow) {
  return {
    id: r.id,
    answeredAt: r.answeredAt.toISOString(),
    answers: r.answers,
    score: r.score,
    comment: r.comment,
    channel: r.channel,
    isMember: r.isMember,
    memberId: r.memberId,
    customerId: r.customerId,
    memberEmail: r.memberEmail,
    tierName: r.tierName,
    handledAt: r.handledAt?.toISOString() ?? null,
  };
}

export function surveyResponseRoutes(deps: Pick<LoyaltyDeps, 'pool'>): Router {
  const router = Router();

  router.get('/surveys/:id/responses', async (req, res) => {
    const page = await responsePage(deps, shopOf(req), req.params.id, responseListQuery.parse(req.query));
    if (!page) throw notFound('survey');
    if (page === 'bad-cursor')
      throw new HttpError(400, 'invalid_input', 'The request is invalid', {
        cursor: 'not a cursor of this list; start from the first page',
      });
    res.json({ responses: page.responses.map(responseJson), nextCursor: page.nextCursor });
  });

  router.get('/surveys/:id/responses.csv', async (req, res) => {
    const query = responseListQuery.parse({ ...req.query, cursor: undefined, limit: undefined });
    const csv = await responseCsv(deps, shopOf(req), req.params.id, query);
    if (!csv) throw notFound('survey');
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="survey-${csv.survey.id}-${new Date().toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
    });
    // A BOM so spreadsheets read the comments' UTF-8 right (as the Analytics tables' downloads).
    res.write('\uFEFF');
    for await (const line of csv.lines) {
      if (!res.write(`${line}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  router.post('/surveys/responses/:id/handled', async (req, res) => {
    const { handled } = z.object({ handled: z.boolean() }).parse(req.body);
    const response = await markHandled(deps, shopOf(req), req.params.id, handled);
    if (!response) throw notFound('answer');
    res.json({ response: { id: response.id, handledAt: response.handledAt?.toISOString() ?? null } });
  });

  return router;
}
