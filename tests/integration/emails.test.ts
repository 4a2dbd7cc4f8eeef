// Shopper emails through the real paths, to a real SMTP server in this process
// (smtp-server + mailparser; no mocked transport): signed webhooks and admin
// calls make the events, the dispatcher delivers them to the email
// subscribers, nodemailer hands the messages over SMTP. Runs on PGlite and on
// PostgreSQL (TEST_DATABASE_URL).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { customerPayload } from '../../dev/payloads.js';
import { DEV_SHOP } from '../../web/config.js';
import { sendDueEmails } from '../../web/email/sender.js';
import { suppression } from '../../web/email/sends.js';
import { useTestApp } from '../helpers/app.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { newCustomer, order } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { delivery, send } from '../helpers/webhooks.js';

const { deferrals, mailTo, arrived, url: smtpUrl } = await useTestSmtp();

const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>' }, checkLedger: true });

const settle = () => app.jobs.events!.settle();
const deliver = async (topic: string, payload: unknown, times = 1) => {
  const results = await send(app.url, delivery(topic, payload), times);
  for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(200);
};
/** A new customer (and member) through customers/create, with the member's id. */
async function join(prefix: string, extra: Record<string, unknown> = {}) {
  const c = newCustomer(prefix);
  await deliver('customers/create', { ...customerPayload(c), ...extra });
  await settle();
  const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
  return { ...c, memberId: member.id };
}
const log = async (memberId: string) => {
  const res = await adminApi(app.url, 'GET', `/emails/log?memberId=${memberId}`);
  expect(res.status).toBe(200);
  return res.body.sent as Array<{ key: string; to: string; status: string; sentAt: string | null; reason: string | null }>;
};
const sender = () => ({ pool: app.db.pool, mail: app.mail!, logger: app.logger });
/** Delivers the subscriber's event deliveries for the member again, as an at-least-once dispatcher may. */
async function redeliver(memberId: string, subscriber: string) {
  const again = await app.prisma.eventDelivery.updateMany({
    where: { memberId, subscriber },
    data: { status: 'pending', nextAttemptAt: new Date(), doneAt: null },
  });
  expect(again.count).toBeGreaterThan(0);
  await settle();
}

describe('tier_up', () => {
  it("sends exactly one tier_up email, in the member's language, when an order's release lifts Bronze to Silver, however often things are delivered", async () => {
    const c = await join('tier-fr', { locale: 'fr' });
    expect(mailTo(c.email, 'welcome').map((m) => m.subject)).toEqual(['Bienvenue dans le programme de fidélité de Tally Demo Store']);

    const o = order({ customer: c, lines: [{ title: 'Gift box', priceMinor: 60_000, quantity: 1 }] });
    await deliver('orders/paid', o.payload, 3); // Shopify's webhook, delivered three times
    const released = await adminApi(app.url, 'POST', '/orders/release', { orderId: o.facts.orderId });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    await settle();
    // The dispatcher delivers the tier.changed event to the email subscriber twice more.
    await redeliver(c.memberId, 'tier.changed/send-email');
    await redeliver(c.memberId, 'tier.changed/send-email');

    const tierUp = await arrived(c.email, 'tier_up');
    expect(tierUp).toHaveLength(1);
    expect(tierUp[0]!.subject).toBe('Vous avez atteint le niveau Silver chez Tally Demo Store');
    expect(tierUp[0]!.text).toContain('Vous êtes désormais membre Silver');
    expect(tierUp[0]!.html).toContain('<strong>Silver</strong>');
    expect(tierUp[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(tierUp[0]!.headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/proxy\/email\/unsubscribe\?s=.+&sig=[\w-]+>$/);
    expect(tierUp[0]!.headers.from).toBe('Tally Demo Store <loyalty@tally.test>');

    const sent = await log(c.memberId);
    expect(sent.filter((s) => s.key === 'tier_up')).toEqual([
      expect.objectContaining({ key: 'tier_up', to: c.email, status: 'sent', sentAt: expect.any(String) }),
    ]);
    expect(await app.prisma.emailSend.count({ where: { memberId: c.memberId, key: 'tier_up' } })).toBe(1);
  });

  it('sends one tier_up (and the adjustment with its note) when an admin adjustment lifts the member', async () => {
    const c = await join('tier-admin', { locale: 'de-AT' });
    const res = await adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, {
      points: 500,
      reason: 'Thank you for your patience',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await settle();
    await redeliver(c.memberId, 'tier.changed/send-email');
    await redeliver(c.memberId, 'points.adjusted/send-email');
    expect((await arrived(c.email, 'tier_up')).map((m) => m.subject)).toEqual(['Sie haben Silver bei Tally Demo Store erreicht']);
    const adjusted = await arrived(c.email, 'points_adjusted');
    expect(adjusted).toHaveLength(1);
    expect(adjusted[0]!.text).toContain('Thank you for your patience');
  });

  it('sends a welcome once when customers/create is delivered three times', async () => {
    const c = newCustomer('welcome-thrice');
    await deliver('customers/create', customerPayload(c), 3);
    await settle();
    expect(mailTo(c.email, 'welcome').map((m) => m.subject)).toEqual(['Welcome to Tally Demo Store rewards']);
  });
});

describe('reward_issued', () => {
  it("sends the reward's code with its apply link once the code is ready in Shopify", async () => {
    const c = await join('reward', { locale: 'es' });
    await adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, { points: 600, reason: 'Welcome gift' });
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const redeemed = await proxyApi(app.url, 'POST', '/redemptions', c.id, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(redeemed.status, redeemed.text).toBe(201);
    const code = redeemed.body.redemption.code as string;
    await settle();
    await redeliver(c.memberId, 'reward.issued/send-email');
    const mails = mailTo(c.email, 'reward_issued');
    expect(mails.map((m) => m.subject)).toEqual(['Tu 5 off for 500 points de Tally Demo Store']);
    expect(mails[0]!.text).toContain(code);
    // The apply link goes through the signed click redirect (web/email/clicks.ts) to the shop's discount URL.
    const apply = /href="([^"]*\/proxy\/email\/click\?[^"]*)"/.exec(mails[0]!.html)![1]!.replaceAll('&amp;', '&');
    expect(new URL(apply).searchParams.get('u')).toBe(`https://${DEV_SHOP}/discount/${code}`);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it('stops the next message of that category: POST without any Shopify signature answers 2xx; GET only shows a page', async () => {
    const c = await join('unsub');
    const [welcome] = mailTo(c.email, 'welcome');
    const link = /^<(.+)>$/.exec(welcome!.headers['list-unsubscribe']!)![1]!;
    const target = new URL(link);
    const local = `${app.url}${target.pathname}${target.search}`;

    // A link scanner's GET changes nothing.
    const page = await fetch(local);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await app.prisma.emailUnsubscribe.count({ where: { memberId: c.memberId } })).toBe(0);

    // A forged or altered link does nothing.
    const forged = new URL(local);
    forged.searchParams.set('c', 'marketing');
    const refused = await fetch(forged, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.status).toBe(404);

    // The mail client's one-click POST.
    const res = await fetch(local, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(await app.prisma.emailUnsubscribe.findMany({ where: { memberId: c.memberId }, select: { category: true } })).toEqual([
      { category: 'account' },
    ]);

    const adjusted = await adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, { points: 10, reason: 'A small thank-you' });
    expect(adjusted.status).toBe(201);
    await settle();
    expect(mailTo(c.email, 'points_adjusted')).toEqual([]);
    expect((await log(c.memberId)).find((s) => s.key === 'points_adjusted')).toMatchObject({
      status: 'suppressed',
      reason: 'unsubscribed from account emails',
      sentAt: null,
    });
  });
});

describe('consent', () => {
  it("keeps the member's Shopify email marketing state and language current from customers/create and customers/update", async () => {
    const c = await join('consent', { locale: 'pl' });
    const member = () => app.prisma.member.findUniqueOrThrow({ where: { id: c.memberId } });
    expect(await member()).toMatchObject({ emailMarketingState: 'NOT_SUBSCRIBED', locale: 'pl' });
    await deliver('customers/update', { ...customerPayload({ ...c, marketing: true }), locale: 'es' });
    expect(await member()).toMatchObject({ emailMarketingState: 'SUBSCRIBED', locale: 'es' });
    // Marketing messages go only to SUBSCRIBED (the rule every send goes through; no marketing message exists in this slice yet).
    const facts = { ...(await member()), tierName: null, unsubscribed: false, pointsAvailable: 0, pointsPending: 0 };
    expect(suppression(facts, 'marketing')).toBeNull();
    await deliver('customers/update', { ...customerPayload({ ...c, marketing: false }) });
    expect(suppression({ ...facts, ...(await member()) }, 'marketing')).toBe('not subscribed to email marketing in Shopify');
    expect(suppression({ ...facts, ...(await member()) }, 'account')).toBeNull();
  });

  it('sends nothing to a redacted customer', async () => {
    const c = await join('redacted');
    await app.prisma.member.update({ where: { id: c.memberId }, data: { redactedAt: new Date() } });
    await adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, { points: 10, reason: 'After redaction' });
    await settle();
    expect(mailTo(c.email, 'points_adjusted')).toEqual([]);
    expect((await log(c.memberId)).find((s) => s.key === 'points_adjusted')).toMatchObject({
      status: 'suppressed',
      reason: 'customer data redacted',
      to: '',
    });
  });
});

describe('SMTP answers', () => {
  it('marks the address undeliverable on a 5xx bounce and sends it nothing more until the address changes', async () => {
    const c = newCustomer('x');
    const bouncing = { ...c, email: `bounce.${c.email}` };
    await deliver('customers/create', customerPayload(bouncing));
    await settle();
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
    expect(member.emailUndeliverableAt).toBeInstanceOf(Date);
    expect((await log(member.id)).find((s) => s.key === 'welcome')).toMatchObject({
      status: 'bounced',
      reason: expect.stringContaining('550'),
    });

    await adminApi(app.url, 'POST', `/members/${member.id}/adjustments`, { points: 10, reason: 'Bounced already' });
    await settle();
    expect((await log(member.id)).find((s) => s.key === 'points_adjusted')).toMatchObject({
      status: 'suppressed',
      reason: 'address undeliverable (bounced)',
    });
    // A new address clears it.
    await deliver('customers/update', customerPayload(c));
    expect((await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).emailUndeliverableAt).toBeNull();
  });

  it('retries a 4xx later, with backoff, and sends the message once', async () => {
    const c = newCustomer('deferred');
    deferrals.set(c.email, 1);
    await deliver('customers/create', customerPayload(c));
    await settle();
    const [row] = await app.prisma.emailSend.findMany({ where: { to: c.email, key: 'welcome' } });
    expect(row).toMatchObject({ status: 'queued', attempts: 1, reason: expect.stringContaining('451') });
    expect(row!.notBefore.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(mailTo(c.email)).toEqual([]);

    // Not due yet: the send job leaves it.
    await sendDueEmails(sender());
    expect((await app.prisma.emailSend.findUniqueOrThrow({ where: { id: row!.id } })).status).toBe('queued');
    // Once due, it goes.
    await sendDueEmails(sender(), { now: new Date(row!.notBefore.getTime() + 1000) });
    expect(await app.prisma.emailSend.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mailTo(c.email, 'welcome')).toHaveLength(1);
  });

  it('settles a row a stopped worker left mid-send as failed (outcome unknown) and never sends it again', async () => {
    const c = await join('stuck');
    const row = await app.prisma.emailSend.findFirstOrThrow({ where: { memberId: c.memberId, key: 'welcome' } });
    await app.prisma.emailSend.update({ where: { id: row.id }, data: { status: 'sending', notBefore: new Date(Date.now() - 1000) } });
    const result = await sendDueEmails(sender());
    expect(result.reconciled).toBeGreaterThanOrEqual(1);
    expect(await app.prisma.emailSend.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('outcome unknown'),
    });
    expect(mailTo(c.email, 'welcome')).toHaveLength(1);
  });
});

describe('admin API and templates', () => {
  it('lists the messages, switches one off (nothing recorded then) and on again', async () => {
    const list = await adminApi(app.url, 'GET', '/emails');
    expect(list.status).toBe(200);
    expect(list.body.messages.map((m: { key: string; enabled: boolean; category: string }) => [m.key, m.enabled, m.category])).toEqual([
      ['welcome', true, 'account'],
      ['points_earned', true, 'account'],
      ['points_available', true, 'account'],
      ['reward_unlocked', true, 'reminder'],
      ['reward_issued', true, 'account'],
      ['reward_expiring', true, 'reminder'],
      ['points_expiring', true, 'reminder'],
      ['tier_up', true, 'account'],
      ['tier_down', true, 'account'],
      ['tier_at_risk', true, 'reminder'],
      ['birthday', true, 'reminder'],
      ['anniversary', true, 'reminder'],
      ['referral_completed', true, 'account'],
      ['monthly_statement', false, 'reminder'],
      ['win_back', false, 'marketing'],
      ['abandoned_checkout', false, 'marketing'],
      ['points_adjusted', true, 'account'],
      ['survey_invite', true, 'reminder'],
    ]);
    expect((await adminApi(app.url, 'PUT', '/emails/welcome', { enabled: false })).status).toBe(200);
    const off = await join('switched-off');
    expect(await app.prisma.emailSend.count({ where: { memberId: off.memberId } })).toBe(0);
    expect((await adminApi(app.url, 'PUT', '/emails/welcome', { enabled: true })).status).toBe(200);
    expect((await adminApi(app.url, 'PUT', '/emails/no_such_email', { enabled: true })).status).toBe(404);
  });

  it('refuses a template that does not parse, naming its line; a broken stored template fails its own message only', async () => {
    const refused = await adminApi(app.url, 'PUT', '/emails/welcome', {
      templates: { fr: { subject: 'Bienvenue', body: '<p>Bonjour</p>\n{% if member.points > 0 %}\n<p>…</p>' } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/^Template error in the body \(fr\), line 2: tag \{% if member\.points > 0 %\} not closed/);

    // A template that parses but fails while rendering (it runs past the render limit), stored for French only.
    const broken = { subject: 'Bienvenue', body: '<p>Bonjour</p>\n{% for i in (1..100000000) %}{{ i }}{% endfor %}' };
    const saved = await adminApi(app.url, 'PUT', '/emails/welcome', { templates: { fr: broken } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    try {
      const fr = await join('broken-fr', { locale: 'fr' });
      const en = await join('fine-en', { locale: 'en' });
      expect((await log(fr.memberId)).find((s) => s.key === 'welcome')).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(/^Template error in the body \(fr\), line 2: /),
      });
      expect(mailTo(en.email, 'welcome')).toHaveLength(1);
    } finally {
      expect((await adminApi(app.url, 'PUT', '/emails/welcome', { templates: { fr: null } })).status).toBe(200);
    }
  });
});
