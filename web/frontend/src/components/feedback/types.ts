// What the surveys API answers (web/routes/admin/surveys.ts, survey-responses.ts), as the Feedback pages read it.
import type { ResponseRow } from '../../../../surveys/response-list';

/** The react-query key of everything about surveys. */
export const SURVEYS_KEY = ['admin', 'surveys'] as const;

export type SurveyType = 'nps' | 'csat' | 'ces' | 'cli' | 'poll';
export const SURVEY_TYPES: readonly SurveyType[] = ['nps', 'csat', 'ces', 'cli', 'poll'];
export const TRIGGER_KINDS = ['manual', 'order_released', 'after_fulfilment', 'every_months'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];
export const CHANNELS = ['email', 'widget', 'thank_you'] as const;

export interface Survey {
  id: string;
  type: SurveyType;
  name: string;
  status: 'active' | 'paused' | 'archived';
  pointsForAnswer: number;
  periodDays: number;
  channels: string[];
  trigger: { kind: TriggerKind; days?: number; months?: number };
  content: { choices?: string[]; task?: string | Record<string, string> };
  createdAt: string;
  /** In the list: answers held (latest per respondent and period). */
  responses?: number;
}

export interface Figures {
  respondents: number;
  nps?: { score: number | null; promoters: number; passives: number; detractors: number };
  csat?: { standard: number | null; seed: number | null };
  ces?: { standard: number | null; seed: number | null };
  cli?: { score: number | null };
  poll?: { choices: Array<{ index: number; label: string; count: number }> };
}

export interface SurveyResults extends Figures {
  interval: 'week' | 'month';
  members: Figures;
  nonMembers: Figures;
  byTier: Array<Figures & { tierId: string | null; name: string | null }>;
  distribution: Record<string, Array<{ value: number; count: number }>>;
  trend: Array<Figures & { start: string }>;
}

/** An answer as the comments API sends it (web/surveys/response-list.ts): its times as JSON strings. */
export type SurveyAnswer = Omit<ResponseRow, 'answeredAt' | 'handledAt'> & { answeredAt: string; handledAt: string | null };

/** The survey's headline figure (NPS, CSAT % 4–5, CES mean, CLI 0–100), null without answers or for a poll. */
export function headline(type: SurveyType, f: Figures | undefined): number | null {
  if (!f) return null;
  if (type === 'nps') return f.nps?.score ?? null;
  if (type === 'csat') return f.csat?.standard ?? null;
  if (type === 'ces') return f.ces?.standard ?? null;
  if (type === 'cli') return f.cli?.score ?? null;
  return null;
}

/** The seed 001 form where the type has one (CSAT, CES). */
export function seedForm(type: SurveyType, f: Figures | undefined): number | null {
  if (type === 'csat') return f?.csat?.seed ?? null;
  if (type === 'ces') return f?.ces?.seed ?? null;
  return null;
}

/** How a headline reads: NPS signed, CSAT and seed forms as percents, CES with two decimals. */
export function formatScore(type: SurveyType, value: number | null, locale: string, form: 'standard' | 'seed' = 'standard'): string {
  if (value === null) return '—';
  const fixed = (digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  if (type === 'nps') return `${value > 0 ? '+' : ''}${fixed(1).format(value)}`;
  if (form === 'seed' || type === 'csat') return `${fixed(1).format(value)}%`;
  if (type === 'ces') return fixed(2).format(value);
  return fixed(1).format(value);
}
