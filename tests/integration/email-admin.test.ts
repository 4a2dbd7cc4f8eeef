// The Emails page's API and the effect of emails, through real HTTP and a real
// SMTP server in this process (smtp-server + mailparser): preview (sample or a
// real member, a draft with a Liquid error answered with its line), test send,
// settings, the signed click redirect (records the click; never an open
// redirect) and per-message stats computed by hand from a fixture. Runs on
// PGlite and on PostgreSQL (TEST_DATABASE_URL).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { customerPayload } from '../../dev/payloads.js';
import { DEV_SHOP } from '../../web/config.js';
import { useTestApp } from '../helpers/app.js';
import { useTestSmtp } from '../helpers/smtp.js';
import { newCustomer } from '../helpers/orders.js';
import { adminApi } from '../helpers/requests.js';
import { delivery, send } from '../helpers/webhooks.js';

const { inbox, url: smtpUrl } = await useTestSmtp();

const app = useTestApp({ env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Tally <loyalty@tally.test>' } });
const settle = () => app.jobs.events!.settle();

async function join(prefix: string, extra: Record<string, unknown> = {}) {
  const c = newCustomer(prefix);
  const [res] = await send(app.url, delivery('customers/create', { ...customerPayload(c), ...extra }));
  expect(res!.status).toBe(200);
  await settle();
  const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
  return { ...c, memberId: member.id };
}

describe('preview', () => {
  it('renders the saved template with a sample member, in the language asked for', async () => {
    const res = await adminApi(app.url, 'POST', '/emails/tier_up/preview', { locale: 'fr' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.subject).toBe('Vous avez atteint le niveau Gold chez Tally Demo Store');
    expect(res.body.html).toContain('<strong>Gold</strong>');
    expect(res.body.html).toContain('Félicitations Alex');
    expect(res.body.text).toContain('Vous êtes désormais membre Gold');
  });

  it("renders a draft with a real member's data, and answers a Liquid error with its part and line", async () => {
    const c = await join('preview-real', { first_name: 'Zofia' });
    await adminApi(app.url, 'POST', `/members/${c.memberId}/adjustments`, { points: 42, reason: 'preview' });
    await settle();
    const { pointsAvailable } = await app.prisma.member.findUniqueOrThrow({ where: { id: c.memberId } });
    expect(Number(pointsAvailable)).toBeGreaterThan(42); // the signup bonus and the adjustment
    const draft = { subject: 'Hi {{ member.first_name }}', body: '<p>You have {{ member.points }} points</p>' };
    const res = await adminApi(app.url, 'POST', '/emails/welcome/preview', { locale: 'en', memberId: c.memberId, ...draft });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.subject).toBe('Hi Zofia');
    expect(res.body.text).toContain(`You have ${Number(pointsAvailable)} points`);

    const broken = await adminApi(app.url, 'POST', '/emails/welcome/preview', {
      locale: 'pl',
      body: '<p>Hello</p>\n<p>{{ member.points | no_such_filter }}</p>',
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error.message).toMatch(/body \(pl\), line 2: .*no_such_filter/);
    expect(broken.body.error.fields).toHaveProperty(['templates.pl.body']);

    const missing = await adminApi(app.url, 'POST', '/emails/welcome/preview', { locale: 'en', memberId: 'nobody' });
    expect(missing.status).toBe(404);
  });
});

describe('test send', () => {
  it('sends the rendered draft over SMTP to the address typed, marked as a test, recording no send', async () => {
    const to = `test-${randomUUID().slice(0, 8)}@merchant.test`;
    const res = await adminApi(app.url, 'POST', '/emails/tier_up/test', { to, locale: 'de' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const mail = inbox.filter((m) => m.to.includes(to));
    expect(mail.map((m) => m.subject)).toEqual(['[Test] Sie haben Gold bei Tally Demo Store erreicht']);
    expect(mail[0]!.headers['x-tally-test']).toBe('1');
    expect(mail[0]!.html).toContain('<strong>Gold</strong>');
    expect(await app.prisma.emailSend.count({ where: { to } })).toBe(0);

    expect((await adminApi(app.url, 'POST', '/emails/tier_up/test', { to: 'not-an-address', locale: 'de' })).status).toBe(400);
  });
});

describe('settings', () => {
  it('saves the sender name, reply-to and postal address, refuses a bad reply-to, and the next email uses them', async () => {
    const bad = await adminApi(app.url, 'PUT', '/emails/settings', { replyTo: 'nope' });
    expect(bad.status).toBe(400);
    const saved = await adminApi(app.url, 'PUT', '/emails/settings', {
      senderName: 'Demo Rewards',
      replyTo: 'help@demo.test',
      postalAddress: '1 Main St, Springfield',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const got = await adminApi(app.url, 'GET', '/emails/settings');
    expect(got.body.settings).toMatchObject({
      senderName: 'Demo Rewards',
      replyTo: 'help@demo.test',
      postalAddress: '1 Main St, Springfield',
    });
    const to = `settings-${randomUUID().slice(0, 8)}@merchant.test`;
    expect((await adminApi(app.url, 'POST', '/emails/welcome/test', { to, locale: 'en' })).status).toBe(202);
    const mail = inbox.find((m) => m.to.includes(to))!;
    expect(mail.headers.from).toBe('Demo Rewards <loyalty@tally.test>');
    expect(mail.headers['reply-to']).toBe('help@demo.test');
    expect(mail.text).toContain('1 Main St, Springfield');
    await adminApi(app.url, 'PUT', '/emails/settings', {});
  });
});

describe('click redirect', () => {
  it('records the click and redirects to the signed URL; refuses altered links and foreign URLs', async () => {
    const target = 'https://example.org/shoes?size=42&colour=red';
    const edited = await adminApi(app.url, 'PUT', '/emails/welcome', {
      templates: {
        en: { subject: 'Welcome {{ member.first_name }}', body: `<p><a href="${target.replace('&', '&amp;')}">Shop shoes</a></p>` },
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    try {
      const c = await join('click');
      const mail = inbox.find((m) => m.to.includes(c.email) && m.headers['x-tally-email'] === 'welcome')!;
      const href = /href="([^"]*\/proxy\/email\/click\?[^"]*)"/.exec(mail.html)![1]!.replaceAll('&amp;', '&');
      expect(mail.html).not.toContain('href="https://example.org');
      const link = new URL(href);
      expect(link.searchParams.get('u')).toBe(target);
      const local = `${app.url}${link.pathname}${link.search}`;

      // Altered: another URL under the same signature, a foreign URL, a signature of another send.
      for (const tamper of [
        (u: URL) => u.searchParams.set('u', 'https://evil.example/phish'),
        (u: URL) =>
          u.searchParams.set(
            'sig',
            u.searchParams.get('sig')!.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')),
          ),
        (u: URL) => u.searchParams.set('e', randomUUID()),
      ]) {
        const bad = new URL(local);
        tamper(bad);
        const res = await fetch(bad, { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
      }
      // Unsigned, to the shop's own domain: redirected, not recorded.
      const own = await fetch(`${app.url}/proxy/email/click?u=${encodeURIComponent(`https://${DEV_SHOP}/products/mug`)}`, {
        redirect: 'manual',
      });
      expect(own.status).toBe(302);
      expect(own.headers.get('location')).toBe(`https://${DEV_SHOP}/products/mug`);
      const send = await app.prisma.emailSend.findFirstOrThrow({ where: { memberId: c.memberId, key: 'welcome' } });
      expect(send.clickedAt).toBeNull();
      expect(await app.prisma.emailClick.count({ where: { sendId: send.id } })).toBe(0);

      const res = await fetch(local, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(target);
      await fetch(local, { redirect: 'manual' });
      const clicked = await app.prisma.emailSend.findUniqueOrThrow({ where: { id: send.id }, include: { clicks: true } });
      expect(clicked.clickedAt).not.toBeNull();
      expect(clicked.clicks.map((k) => k.url)).toEqual([target, target]);
    } finally {
      await adminApi(app.url, 'PUT', '/emails/welcome', { templates: { en: null } });
    }
  });
});

describe('member email log', () => {
  it('lists what Tally sent the member and since when the address is undeliverable after a hard bounce', async () => {
    const ok = await join('logged');
    const okLog = await adminApi(app.url, 'GET', `/emails/log?memberId=${ok.memberId}`);
    expect(okLog.body.undeliverableAt).toBeNull();
    expect(okLog.body.sent).toEqual([expect.objectContaining({ key: 'welcome', to: ok.email, status: 'sent', clickedAt: null })]);

    const c = await join('bounce-log');
    const res = await adminApi(app.url, 'GET', `/emails/log?memberId=${c.memberId}`);
    expect(res.status).toBe(200);
    expect(res.body.sent).toEqual([expect.objectContaining({ key: 'welcome', status: 'bounced', reason: expect.stringContaining('550') })]);
    expect(Date.parse(res.body.undeliverableAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('stats', () => {
  it('counts sent, bounced, unsubscribed, clicked, attributed orders and net sales, and repeat-purchase rates, as computed by hand', async () => {
    const p = app.prisma;
    const at = (s: string) => new Date(`2019-05-${s}Z`);
    const members: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const m = await p.member.create({
        data: { shop: DEV_SHOP, customerId: `gid://shopify/Customer/stats-${randomUUID()}`, email: `stats${i}@example.com` },
      });
      members.push(m.id);
    }
    const [m1, m2, m3, m4, m5] = members as [string, string, string, string, string];
    const sendRow = async (memberId: string, key: string, status: string, when: Date, clickAt?: Date) => {
      const s = await p.emailSend.create({
        data: {
          shop: DEV_SHOP,
          memberId,
          key,
          category: 'account',
          cause: randomUUID(),
          to: 'x@example.com',
          locale: 'en',
          status,
          createdAt: when,
          sentAt: status === 'sent' ? when : null,
          clickedAt: clickAt ?? null,
        },
      });
      if (clickAt) await p.emailClick.create({ data: { sendId: s.id, url: 'https://example.org/', createdAt: clickAt } });
    };
    await sendRow(m1, 'tier_up', 'sent', at('02T10:00:00'), at('03T10:00:00'));
    await sendRow(m2, 'tier_up', 'sent', at('02T10:00:00'));
    await sendRow(m3, 'tier_up', 'bounced', at('02T10:00:00'));
    await sendRow(m4, 'welcome', 'sent', at('05T10:00:00'), at('06T12:00:00'));
    await sendRow(m1, 'welcome', 'sent', at('10T10:00:00'), at('12T10:00:00'));
    await sendRow(m5, 'tier_up', 'sent', new Date('2019-04-20T10:00:00Z'), at('02T10:00:00')); // before the range
    await p.emailUnsubscribe.create({ data: { shop: DEV_SHOP, memberId: m2, category: 'account', createdAt: at('04T10:00:00') } });
    const orderRow = async (memberId: string, when: Date, net: number | null, cancelled = false) =>
      p.order.create({
        data: {
          shop: DEV_SHOP,
          orderId: `gid://shopify/Order/stats-${randomUUID()}`,
          memberId,
          name: '#S',
          currencyCode: 'USD',
          totalMinor: net ?? 0,
          processedAt: when,
          sourceUpdatedAt: when,
          netSalesMinor: net,
          cancelledAt: cancelled ? when : null,
        },
      });
    await orderRow(m1, at('04T10:00:00'), 5000); // 1 day after the tier_up click → tier_up
    await orderRow(m1, at('13T10:00:00'), 3000); // the welcome click the day before is the latest → welcome
    await orderRow(m1, at('25T10:00:00'), 2000); // 13 days after the last click → nobody's
    await orderRow(m4, at('08T10:00:00'), 7000); // 2 days after the welcome click → welcome
    await orderRow(m4, at('20T10:00:00'), 1000); // 14 days after → nobody's
    await orderRow(m2, at('15T10:00:00'), 4000); // never clicked
    await orderRow(m3, at('09T10:00:00'), null, true); // cancelled: not a sale
    await orderRow(m5, new Date('2019-06-03T10:00:00Z'), 9999); // after the range, long after m5's click

    const res = await adminApi(app.url, 'GET', '/emails/stats?from=2019-05-01&to=2019-05-31');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byKey = Object.fromEntries((res.body.messages as Array<{ key: string }>).map((m) => [m.key, m]));
    // Buyers in May: m1 (3 orders), m4 (2), m2 (1). tier_up went to m1, m2 (m3 bounced, m5's was in April).
    expect(byKey.tier_up).toEqual({
      key: 'tier_up',
      sent: 2,
      bounced: 1,
      unsubscribed: 1,
      clicked: 1,
      attributedOrders: 1,
      attributedNetSalesMinor: 5000,
      repeatPurchase: { recipients: { customers: 2, rate: 0.5 }, others: { customers: 1, rate: 1 } },
    });
    expect(byKey.welcome).toEqual({
      key: 'welcome',
      sent: 2,
      bounced: 0,
      unsubscribed: 0,
      clicked: 2,
      attributedOrders: 2,
      attributedNetSalesMinor: 10000,
      repeatPurchase: { recipients: { customers: 2, rate: 1 }, others: { customers: 1, rate: 0 } },
    });
    expect(byKey.tier_down).toMatchObject({ sent: 0, attributedOrders: 0, repeatPurchase: { recipients: { customers: 0, rate: null } } });
    expect((await adminApi(app.url, 'GET', '/emails/stats?from=2019-05-31&to=2019-05-01')).status).toBe(400);
  });
});
