// Surveys (issue 21): who is asked when, and the survey_invite email. order_released asks once per period; a manual
// send asks exactly a segment's members; the email reaches a real SMTP server with its signed score links; a link
// records the score in one click (a GET alone records nothing), pays points once, and the comment page saves the
// "why"; a tampered link changes nothing; the every_months and after_fulfilment jobs pick exactly the members chosen
// by hand at a fixed `now`. Runs on PGlite and on PostgreSQL (TEST_DATABASE_URL).
import { describe, expect, it } from 'vitest';
import { customerPayload } from '../../dev/payloads.js';
import { DEV_SHOP } from '../../web/config.js';
import { sendDueEmails } from '../../web/email/sender.js';
import { releaseDuePoints } from '../../web/jobs/release-pending-points.js';
import { surveyInvites } from '../../web/jobs/survey-invites.js';
import { useTestApp } from '../helpers/app.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { adminApi } from '../helpers/requests.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { delivery, send } from '../helpers/webhooks.js';

const { mailTo, arrived, url: smtpUrl } = await useTestSmtp();
const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>' }, checkLedger: true });

const DAY = 86_400_000;
const settle = () => app.jobs.events!.settle();
const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload), 1);
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
};
const sender = () => ({ pool: app.db.pool, mail: app.mail!, logger: app.logger });

/** A customer who joined through customers/create (a real member, with an email address). */
async function join(prefix: string, locale?: string) {
  const c = newCustomer(prefix);
  await deliver('customers/create', { ...customerPayload(c), ...(locale ? { locale } : {}) });
  await settle();
  const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
  return { ...c, memberId: member.id };
}

/** A survey for the test, archived after it so it asks nobody in the next test. */
async function withSurvey<T>(
  data: { type?: string; trigger: object; channels?: string[]; periodDays?: number; createdAt?: Date; pointsForAnswer?: number },
  fn: (survey: { id: string }) => Promise<T>,
): Promise<T> {
  const survey = await app.prisma.survey.create({
    data: { shop: DEV_SHOP, type: data.type ?? 'nps', name: 'How are we doing', channels: ['email', 'widget'], ...data },
  });
  try {
    return await fn(survey);
  } finally {
    await app.prisma.survey.update({ where: { id: survey.id }, data: { status: 'archived' } });
  }
}

/** Send window open all day and no frequency cap for the test, then put back. */
async function withOpenWindow<T>(fn: () => Promise<T>): Promise<T> {
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
  await app.prisma.program.update({
    where: { shop: DEV_SHOP },
    data: { emailSettings: { sendWindow: { start: '00:00', end: '23:59' }, frequencyCapDays: 0 } },
  });
  try {
    return await fn();
  } finally {
    await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { emailSettings: program.emailSettings ?? {} } });
  }
}

const invitesOf = (surveyId: string, memberId?: string) =>
  app.prisma.surveyInvite.findMany({
    where: { surveyId, ...(memberId ? { memberId } : {}) },
    orderBy: { createdAt: 'asc' },
    select: { memberId: true, period: true, orderId: true, channel: true },
  });

/** The score links of a survey_invite email: score → the link's own URL on this app (out of the click redirect). */
function scoreLinks(html: string): Map<number, string> {
  const links = new Map<number, string>();
  for (const [, href, label] of html.matchAll(/<a href="([^"]+)"[^>]*>\s*(\d+)\s*<\/a>/g)) {
    const click = new URL(href!.replace(/&amp;/g, '&'));
    const target = new URL(click.searchParams.get('u') ?? click.toString());
    links.set(Number(label), `${app.url}${target.pathname}${target.search}`);
  }
  return links;
}

/** The form a survey page holds, as the browser would post it (checked radios, hidden fields, the comment). */
function formOf(html: string, comment?: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!);
  for (const [, name, value] of html.matchAll(/<input type="radio" name="([^"]+)" value="(\d+)" required checked>/g))
    form.set(name!, value!);
  form.set('comment', comment ?? '');
  return form;
}
const post = (url: string, form: URLSearchParams) =>
  fetch(url, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('order_released', () => {
  it('asks the member once per period: a second order in the period asks nothing more, one in the next period asks again', async () => {
    await withOpenWindow(() =>
      withSurvey({ trigger: { kind: 'order_released' }, periodDays: 30 }, async (survey) => {
        const c = await join('survey-order');
        const paidAndReleased = async (releaseAt: Date) => {
          const o = order({ customer: c, lines: HUNDRED, updatedAt: new Date() });
          await deliver('orders/paid', o.payload);
          await releaseDuePoints(app.prisma, releaseAt, app.programs);
          await settle();
          return o.facts.orderId;
        };
        const first = await paidAndReleased(new Date(Date.now() + 31 * DAY)); // period 1 of 30 days
        await paidAndReleased(new Date(Date.now() + 32 * DAY)); // still period 1
        // (The seed's orders released with them ask their members too: only this member's invites are looked at.)
        expect(await invitesOf(survey.id, c.memberId)).toEqual([{ memberId: c.memberId, period: 1, orderId: first, channel: 'email' }]);
        const mails = await arrived(c.email, 'survey_invite');
        expect(mails).toHaveLength(1);
        expect(mails[0]!.subject).toBe('Tally Demo Store would like your opinion');
        expect(mails[0]!.text).toContain('How likely are you to recommend Tally Demo Store to a friend?');
        expect([...scoreLinks(mails[0]!.html).keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        const third = await paidAndReleased(new Date(Date.now() + 62 * DAY)); // period 2
        expect((await invitesOf(survey.id, c.memberId)).map((i) => [i.period, i.orderId])).toEqual([
          [1, first],
          [2, third],
        ]);
        expect(await arrived(c.email, 'survey_invite', 2)).toHaveLength(2);
      }),
    );
  });
});

describe('manual send, the email and its links', () => {
  it('asks exactly the segment; the email arrives with score links; one click records the score and pays once; the comment saves', async () => {
    await withOpenWindow(() =>
      withSurvey({ trigger: { kind: 'manual' }, pointsForAnswer: 50 }, async (survey) => {
        const [a, b, outside] = [await join('survey-seg-a', 'de'), await join('survey-seg-b'), await join('survey-seg-out')];
        const segment = await app.prisma.segment.create({ data: { shop: DEV_SHOP, handle: `survey-${Date.now()}`, name: 'Asked' } });
        await app.prisma.segmentMember.createMany({
          data: [a, b].map((m) => ({ shop: DEV_SHOP, segmentId: segment.id, memberId: m.memberId })),
        });

        const sent = await adminApi(app.url, 'POST', `/surveys/${survey.id}/send`, { segmentId: segment.id });
        expect(sent.status, JSON.stringify(sent.body)).toBe(202);
        expect(sent.body).toMatchObject({ invited: 2, channel: 'email' });
        const again = await adminApi(app.url, 'POST', `/surveys/${survey.id}/send`, { segmentId: segment.id });
        expect(again.body).toMatchObject({ invited: 0 });
        expect((await invitesOf(survey.id)).map((i) => i.memberId).sort()).toEqual([a.memberId, b.memberId].sort());

        // The job the send enqueued records the emails; here it is run directly, then the send job delivers them.
        const recorded = await surveyInvites({ pool: app.db.pool, mail: app.mail }, { shop: DEV_SHOP, triggers: false });
        expect(recorded).toMatchObject({ queued: 2, suppressed: 0, failures: [] });
        await sendDueEmails(sender());
        expect(mailTo(outside.email, 'survey_invite')).toEqual([]);
        const [mailB] = await arrived(b.email, 'survey_invite');
        const [mailA] = await arrived(a.email, 'survey_invite');
        expect(mailA!.subject).toBe('Tally Demo Store möchte Ihre Meinung wissen');
        expect(mailA!.text).toContain('Wie wahrscheinlich ist es, dass Sie Tally Demo Store einem Freund empfehlen?');
        const links = scoreLinks(mailB!.html);
        expect(links.size).toBe(11);

        // A link scanner's GET records nothing: the page holds the score in a form its script submits.
        const page = await fetch(links.get(9)!);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'; style-src 'sha256-/);
        const html = await page.text();
        expect(html).toContain('<form id="tally-answer" method="post">');
        expect(html).toContain('name="a.nps" value="9" required checked');
        expect(html).toMatch(/<script>document\.getElementById\('tally-answer'\)\.submit\(\);<\/script>/);
        expect(await app.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(0);

        const balance = async () => Number((await app.prisma.member.findUniqueOrThrow({ where: { id: b.memberId } })).pointsAvailable);
        const before = await balance();
        // The script's POST: the score is recorded, 50 points paid, the comment page shows them.
        const answered = await post(links.get(9)!, formOf(html));
        expect(answered.status).toBe(200);
        const commentPage = await answered.text();
        expect(commentPage).toContain('You earned 50 points for answering.');
        expect(commentPage).toContain('name="a.nps" value="9" required checked');
        const response = () => app.prisma.surveyResponse.findFirstOrThrow({ where: { surveyId: survey.id, memberId: b.memberId } });
        expect(await response()).toMatchObject({ answers: { nps: 9 }, channel: 'email', pointsAwarded: 50, comment: null });
        expect(await balance()).toBe(before + 50);
        expect(
          (await app.prisma.surveyInvite.findFirstOrThrow({ where: { surveyId: survey.id, memberId: b.memberId } })).answeredAt,
        ).not.toBeNull();

        // The comment page: a lower score and why. Replaced, not paid again; the comment is escaped on the page.
        const form = formOf(commentPage, 'Shipping <b>slow</b>');
        form.set('a.nps', '6');
        const changed = await post(links.get(9)!, form);
        expect(changed.status).toBe(200);
        const changedPage = await changed.text();
        expect(changedPage).toContain('Your comment is saved.');
        expect(changedPage).toContain('Shipping &lt;b&gt;slow&lt;/b&gt;');
        expect(await response()).toMatchObject({ answers: { nps: 6 }, comment: 'Shipping <b>slow</b>', pointsAwarded: 50 });
        expect(await balance()).toBe(before + 50);
        expect(await app.prisma.pointEntry.count({ where: { memberId: b.memberId, source: 'SURVEY' } })).toBe(1);

        // Tampered links: another score under the 9's signature, another invite, a forged page signature → 400, nothing changes.
        const tampered = new URL(links.get(9)!);
        tampered.searchParams.set('v', '10');
        expect((await fetch(tampered)).status).toBe(400);
        const otherInvite = new URL(links.get(9)!);
        const inviteOfA = await app.prisma.surveyInvite.findFirstOrThrow({ where: { surveyId: survey.id, memberId: a.memberId } });
        otherInvite.searchParams.set('i', inviteOfA.id);
        expect((await fetch(otherInvite)).status).toBe(400);
        const forged = formOf(commentPage);
        forged.set('i', inviteOfA.id);
        forged.set('a.nps', '0');
        const refused = await post(links.get(9)!, forged);
        expect(refused.status).toBe(400);
        expect(await refused.text()).toContain('This survey link is not valid.');
        expect(await app.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
        expect(await response()).toMatchObject({ answers: { nps: 6 } });

        // An expired link (the invite's period is over): 410, nothing recorded.
        const created = (await app.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).createdAt;
        await app.prisma.survey.update({ where: { id: survey.id }, data: { createdAt: new Date(created.getTime() - 90 * DAY) } });
        const expired = await fetch(scoreLinks(mailA!.html).get(3)!);
        expect(expired.status).toBe(410);
        await app.prisma.survey.update({ where: { id: survey.id }, data: { createdAt: created } });
        // A closed survey: the link answers 410 and records nothing.
        await app.prisma.survey.update({ where: { id: survey.id }, data: { status: 'paused' } });
        const linkOfA = scoreLinks(mailA!.html).get(3)!;
        const closed = await fetch(linkOfA);
        expect(closed.status).toBe(410);
        expect(await closed.text()).toContain('Diese Umfrage ist beendet');
        expect(await app.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(1);
      }),
    );
  });
});

describe('scheduled triggers (fixed now)', () => {
  const now = new Date('2031-06-15T12:00:00Z');
  /** A member with orders paid (and processed) `daysAgo` days before `now`. */
  async function memberWithOrders(prefix: string, ...daysAgo: number[]) {
    const c = newCustomer(prefix);
    const member = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email, firstName: 'Test' } });
    for (const [n, days] of daysAgo.entries()) {
      const at = new Date(now.getTime() - days * DAY);
      await app.prisma.order.create({
        data: {
          shop: DEV_SHOP,
          orderId: `gid://shopify/Order/${c.id.split('/').pop()}${n}`,
          memberId: member.id,
          name: `#${n}`,
          currencyCode: 'USD',
          totalMinor: 1000n,
          processedAt: at,
          paidAt: at,
          sourceUpdatedAt: at,
        },
      });
    }
    return member.id;
  }

  it('every_months: active members (an order in 365 days) not asked in the last N months', async () => {
    const recent = await memberWithOrders('months-recent', 20);
    const yearAgo = await memberWithOrders('months-lapsed', 400);
    const noOrders = await memberWithOrders('months-none');
    const askedLately = await memberWithOrders('months-asked', 50);
    const askedLongAgo = await memberWithOrders('months-asked-old', 100);
    await withSurvey(
      { trigger: { kind: 'every_months', months: 3 }, channels: ['widget'], createdAt: new Date(now.getTime() - 400 * DAY) },
      async (survey) => {
        const old = (days: number) => new Date(now.getTime() - days * DAY);
        await app.prisma.surveyInvite.createMany({
          data: [
            { shop: DEV_SHOP, surveyId: survey.id, memberId: askedLately, period: 3, channel: 'widget', createdAt: old(60) },
            { shop: DEV_SHOP, surveyId: survey.id, memberId: askedLongAgo, period: 3, channel: 'widget', createdAt: old(100) },
          ],
        });
        const run = () => surveyInvites({ pool: app.db.pool, mail: app.mail }, { shop: DEV_SHOP, now });
        const result = await run();
        expect(result.failures).toEqual([]);
        const asked = (await app.prisma.surveyInvite.findMany({ where: { surveyId: survey.id, createdAt: now } })).map((i) => i.memberId);
        expect(asked.sort()).toEqual([recent, askedLongAgo].sort());
        expect([yearAgo, noOrders, askedLately].some((m) => asked.includes(m))).toBe(false);
        expect((await run()).invited).toBe(0); // the same hour again: nobody twice
      },
    );
  });

  it('after_fulfilment: members whose order was paid N days ago (Tally records no fulfilment date)', async () => {
    const due = await memberWithOrders('fulfil-due', 10);
    const dueLate = await memberWithOrders('fulfil-late', 12); // within the 3-day grace: a job that was down catches up
    const tooSoon = await memberWithOrders('fulfil-soon', 9);
    const tooOld = await memberWithOrders('fulfil-old', 14);
    await withSurvey(
      { trigger: { kind: 'after_fulfilment', days: 10 }, channels: ['widget'], createdAt: new Date(now.getTime() - 30 * DAY) },
      async (survey) => {
        const result = await surveyInvites({ pool: app.db.pool, mail: app.mail }, { shop: DEV_SHOP, now });
        expect(result.failures).toEqual([]);
        const invites = await app.prisma.surveyInvite.findMany({ where: { surveyId: survey.id } });
        expect(invites.map((i) => i.memberId).sort()).toEqual([due, dueLate].sort());
        expect(invites.every((i) => i.orderId !== null && i.channel === 'widget')).toBe(true);
        expect([tooSoon, tooOld].some((m) => invites.some((i) => i.memberId === m))).toBe(false);
      },
    );
  });
});

describe('the Emails page', () => {
  it('lists survey_invite (a reminder, on) and previews it with its row of score buttons', async () => {
    const list = await adminApi(app.url, 'GET', '/emails');
    expect(list.body.messages.find((m: { key: string }) => m.key === 'survey_invite')).toMatchObject({
      enabled: true,
      category: 'reminder',
    });
    const preview = await adminApi(app.url, 'POST', '/emails/survey_invite/preview', { locale: 'pl' });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.subject).toBe('Tally Demo Store prosi o Twoją opinię');
    expect([...(preview.body.html as string).matchAll(/<a href="[^"]+"[^>]*>\s*(\d+)\s*<\/a>/g)].map((m) => Number(m[1]))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(preview.body.html).toContain('Odpowiedz i otrzymaj <strong>50 pkt</strong>.');
  });
});
