// Surveys (issue 21): the merchant creates them through the admin API, the
// widget asks a member through the signed app proxy, answers are checked
// against the type's scale, points are paid once per member, survey and
// period through the ledger, a second answer replaces the first, and
// survey.answered / survey.detractor land in the event outbox.
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { redactCustomer } from '../../web/loyalty/compliance.js';
import { transaction } from '../../web/db/sql.js';
import { addDays } from '../../web/analytics/range.js';
import { recordResponse } from '../../web/surveys/responses.js';
import { addShops, useTestApp } from '../helpers/app.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { createMember, newCustomerGid } from './jobs/support.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' }, checkLedger: true });
const OTHER = 'survey-other.myshopify.com';

const admin = (method: string, path: string, body?: unknown, shop = DEV_SHOP) => adminApi(app.url, method, path, body, shop);
const proxy = (method: 'GET' | 'POST', path: string, customer: string | null, body?: unknown, extra?: Record<string, string>) =>
  proxyApi(app.url, method, path, customer, body, { extra });

async function newSurvey(body: Record<string, unknown>, shop = DEV_SHOP) {
  const res = await admin('POST', '/surveys', { name: 'Survey', trigger: { kind: 'manual' }, ...body }, shop);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.survey as { id: string; type: string; pointsForAnswer: number };
}

/** Pauses every active survey of the dev shop, so the widget's "next" is the one a test makes. */
async function pauseAll() {
  await app.prisma.survey.updateMany({ where: { shop: DEV_SHOP, status: 'active' }, data: { status: 'paused' } });
}

const ledgerOf = (memberId: string) => app.prisma.pointEntry.findMany({ where: { memberId, source: 'SURVEY' } });

describe('surveys: admin API', () => {
  it('creates, lists, reads and changes a survey; refuses content that does not fit the type', async () => {
    const created = await admin('POST', '/surveys', {
      type: 'nps',
      name: 'Quarterly NPS',
      pointsForAnswer: 50,
      trigger: { kind: 'manual' },
    });
    expect(created.status).toBe(201);
    expect(created.body.survey).toMatchObject({
      type: 'nps',
      name: 'Quarterly NPS',
      pointsForAnswer: 50,
      trigger: { kind: 'manual' },
      periodDays: 90,
      channels: ['email', 'widget', 'thank_you'],
      status: 'active',
    });
    const id = created.body.survey.id;
    const list = await admin('GET', '/surveys');
    expect(list.body.surveys.find((s: { id: string }) => s.id === id)).toMatchObject({ name: 'Quarterly NPS', responses: 0 });
    const changed = await admin('PATCH', `/surveys/${id}`, {
      status: 'paused',
      trigger: { kind: 'after_fulfilment', days: 7 },
      content: { de: { nps: 'Würden Sie {shop} empfehlen?' } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.survey).toMatchObject({ status: 'paused', trigger: { kind: 'after_fulfilment', days: 7 }, name: 'Quarterly NPS' });
    expect((await admin('GET', `/surveys/${id}`)).body.survey.content).toEqual({ de: { nps: 'Würden Sie {shop} empfehlen?' } });

    const noChoices = await admin('POST', '/surveys', { type: 'poll', name: 'Rewards poll' });
    expect(noChoices.status).toBe(400);
    expect(noChoices.body.error.fields).toHaveProperty(['content.choices']);
    const wrongKey = await admin('PATCH', `/surveys/${id}`, { content: { en: { csat: 'x' } } });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.error.fields).toHaveProperty(['content.en.csat']);
    const badTrigger = await admin('POST', '/surveys', { type: 'nps', name: 'x', trigger: { kind: 'every_months' } });
    expect(badTrigger.status).toBe(400);
    expect(Object.keys(badTrigger.body.error.fields)).toContain('trigger.months');
  });
});

describe('surveys: the widget asks and the member answers', () => {
  it("gives the due survey in the shopper's locale, with the shop's name; guests and non-members get none", async () => {
    await pauseAll();
    const survey = await newSurvey({ type: 'ces', pointsForAnswer: 30, content: { task: { en: 'check out', de: 'zu bezahlen' } } });
    const member = await createMember(app);
    const shopName = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: DEV_SHOP } })).name;
    const en = await proxy('GET', '/surveys/next', member.customerId);
    expect(en.status).toBe(200);
    expect(en.body.survey).toEqual({
      id: survey.id,
      type: 'ces',
      questions: [{ key: 'ces', text: `${shopName} made it easy for me to check out`, scale: { min: 1, max: 7 } }],
      commentPrompt: 'What is the main reason for your answer?',
      pointsForAnswer: 30,
    });
    const de = await proxy('GET', '/surveys/next', member.customerId, undefined, { locale: 'de-AT' });
    expect(de.body.survey.questions[0].text).toBe(`${shopName} hat es mir leicht gemacht, zu bezahlen`);
    expect((await proxy('GET', '/surveys/next', null)).body).toEqual({ survey: null });
    expect((await proxy('GET', '/surveys/next', newCustomerGid())).body).toEqual({ survey: null });

    // Answered this period: nothing more is due.
    expect((await proxy('POST', `/surveys/${survey.id}/responses`, member.customerId, { answers: { ces: 6 } })).status).toBe(201);
    expect((await proxy('GET', '/surveys/next', member.customerId)).body).toEqual({ survey: null });
  });

  it('prefers a survey the member was invited to', async () => {
    await pauseAll();
    await newSurvey({ type: 'nps' });
    const invited = await newSurvey({ type: 'csat' });
    const member = await createMember(app);
    await app.prisma.surveyInvite.create({
      data: { shop: DEV_SHOP, surveyId: invited.id, memberId: member.id, period: 0, channel: 'email' },
    });
    expect((await proxy('GET', '/surveys/next', member.customerId)).body.survey.id).toBe(invited.id);
    const other = await createMember(app);
    expect((await proxy('GET', '/surveys/next', other.customerId)).body.survey.type).toBe('nps');
  });

  it('pays once per member and period; a second answer replaces the first (200, 0 points) and the invite is marked answered', async () => {
    const survey = await newSurvey({ type: 'nps', pointsForAnswer: 50 });
    const member = await createMember(app);
    await app.prisma.surveyInvite.create({
      data: { shop: DEV_SHOP, surveyId: survey.id, memberId: member.id, period: 0, channel: 'email' },
    });

    const first = await proxy('POST', `/surveys/${survey.id}/responses`, member.customerId, {
      answers: { nps: 4 },
      comment: 'Slow delivery',
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ response: { id: expect.any(String) }, pointsAwarded: 50 });
    const second = await proxy('POST', `/surveys/${survey.id}/responses`, member.customerId, { answers: { nps: 9 } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ response: { id: first.body.response.id }, pointsAwarded: 0 });

    const entries = await ledgerOf(member.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      points: 50,
      kind: 'EARN',
      status: 'AVAILABLE',
      idempotencyKey: `survey:${survey.id}:${member.id}:0`,
    });
    expect((await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).pointsAvailable).toEqual(50);

    const responses = await app.prisma.surveyResponse.findMany({ where: { surveyId: survey.id } });
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      respondent: `member:${member.id}`,
      answers: { nps: 9 },
      comment: null,
      pointsAwarded: 50,
      isMember: true,
      channel: 'widget',
      period: 0,
    });
    const invite = await app.prisma.surveyInvite.findUniqueOrThrow({
      where: { surveyId_memberId_period: { surveyId: survey.id, memberId: member.id, period: 0 } },
    });
    expect(invite.answeredAt).not.toBeNull();
  });

  it('pays again in the next period (a new answer, its own ledger entry)', async () => {
    const survey = await newSurvey({ type: 'csat', pointsForAnswer: 20, periodDays: 30 });
    const member = await createMember(app);
    const record = (at: Date, csat: number) =>
      recordResponse(
        { pool: app.db.pool, programs: app.programs },
        { shop: DEV_SHOP, surveyId: survey.id, respondent: { memberId: member.id }, answers: { csat }, channel: 'email', now: at },
      );
    const created = (await app.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).createdAt.getTime();
    expect((await record(new Date(created + 1000), 5)).pointsAwarded).toBe(20);
    expect((await record(new Date(created + 29 * 86_400_000), 4)).pointsAwarded).toBe(0);
    const next = await record(new Date(created + 31 * 86_400_000), 3);
    expect(next).toMatchObject({ pointsAwarded: 20, replaced: false });
    expect((await ledgerOf(member.id)).map((e) => e.idempotencyKey).sort()).toEqual([
      `survey:${survey.id}:${member.id}:0`,
      `survey:${survey.id}:${member.id}:1`,
    ]);
    expect(await app.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(2);
  });

  it('answers 400 naming the question key off the scale, missing or unknown; nothing is stored or paid', async () => {
    const cli = await newSurvey({ type: 'cli' });
    const member = await createMember(app);
    const post = (answers: unknown) => proxy('POST', `/surveys/${cli.id}/responses`, member.customerId, { answers });
    const off = await post({ recommend: 8, buy_again: 11, try_other: 5 });
    expect(off.status).toBe(400);
    expect(off.body.error.fields).toEqual({ 'answers.buy_again': 'a whole number from 0 to 10' });
    expect((await post({ recommend: 8, buy_again: 7 })).body.error.fields).toEqual({ 'answers.try_other': 'unanswered' });
    expect((await post({ recommend: 8, buy_again: 7, try_other: 2.5 })).body.error.fields).toHaveProperty(['answers.try_other']);
    expect((await post({ recommend: 8, buy_again: 7, try_other: 2, nps: 3 })).body.error.fields).toHaveProperty(['answers.nps']);
    const csat = await newSurvey({ type: 'csat' });
    const zero = await proxy('POST', `/surveys/${csat.id}/responses`, member.customerId, { answers: { csat: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.body.error.fields).toEqual({ 'answers.csat': 'a whole number from 1 to 5' });
    expect(await app.prisma.surveyResponse.count({ where: { surveyId: { in: [cli.id, csat.id] } } })).toBe(0);
    expect(await ledgerOf(member.id)).toHaveLength(0);
  });

  it("answers 404 to a guest, a shopper who is not a member and another shop's survey", async () => {
    await addShops(app, [[OTHER, 'USD', 'UTC']]);
    const ours = await newSurvey({ type: 'nps' });
    const theirs = await newSurvey({ type: 'nps' }, OTHER);
    const member = await createMember(app);
    const body = { answers: { nps: 10 } };
    expect((await proxy('POST', `/surveys/${ours.id}/responses`, null, body)).status).toBe(404);
    expect((await proxy('POST', `/surveys/${ours.id}/responses`, newCustomerGid(), body)).status).toBe(404);
    expect((await proxy('POST', `/surveys/${theirs.id}/responses`, member.customerId, body)).status).toBe(404);
    expect((await proxy('POST', `/surveys/nope/responses`, member.customerId, body)).status).toBe(404);
    expect((await admin('GET', `/surveys/${theirs.id}`)).status).toBe(404);
    expect((await admin('GET', `/surveys/${theirs.id}/results?from=2026-01-01&to=2026-12-31`)).status).toBe(404);
    expect(await app.prisma.surveyResponse.count({ where: { surveyId: { in: [ours.id, theirs.id] } } })).toBe(0);
    // A paused survey takes no answers.
    await admin('PATCH', `/surveys/${ours.id}`, { status: 'paused' });
    expect((await proxy('POST', `/surveys/${ours.id}/responses`, member.customerId, body)).status).toBe(409);
  });

  it('writes survey.answered and, for a detractor, survey.detractor with the answer', async () => {
    const survey = await newSurvey({ type: 'nps', pointsForAnswer: 10 });
    const member = await createMember(app);
    const res = await proxy('POST', `/surveys/${survey.id}/responses`, member.customerId, { answers: { nps: 3 }, comment: 'Too slow' });
    const cause = `survey-response:${res.body.response.id}`;
    const events = await app.prisma.event.findMany({ where: { cause }, orderBy: { type: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['survey.answered', 'survey.detractor']);
    expect(events[0]).toMatchObject({
      memberId: member.id,
      data: {
        surveyId: survey.id,
        responseId: res.body.response.id,
        type: 'nps',
        answers: { nps: 3 },
        score: 3,
        band: 'detractor',
        hasComment: true,
        isMember: true,
        pointsAwarded: 10,
        replaced: false,
        channel: 'widget',
        customerId: member.customerId,
      },
    });
    expect(events[1]).toMatchObject({ memberId: member.id, data: { surveyId: survey.id, type: 'nps', score: 3, hasComment: true } });
    // Points have their own points.earned event, caused by the entry.
    expect(await app.prisma.event.count({ where: { type: 'points.earned', memberId: member.id } })).toBe(1);

    // A promoter's answer: survey.answered only.
    const other = await createMember(app);
    const promoter = await proxy('POST', `/surveys/${survey.id}/responses`, other.customerId, { answers: { nps: 10 } });
    const theirs = await app.prisma.event.findMany({ where: { cause: `survey-response:${promoter.body.response.id}` } });
    expect(theirs.map((e) => e.type)).toEqual(['survey.answered']);
    expect(theirs[0]!.data).toMatchObject({ band: 'promoter', hasComment: false });
  });

  it('records a customer who is not a member (the Thank-you page) without points, and a member through the same call', async () => {
    const survey = await newSurvey({ type: 'csat', pointsForAnswer: 25 });
    const customerId = newCustomerGid();
    const guest = await recordResponse(
      { pool: app.db.pool, programs: app.programs },
      {
        shop: DEV_SHOP,
        surveyId: survey.id,
        respondent: { customerId },
        answers: { csat: 2 },
        channel: 'thank_you',
        orderId: 'gid://shopify/Order/1',
      },
    );
    expect(guest).toMatchObject({ pointsAwarded: 0, replaced: false });
    const stored = await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: guest.response.id } });
    expect(stored).toMatchObject({
      respondent: `customer:${customerId}`,
      memberId: null,
      isMember: false,
      orderId: 'gid://shopify/Order/1',
    });
    const events = await app.prisma.event.findMany({ where: { cause: `survey-response:${guest.response.id}` }, orderBy: { type: 'asc' } });
    expect(events.map((e) => [e.type, e.memberId])).toEqual([
      ['survey.answered', null],
      ['survey.detractor', null],
    ]);
    // A customer who is a member is recorded as the member, with points.
    const member = await createMember(app);
    const asMember = await recordResponse(
      { pool: app.db.pool, programs: app.programs },
      { shop: DEV_SHOP, surveyId: survey.id, respondent: { customerId: member.customerId }, answers: { csat: 5 }, channel: 'thank_you' },
    );
    expect(asMember.pointsAwarded).toBe(25);
    expect(await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: asMember.response.id } })).toMatchObject({
      respondent: `member:${member.id}`,
      isMember: true,
    });
  });
});

describe('surveys: redaction', () => {
  it("anonymises a redacted customer's answers and keeps them counted", async () => {
    const survey = await newSurvey({ type: 'nps' });
    const member = await createMember(app);
    const kept = await createMember(app);
    await proxy('POST', `/surveys/${survey.id}/responses`, member.customerId, { answers: { nps: 2 }, comment: 'I am Jane, call me' });
    await proxy('POST', `/surveys/${survey.id}/responses`, kept.customerId, { answers: { nps: 10 }, comment: 'Great' });
    const customerOnly = newCustomerGid();
    await recordResponse(
      { pool: app.db.pool, programs: app.programs },
      {
        shop: DEV_SHOP,
        surveyId: survey.id,
        respondent: { customerId: customerOnly },
        answers: { nps: 7 },
        comment: 'ok',
        channel: 'thank_you',
        orderId: 'gid://shopify/Order/9',
      },
    );
    const day = new Date().toISOString().slice(0, 10);
    const before = (await admin('GET', `/surveys/${survey.id}/results?from=${addDays(day, -30)}&to=${addDays(day, 1)}`)).body;

    await transaction(app.db.pool, (sql) => redactCustomer(sql, DEV_SHOP, member.customerId));
    await transaction(app.db.pool, (sql) => redactCustomer(sql, DEV_SHOP, customerOnly));

    const rows = await app.prisma.surveyResponse.findMany({ where: { surveyId: survey.id }, orderBy: { answeredAt: 'asc' } });
    expect(rows).toHaveLength(3);
    const [jane, great, thankYou] = rows;
    expect(jane).toMatchObject({
      respondent: `anon:${jane!.id}`,
      memberId: null,
      customerId: null,
      orderId: null,
      comment: null,
      answers: { nps: 2 },
    });
    expect(thankYou).toMatchObject({
      respondent: `anon:${thankYou!.id}`,
      memberId: null,
      customerId: null,
      orderId: null,
      comment: null,
      answers: { nps: 7 },
    });
    expect(great).toMatchObject({ respondent: `member:${kept.id}`, comment: 'Great' });
    const after = (await admin('GET', `/surveys/${survey.id}/results?from=${addDays(day, -30)}&to=${addDays(day, 1)}`)).body;
    expect(before.nps, JSON.stringify(before)).toEqual({ score: 0, promoters: 1, passives: 1, detractors: 1 });
    expect(after.nps).toEqual(before.nps);
    expect(after.respondents).toBe(3);
  });
});
