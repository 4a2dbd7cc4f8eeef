// Survey types (web/surveys/types.ts): fixed keys and scales, the default
// wording in the six storefront locales with {shop}/{task}, the merchant's
// wording over it, and the checks on create/update bodies and answers.
import { describe, expect, it } from 'vitest';
import { storefrontLocaleCodes } from '../../../web/loyalty/domain/widget.js';
import {
  answerScore,
  checkAnswers,
  checkSurveyUpdate,
  createSurveyBody,
  DEFAULT_QUESTIONS,
  isDetractor,
  npsBand,
  periodAt,
  QUESTION_KEYS,
  questionsIn,
  storefrontLocale,
  SURVEY_TYPES,
  type SurveyShape,
} from '../../../web/surveys/types.js';

const shape = (type: SurveyShape['type'], content: SurveyShape['content'] = {}): SurveyShape => ({ type, content });

describe('survey questions', () => {
  it('has default wording for every question key in all six storefront locales, naming the shop', () => {
    for (const type of SURVEY_TYPES) {
      for (const key of QUESTION_KEYS[type]) {
        for (const l of storefrontLocaleCodes) {
          const text = DEFAULT_QUESTIONS[key]![l];
          expect(text, `${key} ${l}`).toBeTruthy();
          if (type !== 'poll') expect(text, `${key} ${l}`).toContain('{shop}');
        }
      }
    }
  });

  it('gives each type its keys and scale, the shop and task filled in', () => {
    expect(questionsIn(shape('nps'), 'en', 'Acme')).toEqual([
      { key: 'nps', text: 'How likely are you to recommend Acme to a friend?', scale: { min: 0, max: 10 } },
    ]);
    expect(questionsIn(shape('csat'), 'en', 'Acme')[0]!.scale).toEqual({ min: 1, max: 5 });
    expect(questionsIn(shape('ces'), 'en', 'Acme')).toEqual([
      { key: 'ces', text: 'Acme made it easy for me to find what I needed', scale: { min: 1, max: 7 } },
    ]);
    expect(questionsIn(shape('cli'), 'fr', 'Acme').map((q) => [q.key, q.scale.max])).toEqual([
      ['recommend', 10],
      ['buy_again', 10],
      ['try_other', 10],
    ]);
    expect(questionsIn(shape('poll', { choices: ['A', 'B', 'C'] }), 'pl', 'Acme')).toEqual([
      { key: 'choice', text: 'Jaką nagrodę chcesz otrzymać następnym razem?', scale: { min: 0, max: 2 }, choices: ['A', 'B', 'C'] },
    ]);
  });

  it("uses the merchant's wording for the locale, falls back by language, then to English", () => {
    const survey = shape('ces', { task: { en: 'check out', de: 'zu bezahlen' }, de: { ces: '{shop}: {task} war einfach' } });
    expect(questionsIn(survey, 'de-CH', 'Acme')[0]!.text).toBe('Acme: zu bezahlen war einfach');
    expect(questionsIn(survey, 'es', 'Acme')[0]!.text).toBe('Acme me facilitó check out');
    expect(questionsIn(survey, 'ja', 'Acme')[0]!.text).toBe('Acme made it easy for me to check out');
    expect(questionsIn(shape('nps'), 'zh-TW', '商店')[0]!.text).toBe('您向朋友推荐商店的可能性有多大？');
    expect(storefrontLocale('pt-BR')).toBeNull();
    expect(storefrontLocale('zh_CN')).toBe('zh-CN');
  });
});

describe('answers', () => {
  it('accepts every key of the type with an integer on its scale', () => {
    expect(checkAnswers(shape('cli'), { recommend: 0, buy_again: 10, try_other: 5 })).toEqual({
      ok: true,
      answers: { recommend: 0, buy_again: 10, try_other: 5 },
    });
    expect(checkAnswers(shape('ces'), { ces: 7 }).ok).toBe(true);
  });

  it.each([
    ['nps', { nps: 11 }, 'nps'],
    ['nps', { nps: -1 }, 'nps'],
    ['csat', { csat: 0 }, 'csat'],
    ['ces', { ces: 8 }, 'ces'],
    ['ces', { ces: 3.5 }, 'ces'],
    ['ces', { ces: '3' }, 'ces'],
    ['cli', { recommend: 1, buy_again: 2 }, 'try_other'],
    ['nps', { nps: 5, csat: 3 }, 'csat'],
    ['nps', [5], 'answers'],
  ] as const)('%s %j is refused naming %s', (type, answers, key) => {
    const checked = checkAnswers(shape(type), answers);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.key).toBe(key);
  });

  it('a poll is answered by a choice index', () => {
    const poll = shape('poll', { choices: ['A', 'B'] });
    expect(checkAnswers(poll, { choice: 1 }).ok).toBe(true);
    expect(checkAnswers(poll, { choice: 2 }).ok).toBe(false);
  });

  it('bands, detractors and one score per answer as METRICS.md defines them', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsBand)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    expect(isDetractor('nps', { nps: 6 })).toBe(true);
    expect(isDetractor('nps', { nps: 7 })).toBe(false);
    expect(isDetractor('csat', { csat: 2 })).toBe(true);
    expect(isDetractor('csat', { csat: 3 })).toBe(false);
    expect(isDetractor('ces', { ces: 1 })).toBe(false);
    // (10 + 9 + 8) ÷ 3 × 10 = 90; (0 + 3 + 7) ÷ 3 × 10 = 33.3…
    expect(answerScore('cli', { recommend: 10, buy_again: 9, try_other: 8 })).toBe(90);
    expect(answerScore('cli', { recommend: 0, buy_again: 3, try_other: 7 })).toBe(33.3);
  });

  it('periods count whole periodDays from the survey creation', () => {
    const survey = { createdAt: new Date('2026-01-01T00:00:00Z'), periodDays: 30 };
    expect(periodAt(survey, new Date('2026-01-30T23:59:59Z'))).toBe(0);
    expect(periodAt(survey, new Date('2026-01-31T00:00:00Z'))).toBe(1);
  });
});

describe('create and update bodies', () => {
  it('defaults points 50, a manual trigger, 90-day periods, all channels, active', () => {
    expect(createSurveyBody.parse({ type: 'nps', name: 'NPS' })).toEqual({
      type: 'nps',
      name: 'NPS',
      pointsForAnswer: 50,
      trigger: { kind: 'manual' },
      periodDays: 90,
      channels: ['email', 'widget', 'thank_you'],
      content: {},
      status: 'active',
    });
  });

  it.each([
    [{ type: 'nps', name: 'x', trigger: { kind: 'after_fulfilment' } }, 'trigger.days'],
    [{ type: 'nps', name: 'x', trigger: { kind: 'every_months', months: 0 } }, 'trigger.months'],
    [{ type: 'nps', name: 'x', trigger: { kind: 'weekly' } }, 'trigger.kind'],
    [{ type: 'poll', name: 'x' }, 'content.choices'],
    [{ type: 'poll', name: 'x', content: { choices: ['only one'] } }, 'content.choices'],
    [{ type: 'nps', name: 'x', content: { choices: ['a', 'b'] } }, 'content.choices'],
    [{ type: 'nps', name: 'x', content: { task: 'shop' } }, 'content.task'],
    [{ type: 'nps', name: 'x', content: { en: { csat: 'Happy?' } } }, 'content.en.csat'],
    [{ type: 'nps', name: 'x', content: { it: { nps: 'Ciao' } } }, 'content'],
    [{ type: 'nps', name: 'x', channels: ['sms'] }, 'channels.0'],
    [{ type: 'nps', name: 'x', pointsForAnswer: -1 }, 'pointsForAnswer'],
    [{ type: 'nps', name: ' ' }, 'name'],
    [{ type: 'thermometer', name: 'x' }, 'type'],
  ])('%j is refused at %s', (body, path) => {
    const parsed = createSurveyBody.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('an update is checked against the stored type', () => {
    expect(checkSurveyUpdate('nps', { content: { de: { nps: 'Empfehlen?' } } })).toEqual({});
    expect(checkSurveyUpdate('nps', { content: { de: { ces: 'x' } } })).toHaveProperty(['content.de.ces']);
    expect(checkSurveyUpdate('ces', { content: { task: 'find a gift' } })).toEqual({});
  });
});
