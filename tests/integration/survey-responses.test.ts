// The Feedback page's comments API: a survey's answers newest first a page at
// a time, filtered by range, score band, comment text and handled; marking a
// comment handled; the CSV export; another shop's survey or answer is not found.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { recordResponse } from '../../web/surveys/responses.js';
import { adminApi } from '../helpers/admin.js';
import { proxyApi } from '../helpers/requests.js';
import { useTestApp } from '../helpers/app.js';

const app = useTestApp();
const OTHER = 'other-feedback.myshopify.com';
const api = () => adminApi(app.url);

// Twelve NPS answers: score, comment, the day answered (UTC noon), whether by a member.
const NPS = [
  [10, 'Love the points', '2026-11-02', true],
  [9, 'Fast shipping', '2026-11-02', true],
  [9, null, '2026-11-02', true],
  [8, 'ok I guess', '2026-11-03', true],
  [7, 'Prices went up 50%', '2026-11-04', false],
  [6, 'Parcel arrived late', '2026-11-05', true],
  [3, '=HYPERLINK("x") LATE again', '2026-11-06', true],
  [0, 'Never again', '2026-11-07', false],
  [10, 'great', '2026-11-08', true],
  [5, 'meh', '2026-11-09', true],
  [2, 'Late late late', '2026-11-10', true],
  [9, 'Nice rewards', '2026-11-10', true],
] as const;

let npsId = '';
let csatId = '';
let tierName = '';
let members: Array<{ id: string; customerId: string; email: string | null }> = [];

const deps = () => ({ pool: app.db.pool, programs: app.programs });

/** A survey made through the admin API, dated October so November's answers fall in its first period. */
async function newSurvey(type: string) {
  const res = await api()('POST', '/surveys', { type, name: type.toUpperCase() });
  expect(res.status, res.text).toBe(201);
  await app.prisma.survey.update({ where: { id: res.body.survey.id }, data: { createdAt: new Date('2026-10-01T00:00:00Z') } });
  return res.body.survey.id as string;
}

beforeAll(async () => {
  const p = app.prisma;
  await p.shop.create({ data: { domain: OTHER, name: 'Other' } });
  const tier = await p.tier.create({ data: { shop: DEV_SHOP, name: 'Gold of feedback', threshold: 500n } });
  tierName = tier.name;
  members = await p.member.findMany({ where: { shop: DEV_SHOP, redactedAt: null }, orderBy: { id: 'asc' }, take: NPS.length });
  // The tier the members hold when they answer: the answer keeps it.
  await p.member.updateMany({ where: { id: { in: members.map((m) => m.id) } }, data: { tierId: tier.id } });
  npsId = await newSurvey('nps');
  csatId = await newSurvey('csat');
  // Each answer as the channels record it (recordResponse), on its day: members by id, the others as customers.
  for (const [i, [score, comment, day, isMember]] of NPS.entries()) {
    await recordResponse(deps(), {
      shop: DEV_SHOP,
      surveyId: npsId,
      respondent: isMember ? { memberId: members[i]!.id } : { customerId: `gid://shopify/Customer/77${i}` },
      answers: { nps: score },
      comment,
      channel: 'widget',
      now: new Date(`${day}T12:00:00Z`),
    });
  }
  for (const score of [1, 2, 3, 4, 5])
    await recordResponse(deps(), {
      shop: DEV_SHOP,
      surveyId: csatId,
      respondent: { customerId: `gid://shopify/Customer/88${score}` },
      answers: { csat: score },
      comment: `csat ${score}`,
      channel: 'thank_you',
      now: new Date(`2026-11-1${score}T12:00:00Z`),
    });
});

/** Every answer of the list with these filters, following nextCursor `limit` at a time. */
async function all(surveyId: string, filters: string, limit = 3) {
  const found: Array<Record<string, unknown> & { id: string; comment: string | null; answers: { nps: number } }> = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const res = await api()('GET', `/surveys/${surveyId}/responses?limit=${limit}&${filters}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    found.push(...res.body.responses);
    cursor = res.body.nextCursor;
    if (!cursor) return found;
  }
  throw new Error('more pages than answers');
}

const scores = (rows: Array<{ answers: { nps: number } }>) => rows.map((r) => r.answers.nps);
const expected = (keep: (row: (typeof NPS)[number]) => boolean) =>
  NPS.filter(keep)
    .map((row, i) => ({ row, i }))
    .sort((a, b) => (a.row[2] === b.row[2] ? 0 : a.row[2] < b.row[2] ? 1 : -1))
    .map(({ row }) => row[0]);

describe('survey comments (admin)', () => {
  it('lists every answer once, newest first, across pages, with the member, tier and channel', async () => {
    const rows = await all(npsId, '');
    expect(rows).toHaveLength(NPS.length);
    expect(new Set(rows.map((r) => r.id)).size).toBe(NPS.length);
    const times = rows.map((r) => r.answeredAt as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect(scores(rows).sort()).toEqual(NPS.map((r) => r[0]).sort());
    const loved = rows.find((r) => r.comment === 'Love the points')!;
    expect(loved).toMatchObject({
      isMember: true,
      memberId: members[0]!.id,
      customerId: members[0]!.customerId,
      tierName,
      channel: 'widget',
      handledAt: null,
      score: 10,
    });
    const never = rows.find((r) => r.comment === 'Never again')!;
    expect(never).toMatchObject({ isMember: false, memberId: null, tierName: null });
  });

  it('filters by score band (METRICS.md: promoters 9–10, passives 7–8, detractors 0–6)', async () => {
    expect(scores(await all(npsId, 'band=detractor')).sort()).toEqual(expected((r) => r[0] <= 6).sort());
    expect(scores(await all(npsId, 'band=passive')).sort()).toEqual(expected((r) => r[0] >= 7 && r[0] <= 8).sort());
    expect(scores(await all(npsId, 'band=promoter')).sort()).toEqual(expected((r) => r[0] >= 9).sort());
    // CSAT: positive 4–5, neutral 3, negative 1–2.
    const csat = async (band: string) =>
      (await all(csatId, `band=${band}`)).map((r) => (r.answers as unknown as { csat: number }).csat).sort();
    expect(await csat('positive')).toEqual([4, 5]);
    expect(await csat('neutral')).toEqual([3]);
    expect(await csat('negative')).toEqual([1, 2]);
  });

  it('searches comments case-insensitively, % and _ taken literally, within a range of days', async () => {
    expect((await all(npsId, 'q=late')).map((r) => r.comment).sort()).toEqual([
      '=HYPERLINK("x") LATE again',
      'Late late late',
      'Parcel arrived late',
    ]);
    expect((await all(npsId, 'q=50%25')).map((r) => r.comment)).toEqual(['Prices went up 50%']);
    expect(await all(npsId, 'q=5_%25')).toEqual([]);
    const range = await all(npsId, 'from=2026-11-03&to=2026-11-06');
    expect(scores(range).sort()).toEqual(expected((r) => r[2] >= '2026-11-03' && r[2] <= '2026-11-06').sort());
    expect(scores(await all(npsId, 'from=2026-11-09&band=detractor')).sort()).toEqual([2, 5]);
    const bad = await api()('GET', `/surveys/${npsId}/responses?from=2026-11-09&to=2026-11-01`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('to');
  });

  it('marks a comment handled and back; the handled filter follows', async () => {
    const [late] = await all(npsId, 'q=Parcel');
    const marked = await api()('POST', `/surveys/responses/${late!.id}/handled`, { handled: true });
    expect(marked.status, marked.text).toBe(200);
    expect(Date.parse(marked.body.response.handledAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await all(npsId, 'handled=true')).map((r) => r.id)).toEqual([late!.id]);
    expect(await all(npsId, 'handled=false')).toHaveLength(NPS.length - 1);
    const again = await api()('POST', `/surveys/responses/${late!.id}/handled`, { handled: true });
    expect(again.body.response.handledAt).toBe(marked.body.response.handledAt);
    const undone = await api()('POST', `/surveys/responses/${late!.id}/handled`, { handled: false });
    expect(undone.body.response.handledAt).toBeNull();
    expect(await all(npsId, 'handled=true')).toEqual([]);
    expect((await api()('POST', `/surveys/responses/${late!.id}/handled`, { handled: 'yes' })).status).toBe(400);
  });

  it('exports the filtered answers as CSV, one line each, formulas defused', async () => {
    const res = await api()('GET', `/surveys/${npsId}/responses.csv?band=detractor`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('answered_at,nps,score,comment,channel,member,member_id,customer_id,member_email,tier,handled_at');
    expect(lines).toHaveLength(1 + NPS.filter((r) => r[0] <= 6).length);
    expect(lines.find((l) => l.includes('HYPERLINK'))).toContain(`,"'=HYPERLINK(""x"") LATE again",`);
    expect(lines.find((l) => l.includes('Never again'))).toMatch(
      /^2026-11-07T12:00:00\.000Z,0,0,Never again,widget,no,,gid:\/\/shopify\/Customer\/777,,,$/,
    );
    const all = await api()('GET', `/surveys/${npsId}/responses.csv`);
    expect(all.text.trimEnd().split('\r\n')).toHaveLength(1 + NPS.length);
  });

  it("answers another shop's admin 404 for the survey's list, CSV and marking, and changes nothing", async () => {
    const asOther = adminApi(app.url, OTHER);
    const [one] = await all(npsId, 'q=Never');
    expect((await asOther('GET', `/surveys/${npsId}/responses`)).status).toBe(404);
    expect((await asOther('GET', `/surveys/${npsId}/responses.csv`)).status).toBe(404);
    const mark = await asOther('POST', `/surveys/responses/${one!.id}/handled`, { handled: true });
    expect(mark.status).toBe(404);
    expect(mark.text).not.toContain('Never again');
    expect((await app.prisma.surveyResponse.findUniqueOrThrow({ where: { id: one!.id } })).handledAt).toBeNull();
    expect((await api()('GET', '/surveys/nope/responses')).status).toBe(404);
  });

  it('lists an answer given in the storefront (signed app proxy) with its comment and member', async () => {
    const surveyId = await newSurvey('nps');
    const who = members[0]!;
    const answered = await proxyApi(app.url, 'POST', `/surveys/${surveyId}/responses`, who.customerId, {
      answers: { nps: 4 },
      comment: 'Slow checkout',
    });
    expect(answered.status, answered.text).toBe(201);
    const [row, ...rest] = await all(surveyId, 'band=detractor&q=checkout');
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      id: answered.body.response.id,
      score: 4,
      comment: 'Slow checkout',
      memberId: who.id,
      isMember: true,
      tierName,
    });
  });
});
