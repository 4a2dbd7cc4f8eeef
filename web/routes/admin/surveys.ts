// Surveys (web/surveys): the merchant's NPS, CSAT, CES, CLI and poll surveys,
// and their results for a range. Another shop's survey is 404.
import { Router } from 'express';
import { surveyResults, resultsQuery } from '../../surveys/results.js';
import { createSurvey, getSurvey, listSurveys, updateSurvey, type Deps } from '../../surveys/store.js';
import { createSurveyBody, updateSurveyBody } from '../../surveys/types.js';
import { notFound, shopOf } from './shared.js';

export function surveyRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/surveys', async (req, res) => {
    res.json({ surveys: await listSurveys(deps, shopOf(req)) });
  });

  router.post('/surveys', async (req, res) => {
    const survey = await createSurvey(deps, shopOf(req), createSurveyBody.parse(req.body));
    res.status(201).json({ survey });
  });

  router.get('/surveys/:id', async (req, res) => {
    const survey = await getSurvey(deps, shopOf(req), req.params.id);
    if (!survey) throw notFound('survey');
    res.json({ survey });
  });

  router.patch('/surveys/:id', async (req, res) => {
    const survey = await updateSurvey(deps, shopOf(req), req.params.id, updateSurveyBody.parse(req.body));
    if (!survey) throw notFound('survey');
    res.json({ survey });
  });

  router.get('/surveys/:id/results', async (req, res) => {
    const survey = await getSurvey(deps, shopOf(req), req.params.id);
    if (!survey) throw notFound('survey');
    const query = resultsQuery.parse(req.query);
    res.json(await surveyResults(deps, shopOf(req), survey, query));
  });

  return router;
}
