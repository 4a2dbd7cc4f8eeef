// Survey results (../shared/METRICS.md, "Feedback") against hand-computed
// fixtures: NPS from ten members' known scores, CSAT, CES (both forms) and CLI,
// members against non-members and by tier, only answers given in the range
// (local days in the shop's time zone), the latest answer of a period, the
// distribution and the trend. Figures with no answers are null.
import { describe, expect, it } from 'vitest';
import { addDays } from '../../web/analytics/range.js';
import { recordResponse } from '../../web/surveys/responses.js';
import { addShops, useTestApp } from '../helpers/app.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { newCustomerGid } from './jobs/support.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' }, checkLedger: true });
// Auckland: UTC+13 in March (daylight saving until 5 April 2026), so 2026-03-31T11:30Z is 1 April locally.
const SHOP = 'survey-results.myshopify.com';
let shopsAdded = false;

async function setup() {
  if (!shopsAdded) await addShops(app, [[SHOP, 'NZD', 'Pacific/Auckland']]);
  shopsAdded = true;
}

const admin = (method: string, path: string, body?: unknown) => adminApi(app.url, method, path, body, SHOP);
const deps = () => ({ pool: app.db.pool, programs: app.programs });

async function newSurvey(body: Record<string, unknown>, createdAt?: Date) {
  await setup();
  const res = await admin('POST', '/surveys', { name: 'Results', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  // Surveys made "in the past" so answers can be dated before today, in period 0.
  if (createdAt) await app.prisma.survey.update({ where: { id: res.body.survey.id }, data: { createdAt } });
  return res.body.survey as { id: string };
}

const member = (tierId: string | null = null) =>
  app.prisma.member.create({ data: { shop: SHOP, customerId: newCustomerGid(), tierId }, select: { id: true, customerId: true } });

const results = async (id: string, query: string) => {
  const res = await admin('GET', `/surveys/${id}/results?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const answerAt = (surveyId: string, respondent: { memberId: string } | { customerId: string }, answers: object, at: string) =>
  recordResponse(deps(), { shop: SHOP, surveyId, respondent, answers, channel: 'email', now: new Date(at) });

describe('survey results', () => {
  it('NPS of ten members through the storefront: exactly the hand-computed score, promoters, passives and detractors', async () => {
    const survey = await newSurvey({ type: 'nps', pointsForAnswer: 50 });
    // The shop's tiers (the default program's), lowest first; two more when it has none.
    if ((await app.prisma.tier.count({ where: { shop: SHOP } })) < 2)
      await app.prisma.tier.createMany({
        data: [
          { shop: SHOP, name: 'Bronze', threshold: 0n },
          { shop: SHOP, name: 'Gold', threshold: 1000n },
        ],
      });
    const tiers = await app.prisma.tier.findMany({ where: { shop: SHOP }, orderBy: [{ threshold: 'asc' }, { id: 'asc' }] });
    const [bronze, gold] = [tiers[0]!, tiers[tiers.length - 1]!];
    // Ten members: the first five Gold, the last five Bronze.
    const scores = [10, 10, 9, 9, 9, 8, 7, 6, 3, 0];
    const members = [];
    for (let i = 0; i < scores.length; i++) members.push(await member(i < 5 ? gold.id : bronze.id));
    for (let i = 0; i < scores.length; i++) {
      const res = await proxyApi(
        app.url,
        'POST',
        `/surveys/${survey.id}/responses`,
        members[i]!.customerId,
        { answers: { nps: scores[i] } },
        { shop: SHOP },
      );
      expect(res.status).toBe(201);
      expect(res.body.pointsAwarded).toBe(50);
    }
    // Three customers who are not members answer on the Thank-you page: 10, 2, 5.
    for (const nps of [10, 2, 5])
      await recordResponse(deps(), {
        shop: SHOP,
        surveyId: survey.id,
        respondent: { customerId: newCustomerGid() },
        answers: { nps },
        channel: 'thank_you',
      });

    // Points once per member: ten entries of 50, each member's balance 50.
    const entries = await app.prisma.pointEntry.findMany({ where: { shop: SHOP, source: 'SURVEY' } });
    expect(entries.map((e) => e.points)).toEqual(Array(10).fill(50));
    for (const m of members) expect(Number((await app.prisma.member.findUniqueOrThrow({ where: { id: m.id } })).pointsAvailable)).toBe(50);

    const today = new Date().toISOString().slice(0, 10);
    const range = `from=${addDays(today, -1)}&to=${addDays(today, 1)}`;
    const r = await results(survey.id, range);
    // Members: promoters 10, 10, 9, 9, 9 = 5; passives 8, 7 = 2; detractors 6, 3, 0 = 3.
    // NPS = 100 × (5 − 3) ÷ 10 = 20.0.
    expect(r.members).toEqual({ respondents: 10, nps: { score: 20, promoters: 5, passives: 2, detractors: 3 } });
    // Non-members: promoters 10 = 1, detractors 2, 5 = 2: 100 × (1 − 2) ÷ 3 = −33.33… → −33.3.
    expect(r.nonMembers).toEqual({ respondents: 3, nps: { score: -33.3, promoters: 1, passives: 0, detractors: 2 } });
    // All: promoters 6, passives 2, detractors 5 of 13: 100 × 1 ÷ 13 = 7.69… → 7.7.
    expect(r.respondents).toBe(13);
    expect(r.nps).toEqual({ score: 7.7, promoters: 6, passives: 2, detractors: 5 });
    // Gold (10, 10, 9, 9, 9): 100 × 5 ÷ 5 = 100. Bronze (8, 7, 6, 3, 0): 100 × (0 − 3) ÷ 5 = −60.
    const none = { respondents: 0, nps: { score: null, promoters: 0, passives: 0, detractors: 0 } };
    expect(r.byTier).toEqual(
      tiers.map((t) =>
        t.id === bronze.id
          ? { tierId: t.id, name: t.name, respondents: 5, nps: { score: -60, promoters: 0, passives: 2, detractors: 3 } }
          : t.id === gold.id
            ? { tierId: t.id, name: t.name, respondents: 5, nps: { score: 100, promoters: 5, passives: 0, detractors: 0 } }
            : { tierId: t.id, name: t.name, ...none },
      ),
    );
    const counts = Object.fromEntries(r.distribution.nps.map((d: { value: number; count: number }) => [d.value, d.count]));
    expect(counts).toEqual({ 0: 1, 1: 0, 2: 1, 3: 1, 4: 0, 5: 1, 6: 1, 7: 1, 8: 1, 9: 3, 10: 3 });

    // The detractor scoring 0 changes their mind (9): 200, no points; the latest counts.
    const again = await proxyApi(
      app.url,
      'POST',
      `/surveys/${survey.id}/responses`,
      members[9]!.customerId,
      { answers: { nps: 9 } },
      { shop: SHOP },
    );
    expect(again.status).toBe(200);
    expect(again.body.pointsAwarded).toBe(0);
    expect(await app.prisma.pointEntry.count({ where: { shop: SHOP, source: 'SURVEY' } })).toBe(10);
    // Members now: promoters 6, passives 2, detractors 2: 100 × 4 ÷ 10 = 40.
    expect((await results(survey.id, range)).members.nps).toEqual({ score: 40, promoters: 6, passives: 2, detractors: 2 });
  });

  it('CSAT: standard (share of 4–5) and seed 001 ((4–5 − 1–2) ÷ respondents), as percents', async () => {
    const survey = await newSurvey({ type: 'csat' }, new Date('2026-01-01T00:00:00Z'));
    const answers = [5, 4, 4, 3, 1, 2, 5];
    for (const csat of answers) await answerAt(survey.id, { memberId: (await member()).id }, { csat }, '2026-02-10T00:00:00Z');
    const r = await results(survey.id, 'from=2026-02-01&to=2026-02-28');
    // Positive 5, 4, 4, 5 = 4; negative 1, 2 = 2; n = 7.
    // standard = 100 × 4 ÷ 7 = 57.14… → 57.1; seed = 100 × (4 − 2) ÷ 7 = 28.57… → 28.6.
    expect(r.csat).toEqual({ standard: 57.1, seed: 28.6, positive: 4, negative: 2 });
    expect(r.respondents).toBe(7);
    expect(r.nonMembers).toEqual({ respondents: 0, csat: { standard: null, seed: null, positive: 0, negative: 0 } });
  });

  it('CES: standard (mean answer) and seed 001 (share of 1–3)', async () => {
    const survey = await newSurvey({ type: 'ces' }, new Date('2026-01-01T00:00:00Z'));
    for (const ces of [7, 6, 5, 3, 2, 7, 1]) await answerAt(survey.id, { memberId: (await member()).id }, { ces }, '2026-02-10T00:00:00Z');
    const r = await results(survey.id, 'from=2026-02-01&to=2026-02-28');
    // Sum 31 over 7: mean 4.428… → 4.43; negative 3, 2, 1 = 3: 100 × 3 ÷ 7 = 42.857… → 42.9.
    expect(r.ces).toEqual({ standard: 4.43, seed: 42.9, negative: 3 });
  });

  it('CLI: mean of the three answers × 10 over respondents who answered all three', async () => {
    const survey = await newSurvey({ type: 'cli' }, new Date('2026-01-01T00:00:00Z'));
    const fixtures = [
      { recommend: 10, buy_again: 9, try_other: 8 },
      { recommend: 5, buy_again: 5, try_other: 5 },
      { recommend: 0, buy_again: 3, try_other: 7 },
    ];
    for (const a of fixtures) await answerAt(survey.id, { memberId: (await member()).id }, a, '2026-02-10T00:00:00Z');
    const r = await results(survey.id, 'from=2026-02-01&to=2026-02-28');
    // Means 27/3, 15/3, 10/3; their mean 52/9 = 5.777…; × 10 = 57.77… → 57.8.
    expect(r.cli).toEqual({ score: 57.8, respondents: 3 });
    expect(r.distribution.try_other.find((d: { value: number }) => d.value === 7).count).toBe(1);
  });

  it('a poll counts each choice', async () => {
    const survey = await newSurvey(
      { type: 'poll', content: { choices: ['Free shipping', '10% off', 'A gift'] } },
      new Date('2026-01-01T00:00:00Z'),
    );
    for (const choice of [0, 2, 2, 1, 2]) await answerAt(survey.id, { memberId: (await member()).id }, { choice }, '2026-02-10T00:00:00Z');
    expect(
      (await answerAt(survey.id, { memberId: (await member()).id }, { choice: 3 }, '2026-02-10T00:00:00Z').catch((e) => e)).status,
    ).toBe(400);
    const r = await results(survey.id, 'from=2026-02-01&to=2026-02-28');
    expect(r.poll).toEqual({
      choices: [
        { index: 0, label: 'Free shipping', count: 1 },
        { index: 1, label: '10% off', count: 1 },
        { index: 2, label: 'A gift', count: 3 },
      ],
    });
  });

  it("counts only answers given in the range, by the shop's local days; no answers: null figures", async () => {
    const survey = await newSurvey({ type: 'nps', periodDays: 365 }, new Date('2026-01-01T00:00:00Z'));
    const [a, b, c] = [await member(), await member(), await member()];
    await answerAt(survey.id, { memberId: a.id }, { nps: 10 }, '2026-03-31T10:30:00Z'); // 31 March 23:30 in Auckland
    await answerAt(survey.id, { memberId: b.id }, { nps: 0 }, '2026-03-31T11:30:00Z'); // 1 April 00:30 in Auckland
    await answerAt(survey.id, { memberId: c.id }, { nps: 8 }, '2026-04-30T11:59:00Z'); // 30 April 23:59 (UTC+12 after 5 April)
    expect((await results(survey.id, 'from=2026-03-01&to=2026-03-31')).nps).toEqual({
      score: 100,
      promoters: 1,
      passives: 0,
      detractors: 0,
    });
    expect((await results(survey.id, 'from=2026-04-01&to=2026-04-30')).nps).toEqual({
      score: -50,
      promoters: 0,
      passives: 1,
      detractors: 1,
    });
    const empty = await results(survey.id, 'from=2026-06-01&to=2026-06-30');
    expect(empty).toMatchObject({ respondents: 0, nps: { score: null, promoters: 0, passives: 0, detractors: 0 } });
    expect(empty.members.nps.score).toBeNull();

    // The trend by month: March (10) 100, April (0, 8) −50, May none (null).
    const trend = (await results(survey.id, 'from=2026-03-01&to=2026-05-31&interval=month')).trend;
    expect(
      trend.map((t: { start: string; respondents: number; nps: { score: number | null } }) => [t.start, t.respondents, t.nps.score]),
    ).toEqual([
      ['2026-03-01', 1, 100],
      ['2026-04-01', 2, -50],
      ['2026-05-01', 0, null],
    ]);
    // By week (Mondays): 30 March holds both the 31 March and the 1 April answer; 27 April holds 30 April.
    const weeks = (await results(survey.id, 'from=2026-03-30&to=2026-05-03&interval=week')).trend;
    expect(weeks.map((t: { start: string; respondents: number }) => [t.start, t.respondents])).toEqual([
      ['2026-03-30', 2],
      ['2026-04-06', 0],
      ['2026-04-13', 0],
      ['2026-04-20', 0],
      ['2026-04-27', 1],
    ]);

    // b changes their answer within the period (on 2 May): the range of the new answer counts it, the old range no longer does.
    await answerAt(survey.id, { memberId: b.id }, { nps: 9 }, '2026-05-02T00:00:00Z');
    expect((await results(survey.id, 'from=2026-04-01&to=2026-04-30')).nps).toEqual({ score: 0, promoters: 0, passives: 1, detractors: 0 });
    expect((await results(survey.id, 'from=2026-05-01&to=2026-05-31')).nps).toEqual({
      score: 100,
      promoters: 1,
      passives: 0,
      detractors: 0,
    });
    expect((await admin('GET', `/surveys/${survey.id}/results?from=2026-05-01&to=2026-04-01`)).status).toBe(400);
  });
});
