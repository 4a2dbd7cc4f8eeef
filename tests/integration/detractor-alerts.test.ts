// Detractor alerts (issue 21, "Acting on it"): with the email setting detractorAlertsTo, a detractor's survey answer
// (through the signed app proxy, as the widget sends it) emails the merchant once — score, the comment escaped, the
// member's tier, lifetime points and net sales, and a link to the survey's Feedback page — through a real SMTP server
// in this process. A promoter's answer, a second detractor answer in the period, or the setting off sends nothing; an
// SMTP failure is retried by the dispatcher; a bad address is refused. Runs on PGlite and PostgreSQL (TEST_DATABASE_URL).
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { credit, newCustomerGid } from './jobs/support.js';

const { inbox, deferrals, url: smtpUrl } = await useTestSmtp();
const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>', TALLY_WORKER: 'false' }, checkLedger: true });

const KEY = 'survey_detractor_alert';
const settle = () => app.jobs.events!.settle();
const admin = (method: string, path: string, body?: unknown) => adminApi(app.url, method, path, body, DEV_SHOP);
const answer = (surveyId: string, customerId: string, nps: number, comment?: string) =>
  proxyApi(app.url, 'POST', `/surveys/${surveyId}/responses`, customerId, { answers: { nps }, comment });
const alertsTo = (address: string) => inbox.filter((m) => m.to.includes(address) && m.headers['x-tally-email'] === KEY);

async function setAlerts(address: string | null) {
  const current = (await admin('GET', '/emails/settings')).body.settings;
  const res = await admin('PUT', '/emails/settings', { senderName: current.senderName ?? 'Tally Demo', detractorAlertsTo: address });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.settings.detractorAlertsTo).toBe(address);
}

async function newSurvey(name: string) {
  const res = await admin('POST', '/surveys', { type: 'nps', name, trigger: { kind: 'manual' }, pointsForAnswer: 0 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.survey as { id: string };
}

/** A member named Jane Doe in a tier, with 1,234 lifetime points and two sales (one cancelled, not counted). */
async function member(email: string) {
  const tier = await app.prisma.tier.create({ data: { shop: DEV_SHOP, name: 'Gold <VIP>', threshold: 999_999_999n } });
  const m = await app.prisma.member.create({
    data: { shop: DEV_SHOP, customerId: newCustomerGid(), firstName: 'Jane', lastName: 'Doe', email, tierId: tier.id },
  });
  await credit(app, m.id, 1234, new Date());
  const order = (n: number, netSalesMinor: bigint, cancelledAt: Date | null = null) => ({
    shop: DEV_SHOP,
    orderId: `gid://shopify/Order/${Date.now()}${n}${Math.floor(Math.random() * 1e6)}`,
    memberId: m.id,
    name: `#${n}`,
    currencyCode: 'USD',
    totalMinor: netSalesMinor,
    netSalesMinor,
    cancelledAt,
    processedAt: new Date(),
    sourceUpdatedAt: new Date(),
  });
  await app.prisma.order.createMany({ data: [order(1, 4500n), order(2, 1999n), order(3, 10_000n, new Date())] });
  return m;
}

describe('detractor alerts to the merchant', () => {
  it('emails one alert per detractor event: score, escaped comment, tier, points, net sales and the Feedback link', async () => {
    const to = 'owner-on@merchant.test';
    await setAlerts(to);
    const survey = await newSurvey('Post-purchase NPS');
    const jane = await member('jane@example.com');
    const shopName = (await app.prisma.shop.findUniqueOrThrow({ where: { domain: DEV_SHOP } })).name;

    expect((await answer(survey.id, jane.customerId, 3, '<b>Slow</b> & "late"')).status).toBe(201);
    await settle();
    const mails = alertsTo(to);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe('Detractor on Post-purchase NPS: 3/10 from Jane Doe');
    const event = await app.prisma.event.findFirstOrThrow({ where: { shop: DEV_SHOP, type: 'survey.detractor', memberId: jane.id } });
    expect(mail!.headers['message-id']).toBe(`<survey-detractor-${event.id}@tally>`);
    expect(mail!.headers.from).toContain('loyalty@tally.test');
    expect(mail!.text).toContain('Score: 3/10');
    expect(mail!.text).toContain('Comment: <b>Slow</b> & "late"');
    expect(mail!.text).toContain('Tier: Gold <VIP>');
    expect(mail!.text).toContain('Lifetime points: 1,234');
    expect(mail!.text).toContain('Net sales: $64.99');
    expect(mail!.html).toContain('&lt;b&gt;Slow&lt;/b&gt; &amp; &quot;late&quot;');
    expect(mail!.html).not.toContain('<b>Slow');
    expect(mail!.html).toContain('Gold &lt;VIP&gt;');
    const link = `${app.url}/feedback/${survey.id}?shop=${encodeURIComponent(DEV_SHOP)}`;
    expect(mail!.text).toContain(link);
    expect(mail!.html).toContain(`href="${link}"`);
    expect(mail!.html).toContain(shopName.replace(/&/g, '&amp;'));

    // A second detractor answer in the period replaces the first; no second alert.
    expect((await answer(survey.id, jane.customerId, 1, 'Still slow')).status).toBe(200);
    await settle();
    expect(alertsTo(to)).toHaveLength(1);

    // A promoter's answer: none.
    const happy = await member('happy@example.com');
    expect((await answer(survey.id, happy.customerId, 9, 'Great')).status).toBe(201);
    await settle();
    expect(alertsTo(to)).toHaveLength(1);
  });

  it('retries when the SMTP server defers, and then sends exactly one', async () => {
    const to = 'owner-busy@merchant.test';
    await setAlerts(to);
    const survey = await newSurvey('Retry NPS');
    const jane = await member('jane-retry@example.com');
    deferrals.set(to, 1);
    expect((await answer(survey.id, jane.customerId, 0, 'Never again')).status).toBe(201);
    await settle();
    expect(alertsTo(to)).toHaveLength(0);
    const event = await app.prisma.event.findFirstOrThrow({ where: { shop: DEV_SHOP, type: 'survey.detractor', memberId: jane.id } });
    const delivery = await app.prisma.eventDelivery.findFirstOrThrow({
      where: { eventId: event.id, subscriber: 'survey.detractor/alert-merchant' },
    });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery.lastError).toContain('451');

    await app.prisma.eventDelivery.update({ where: { id: delivery.id }, data: { nextAttemptAt: new Date() } });
    await settle();
    expect(alertsTo(to)).toHaveLength(1);
    expect(alertsTo(to)[0]!.subject).toBe('Detractor on Retry NPS: 0/10 from Jane Doe');
    await settle();
    expect(alertsTo(to)).toHaveLength(1);
    expect(await app.prisma.eventDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('sends nothing with the setting off', async () => {
    await setAlerts(null);
    const before = inbox.filter((m) => m.headers['x-tally-email'] === KEY).length;
    const survey = await newSurvey('Off NPS');
    const jane = await member('jane-off@example.com');
    expect((await answer(survey.id, jane.customerId, 2, 'Meh')).status).toBe(201);
    await settle();
    expect(await app.prisma.event.count({ where: { shop: DEV_SHOP, type: 'survey.detractor', memberId: jane.id } })).toBe(1);
    expect(inbox.filter((m) => m.headers['x-tally-email'] === KEY)).toHaveLength(before);
  });

  it('refuses a bad address with a 400 naming the field, and saves nothing', async () => {
    await setAlerts('owner-kept@merchant.test');
    const res = await admin('PUT', '/emails/settings', { detractorAlertsTo: 'not an address' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('detractorAlertsTo');
    expect((await admin('GET', '/emails/settings')).body.settings.detractorAlertsTo).toBe('owner-kept@merchant.test');
  });
});
