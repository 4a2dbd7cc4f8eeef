// Surveys as the merchant sets them up: create, list, read, change (wording,
// trigger, points, channels, status). Reads and single-statement writes on the pool.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { HttpError } from '../http/errors.js';
import {
  checkSurveyUpdate,
  type CreateSurvey,
  type SurveyChannel,
  type SurveyContent,
  type SurveyStatus,
  type SurveyTrigger,
  type SurveyType,
  type UpdateSurvey,
} from './types.js';

export type Deps = { pool: pg.Pool };

export interface Survey {
  id: string;
  type: SurveyType;
  name: string;
  content: SurveyContent;
  trigger: SurveyTrigger;
  periodDays: number;
  pointsForAnswer: number;
  channels: SurveyChannel[];
  status: SurveyStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** A survey in the admin's list: with how many answers it holds (all periods, the latest per respondent and period). */
export type SurveySummary = Survey & { responses: number };

const COLUMNS = `s.id, s.type, s.name, s.content, s.trigger, s."periodDays", s."pointsForAnswer", s.channels, s.status, s."createdAt", s."updatedAt"`;

export async function createSurvey(deps: Deps, shop: string, input: CreateSurvey): Promise<Survey> {
  const { rows } = await deps.pool.query<Survey>(
    `INSERT INTO "Survey" AS s (id, shop, type, name, content, trigger, "periodDays", "pointsForAnswer", channels, status, "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9::text[], $10, now(), now())
     RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      shop,
      input.type,
      input.name,
      JSON.stringify(input.content),
      JSON.stringify(input.trigger),
      input.periodDays,
      input.pointsForAnswer,
      input.channels,
      input.status,
    ],
  );
  return rows[0]!;
}

export async function listSurveys(deps: Deps, shop: string): Promise<SurveySummary[]> {
  const { rows } = await deps.pool.query<SurveySummary>(
    `SELECT ${COLUMNS}, (SELECT count(*) FROM "SurveyResponse" r WHERE r.shop = s.shop AND r."surveyId" = s.id)::int AS responses
     FROM "Survey" s WHERE s.shop = $1
     ORDER BY (s.status = 'archived'), s."createdAt" DESC, s.id`,
    [shop],
  );
  return rows;
}

export async function getSurvey(deps: Deps, shop: string, id: string): Promise<Survey | null> {
  const { rows } = await deps.pool.query<Survey>(`SELECT ${COLUMNS} FROM "Survey" s WHERE s.shop = $1 AND s.id = $2`, [shop, id]);
  return rows[0] ?? null;
}

/** Changes what is given; null when the shop has no such survey; 400 naming the field when content does not fit the type. */
export async function updateSurvey(deps: Deps, shop: string, id: string, change: UpdateSurvey): Promise<Survey | null> {
  const survey = await getSurvey(deps, shop, id);
  if (!survey) return null;
  const fields = checkSurveyUpdate(survey.type, change);
  if (Object.keys(fields).length > 0) throw new HttpError(400, 'invalid_input', 'Some fields need attention', fields);
  const { rows } = await deps.pool.query<Survey>(
    `UPDATE "Survey" s SET
       name = COALESCE($3, s.name),
       "pointsForAnswer" = COALESCE($4, s."pointsForAnswer"),
       trigger = COALESCE($5::jsonb, s.trigger),
       channels = COALESCE($6::text[], s.channels),
       content = COALESCE($7::jsonb, s.content),
       status = COALESCE($8, s.status),
       "updatedAt" = now()
     WHERE s.shop = $1 AND s.id = $2
     RETURNING ${COLUMNS}`,
    [
      shop,
      id,
      change.name ?? null,
      change.pointsForAnswer ?? null,
      change.trigger ? JSON.stringify(change.trigger) : null,
      change.channels ?? null,
      change.content ? JSON.stringify(change.content) : null,
      change.status ?? null,
    ],
  );
  return rows[0] ?? null;
}
