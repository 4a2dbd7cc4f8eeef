// Survey types (issue 21, ../shared/METRICS.md "Feedback"): their fixed
// question keys and scales, the default wording in the six storefront
// languages, and the checks on what the merchant creates and what shoppers
// answer. Pure: no database here.
import { z } from 'zod';
import { storefrontLocaleCodes, type StorefrontLocale } from '../loyalty/domain/widget.js';

export const SURVEY_TYPES = ['nps', 'csat', 'ces', 'cli', 'poll'] as const;
export type SurveyType = (typeof SURVEY_TYPES)[number];

/** The question keys of each type, fixed: answers, results and scripts name them. */
export const QUESTION_KEYS = {
  nps: ['nps'],
  csat: ['csat'],
  ces: ['ces'],
  cli: ['recommend', 'buy_again', 'try_other'],
  poll: ['choice'],
} as const satisfies Record<SurveyType, readonly string[]>;

export interface Scale {
  min: number;
  max: number;
}

/** Scales of the scored types; a poll's is 0..choices − 1 (scaleOf). */
export const SCALES: Record<Exclude<SurveyType, 'poll'>, Scale> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
  cli: { min: 0, max: 10 },
};

export const CHANNELS = ['email', 'widget', 'thank_you'] as const;
export type SurveyChannel = (typeof CHANNELS)[number];
/** Where an answer came from: the channels, the Order status page and the admin (recorded by hand). */
export const RESPONSE_CHANNELS = ['email', 'widget', 'thank_you', 'order_status', 'admin'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

export const SURVEY_STATUSES = ['active', 'paused', 'archived'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

type Texts = Record<StorefrontLocale, string>;

/** The default questions, {shop} being the shop's name (and {task} a CES survey's task). */
export const DEFAULT_QUESTIONS: Record<string, Texts> = {
  nps: {
    en: 'How likely are you to recommend {shop} to a friend?',
    de: 'Wie wahrscheinlich ist es, dass Sie {shop} einem Freund empfehlen?',
    fr: 'Quelle est la probabilité que vous recommandiez {shop} à un ami ?',
    es: '¿Qué probabilidad hay de que recomiendes {shop} a un amigo?',
    pl: 'Jak prawdopodobne jest, że polecisz {shop} znajomemu?',
    'zh-CN': '您向朋友推荐{shop}的可能性有多大？',
  },
  csat: {
    en: 'How satisfied are you with your last order from {shop}?',
    de: 'Wie zufrieden sind Sie mit Ihrer letzten Bestellung bei {shop}?',
    fr: 'Êtes-vous satisfait de votre dernière commande chez {shop} ?',
    es: '¿Qué tan satisfecho estás con tu último pedido en {shop}?',
    pl: 'Jak bardzo jesteś zadowolony z ostatniego zamówienia w {shop}?',
    'zh-CN': '您对在{shop}的上一笔订单满意吗？',
  },
  ces: {
    en: '{shop} made it easy for me to {task}',
    de: '{shop} hat es mir leicht gemacht, {task}',
    fr: '{shop} m’a permis de {task} facilement',
    es: '{shop} me facilitó {task}',
    pl: '{shop} ułatwił mi {task}',
    'zh-CN': '{shop}让我轻松地{task}',
  },
  recommend: {
    en: 'How likely are you to recommend {shop} to a friend?',
    de: 'Wie wahrscheinlich ist es, dass Sie {shop} einem Freund empfehlen?',
    fr: 'Quelle est la probabilité que vous recommandiez {shop} à un ami ?',
    es: '¿Qué probabilidad hay de que recomiendes {shop} a un amigo?',
    pl: 'Jak prawdopodobne jest, że polecisz {shop} znajomemu?',
    'zh-CN': '您向朋友推荐{shop}的可能性有多大？',
  },
  buy_again: {
    en: 'How likely are you to buy from {shop} again?',
    de: 'Wie wahrscheinlich ist es, dass Sie wieder bei {shop} kaufen?',
    fr: 'Quelle est la probabilité que vous achetiez à nouveau chez {shop} ?',
    es: '¿Qué probabilidad hay de que vuelvas a comprar en {shop}?',
    pl: 'Jak prawdopodobne jest, że ponownie kupisz w {shop}?',
    'zh-CN': '您再次在{shop}购买的可能性有多大？',
  },
  try_other: {
    en: 'How likely are you to try other products from {shop}?',
    de: 'Wie wahrscheinlich ist es, dass Sie andere Produkte von {shop} ausprobieren?',
    fr: 'Quelle est la probabilité que vous essayiez d’autres produits de {shop} ?',
    es: '¿Qué probabilidad hay de que pruebes otros productos de {shop}?',
    pl: 'Jak prawdopodobne jest, że wypróbujesz inne produkty {shop}?',
    'zh-CN': '您尝试{shop}其他产品的可能性有多大？',
  },
  choice: {
    en: 'Which reward would you like next?',
    de: 'Welche Belohnung hätten Sie als Nächstes gern?',
    fr: 'Quelle récompense aimeriez-vous ensuite ?',
    es: '¿Qué recompensa te gustaría a continuación?',
    pl: 'Jaką nagrodę chcesz otrzymać następnym razem?',
    'zh-CN': '您接下来想要什么奖励？',
  },
};

/** The CES task when the merchant names none. */
export const DEFAULT_CES_TASK: Texts = {
  en: 'find what I needed',
  de: 'das Gesuchte zu finden',
  fr: 'trouver ce que je cherchais',
  es: 'encontrar lo que buscaba',
  pl: 'znalezienie tego, czego szukałem',
  'zh-CN': '找到我需要的东西',
};

/** The "why" under the score (optional free text). */
export const DEFAULT_COMMENT_PROMPT: Texts = {
  en: 'What is the main reason for your answer?',
  de: 'Was ist der Hauptgrund für Ihre Antwort?',
  fr: 'Quelle est la raison principale de votre réponse ?',
  es: '¿Cuál es el motivo principal de tu respuesta?',
  pl: 'Jaki jest główny powód Twojej odpowiedzi?',
  'zh-CN': '您给出这个回答的主要原因是什么？',
};

const locale = z.enum(storefrontLocaleCodes);
const text = z.string().trim().min(1, 'a text').max(300);
/** One locale's wording: question key (or "comment") → text. */
const wording = z.record(z.string(), text);

/**
 * The merchant's wording over the defaults (Survey.content): per locale, question key (or "comment") → text;
 * a CES task (one text, or per locale); a poll's choices (2 to 10 labels, answered by index).
 */
export const surveyContent = z
  .object({
    task: z.union([text, z.partialRecord(locale, text)]).optional(),
    choices: z.array(z.string().trim().min(1, 'a label').max(100)).min(2, 'at least 2 choices').max(10, 'at most 10 choices').optional(),
  })
  .extend(
    Object.fromEntries(storefrontLocaleCodes.map((l) => [l, wording.optional()])) as Record<
      StorefrontLocale,
      z.ZodOptional<typeof wording>
    >,
  )
  .strict();
export type SurveyContent = z.infer<typeof surveyContent>;

const segmentId = z.string().min(1).max(200).optional();
/** When members are asked: by hand (to a segment), when an order's points are released, N days after fulfilment, every N months. */
export const surveyTrigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual'), segmentId }).strict(),
  z.object({ kind: z.literal('order_released'), segmentId }).strict(),
  z.object({ kind: z.literal('after_fulfilment'), days: z.number().int().min(0).max(365), segmentId }).strict(),
  z.object({ kind: z.literal('every_months'), months: z.number().int().min(1).max(36), segmentId }).strict(),
]);
export type SurveyTrigger = z.infer<typeof surveyTrigger>;

const name = z.string().trim().min(1, 'a name').max(100);
const points = z.number().int().min(0).max(1_000_000);
const channels = z.array(z.enum(CHANNELS)).min(1, 'at least one channel').max(CHANNELS.length);

/** Content must fit the type: wording only for its questions (and "comment"), a task only for CES, choices exactly for a poll. */
function checkContent(type: SurveyType, content: SurveyContent | undefined, ctx: z.RefinementCtx) {
  const keys: readonly string[] = [...QUESTION_KEYS[type], 'comment'];
  for (const l of storefrontLocaleCodes) {
    for (const key of Object.keys(content?.[l] ?? {}))
      if (!keys.includes(key))
        ctx.addIssue({ code: 'custom', path: ['content', l, key], message: `not a question of ${type}: ${keys.join(', ')}` });
  }
  if (content?.task !== undefined && type !== 'ces')
    ctx.addIssue({ code: 'custom', path: ['content', 'task'], message: 'only a CES survey has a task' });
  if (type === 'poll' && !content?.choices)
    ctx.addIssue({ code: 'custom', path: ['content', 'choices'], message: 'a poll needs 2 to 10 choices' });
  if (type !== 'poll' && content?.choices)
    ctx.addIssue({ code: 'custom', path: ['content', 'choices'], message: 'only a poll has choices' });
}

/** POST /api/admin/surveys. */
export const createSurveyBody = z
  .object({
    type: z.enum(SURVEY_TYPES),
    name,
    pointsForAnswer: points.default(50),
    trigger: surveyTrigger.default({ kind: 'manual' }),
    periodDays: z.number().int().min(1).max(3650).default(90),
    channels: channels.default([...CHANNELS]),
    content: surveyContent.default({}),
    status: z.enum(SURVEY_STATUSES).default('active'),
  })
  .strict()
  .superRefine((body, ctx) => checkContent(body.type, body.content, ctx));
export type CreateSurvey = z.infer<typeof createSurveyBody>;

/**
 * PATCH /api/admin/surveys/:id. The type and the period are fixed once created: answers and the once-per-period
 * points are counted by them. Content is checked against the stored type by checkSurveyUpdate.
 */
export const updateSurveyBody = z
  .object({
    name: name.optional(),
    pointsForAnswer: points.optional(),
    trigger: surveyTrigger.optional(),
    channels: channels.optional(),
    content: surveyContent.optional(),
    status: z.enum(SURVEY_STATUSES).optional(),
  })
  .strict();
export type UpdateSurvey = z.infer<typeof updateSurveyBody>;

/** Field → message for an update's content against the survey's type ({} when it fits). */
export function checkSurveyUpdate(type: SurveyType, update: UpdateSurvey): Record<string, string> {
  if (!update.content) return {};
  const fields: Record<string, string> = {};
  const schema = z.object({ content: surveyContent }).superRefine((b, ctx) => checkContent(type, b.content, ctx));
  const parsed = schema.safeParse({ content: update.content });
  if (!parsed.success) for (const i of parsed.error.issues) fields[i.path.join('.')] ??= i.message;
  return fields;
}

/** What the pure functions need of a stored survey. */
export interface SurveyShape {
  type: SurveyType;
  content: SurveyContent;
}

/** A question key's scale in this survey (a poll: 0..choices − 1). */
export function scaleOf(survey: SurveyShape): Scale {
  if (survey.type === 'poll') return { min: 0, max: Math.max(0, (survey.content.choices?.length ?? 0) - 1) };
  return SCALES[survey.type];
}

export interface Question {
  key: string;
  text: string;
  scale: Scale;
  /** A poll's choice labels, answered by their index. */
  choices?: string[];
}

/** The shopper's locale among the six: exact ("zh-CN"), then by language ("fr-CA" → fr, "zh-TW" → zh-CN), else null. */
export function storefrontLocale(wanted: string | null | undefined): StorefrontLocale | null {
  if (!wanted) return null;
  const w = wanted.trim().replace('_', '-').toLowerCase();
  const exact = storefrontLocaleCodes.find((l) => l.toLowerCase() === w);
  if (exact) return exact;
  const language = w.split('-')[0];
  return storefrontLocaleCodes.find((l) => l.split('-')[0]!.toLowerCase() === language) ?? null;
}

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(shop|task)\}/g, (_, k: string) => values[k] ?? '');

function taskIn(content: SurveyContent, l: StorefrontLocale): string {
  const task = content.task;
  if (typeof task === 'string') return task;
  return task?.[l] ?? task?.en ?? DEFAULT_CES_TASK[l];
}

/** The survey's questions in a locale: the merchant's wording for that locale over the defaults, {shop} and {task} filled in. */
export function questionsIn(survey: SurveyShape, wantedLocale: string | null | undefined, shopName: string): Question[] {
  const l = storefrontLocale(wantedLocale) ?? 'en';
  const values = { shop: shopName, task: taskIn(survey.content, l) };
  const scale = scaleOf(survey);
  return QUESTION_KEYS[survey.type].map((key) => ({
    key,
    text: fill(survey.content[l]?.[key] ?? DEFAULT_QUESTIONS[key]![l], values),
    scale,
    ...(survey.type === 'poll' ? { choices: [...(survey.content.choices ?? [])] } : {}),
  }));
}

/** The "why" prompt under the score, in a locale. */
export function commentPromptIn(survey: SurveyShape, wantedLocale: string | null | undefined, shopName: string): string {
  const l = storefrontLocale(wantedLocale) ?? 'en';
  return fill(survey.content[l]?.comment ?? DEFAULT_COMMENT_PROMPT[l], { shop: shopName, task: taskIn(survey.content, l) });
}

export type Answers = Record<string, number>;

/** Every question answered with an integer on its scale, and nothing else; otherwise the key and what is wrong. */
export function checkAnswers(
  survey: SurveyShape,
  raw: unknown,
): { ok: true; answers: Answers } | { ok: false; key: string; message: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, key: 'answers', message: 'an object of question key → number' };
  const keys: readonly string[] = QUESTION_KEYS[survey.type];
  const scale = scaleOf(survey);
  for (const key of Object.keys(raw))
    if (!keys.includes(key)) return { ok: false, key, message: `not a question of this survey (${keys.join(', ')})` };
  const answers: Answers = {};
  for (const key of keys) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined) return { ok: false, key, message: 'unanswered' };
    if (typeof value !== 'number' || !Number.isInteger(value) || value < scale.min || value > scale.max)
      return { ok: false, key, message: `a whole number from ${scale.min} to ${scale.max}` };
    answers[key] = value;
  }
  return { ok: true, answers };
}

/** NPS band of a 0–10 answer (METRICS.md): promoters 9–10, passives 7–8, detractors 0–6. */
export function npsBand(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** Whether an answer is a detractor's (survey.detractor): NPS 0–6, CSAT 1–2. */
export function isDetractor(type: SurveyType, answers: Answers): boolean {
  if (type === 'nps') return answers.nps! <= 6;
  if (type === 'csat') return answers.csat! <= 2;
  return false;
}

/** One number for the answer (events, lists): the NPS/CSAT/CES answer, a CLI's mean × 10, a poll's choice. */
export function answerScore(type: SurveyType, answers: Answers): number {
  if (type === 'cli') return Math.round(((answers.recommend! + answers.buy_again! + answers.try_other!) / 3) * 10 * 10) / 10;
  return answers[QUESTION_KEYS[type][0]]!;
}

const DAY_MS = 86_400_000;

/** The survey's period number at `at`: floor((at − createdAt) / periodDays days) (as the schema defines it). */
export function periodAt(survey: { createdAt: Date; periodDays: number }, at: Date): number {
  return Math.floor((at.getTime() - survey.createdAt.getTime()) / (survey.periodDays * DAY_MS));
}
