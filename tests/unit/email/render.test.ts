// Rendering shopper emails: Liquid with its limits, the MJML layout with the
// shop's name and colours, the text part, and template errors with their line.
import { describe, expect, it } from 'vitest';
import { convert } from 'html-to-text';
import { emailLocale, emailMessages, EMAIL_LOCALES, defaultEnabled } from '../../../web/email/messages/index.js';
import { checkTemplate, renderEmail, TemplateError, type Layout } from '../../../web/email/render.js';
import { unsubscribeQuery, unsubscribeUrl, verifyUnsubscribe } from '../../../web/email/links.js';
import { senderWithName } from '../../../web/email/sender.js';
import { smtpOutcome } from '../../../web/email/transport.js';

const layout: Layout = {
  shopName: 'Maple & Co',
  locale: 'en',
  category: 'account',
  colors: { accent: '#0a7d3e', text: '#fefefe' },
  unsubscribeUrl: 'https://maple.myshopify.com/apps/tally/email/unsubscribe?s=x&m=y&c=account&sig=z',
};

const member = { first_name: 'Ana', last_name: 'Lopez', email: 'ana@example.com', points: 600, pending_points: 0, tier: 'Silver' };

describe('renderEmail', () => {
  it('renders subject and body with the merge data, inside a layout with the shop name, colours and unsubscribe link', async () => {
    const out = await renderEmail(
      { subject: 'Hello {{ member.first_name }} at {{ shop.name }}', body: '<p>You have {{ member.points }} points.</p>' },
      { member, shop: { name: 'Maple & Co' } },
      layout,
    );
    expect(out.subject).toBe('Hello Ana at Maple & Co');
    expect(out.html).toContain('You have 600 points.');
    expect(out.html).toContain('Maple &amp; Co');
    expect(out.html.toLowerCase()).toContain('#0a7d3e');
    expect(out.html).toContain('https://maple.myshopify.com/apps/tally/email/unsubscribe?s=x&amp;m=y&amp;c=account&amp;sig=z');
    // Responsive: MJML's media query for narrow screens.
    expect(out.html).toMatch(/@media only screen and \(min-width:480px\)/);
    expect(out.text).toContain('You have 600 points.');
    expect(out.text).toContain('Unsubscribe from account emails: https://maple.myshopify.com/apps/tally/email/unsubscribe?');
    expect(out.text).not.toContain('<');
  });

  it('escapes merge values in the HTML body (a name cannot inject markup), but not in the plain subject', async () => {
    const data = { member: { ...member, first_name: '<img src=x onerror=alert(1)>' }, shop: { name: 'S' } };
    const out = await renderEmail({ subject: 'Hi {{ member.first_name }}', body: '<p>Hi {{ member.first_name }}</p>' }, data, layout);
    expect(out.html).not.toContain('<img src=x');
    expect(out.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out.subject).toBe('Hi <img src=x onerror=alert(1)>');
  });

  it('reports a template error with its part, language and line', async () => {
    const body = '<p>one</p>\n<p>two</p>\n{% if member.points > 10 %}\n<p>three</p>';
    const error = await renderEmail({ subject: 'ok', body }, { member }, { ...layout, locale: 'fr' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).line).toBe(3);
    expect((error as TemplateError).message).toMatch(
      /^Template error in the body \(fr\), line 3: tag \{% if member\.points > 10 %\} not closed/,
    );

    expect(() => checkTemplate({ subject: 'Hi {{ member.first_name | shout }}', body: '' }, 'de')).toThrow(
      /Template error in the subject \(de\), line 1: .*shout/,
    );
  });

  it('stops a template that would run away (render limit), as a template error', async () => {
    const body = '{% for i in (1..100000000) %}{{ i }}{% endfor %}';
    const error = await renderEmail({ subject: 'x', body }, {}, layout).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toMatch(/limit/i);
  });

  it('renders every default template in every language without an error, with its key variables filled', async () => {
    const data = {
      member,
      shop: { name: 'Maple' },
      tier: { name: 'Gold', previous: 'Silver' },
      adjustment: { points: 50, note: 'Sorry for the delay' },
      reward: { name: '$5 off', code: 'TALLY-ABC', apply_url: 'https://maple.myshopify.com/discount/TALLY-ABC', expires_on: '2027-01-01' },
    };
    for (const message of emailMessages) {
      expect(Object.keys(message.templates).sort()).toEqual([...EMAIL_LOCALES].sort());
      for (const locale of EMAIL_LOCALES) {
        const out = await renderEmail(message.templates[locale], data, { ...layout, locale, category: message.category });
        expect(out.subject.length, `${message.key} ${locale}`).toBeGreaterThan(5);
        if (message.key.startsWith('tier_')) expect(`${out.subject} ${out.text}`).toContain('Gold');
        if (message.key === 'reward_issued') expect(convert(out.html)).toContain('TALLY-ABC');
        if (message.key === 'points_adjusted') expect(out.text).toContain('Sorry for the delay');
      }
    }
  });
});

describe('the message registry', () => {
  it('follows the default rule: account on, reminder on but the monthly statement, marketing off', () => {
    expect(emailMessages.map((m) => [m.key, m.category, defaultEnabled(m)])).toEqual([
      ['welcome', 'account', true],
      ['points_earned', 'account', true],
      ['points_available', 'account', true],
      ['reward_unlocked', 'reminder', true],
      ['reward_issued', 'account', true],
      ['reward_expiring', 'reminder', true],
      ['points_expiring', 'reminder', true],
      ['tier_up', 'account', true],
      ['tier_down', 'account', true],
      ['tier_at_risk', 'reminder', true],
      ['birthday', 'reminder', true],
      ['anniversary', 'reminder', true],
      ['referral_completed', 'account', true],
      ['monthly_statement', 'reminder', false],
      ['win_back', 'marketing', false],
      ['abandoned_checkout', 'marketing', false],
      ['points_adjusted', 'account', true],
      ['survey_invite', 'reminder', true],
    ]);
    expect(defaultEnabled({ key: 'points_expiring', category: 'reminder' })).toBe(true);
    expect(defaultEnabled({ key: 'monthly_statement', category: 'reminder' })).toBe(false);
    expect(defaultEnabled({ key: 'win_back', category: 'marketing' })).toBe(false);
  });

  it("picks the member's language among the six, by language when the region differs, else English", () => {
    expect(emailLocale('fr')).toBe('fr');
    expect(emailLocale('fr-CA')).toBe('fr');
    expect(emailLocale('zh-CN')).toBe('zh-CN');
    expect(emailLocale('zh-TW')).toBe('zh-CN');
    expect(emailLocale('pt-BR')).toBe('en');
    expect(emailLocale(null)).toBe('en');
  });
});

describe('unsubscribe links', () => {
  const target = { shop: 'maple.myshopify.com', memberId: 'm1', category: 'reminder' as const };

  it('verifies its own signature and nothing else', () => {
    const query = Object.fromEntries(unsubscribeQuery(target, 'secret'));
    expect(verifyUnsubscribe(query, 'secret')).toEqual(target);
    expect(verifyUnsubscribe({ ...query, m: 'm2' }, 'secret')).toBeNull();
    expect(verifyUnsubscribe({ ...query, c: 'account' }, 'secret')).toBeNull();
    expect(verifyUnsubscribe(query, 'other secret')).toBeNull();
    expect(verifyUnsubscribe({ ...query, sig: undefined }, 'secret')).toBeNull();
  });

  it('points at the shop’s app proxy, or at the app in development', () => {
    expect(unsubscribeUrl(target, { secret: 's', appUrl: 'http://127.0.0.1:3000', viaShop: true })).toMatch(
      /^https:\/\/maple\.myshopify\.com\/apps\/tally\/email\/unsubscribe\?s=maple\.myshopify\.com&m=m1&c=reminder&sig=[\w-]+$/,
    );
    expect(unsubscribeUrl(target, { secret: 's', appUrl: 'http://127.0.0.1:3000/', viaShop: false })).toMatch(
      /^http:\/\/127\.0\.0\.1:3000\/proxy\/email\/unsubscribe\?/,
    );
  });
});

describe('sending', () => {
  it('sorts SMTP failures: 5xx bounces, 4xx and lost connections retry', () => {
    expect(smtpOutcome({ responseCode: 550, response: '550 5.1.1 No such user' }).kind).toBe('bounced');
    expect(smtpOutcome({ responseCode: 451, response: '451 4.3.0 Try later' }).kind).toBe('retry');
    expect(smtpOutcome({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).kind).toBe('retry');
  });

  it("puts the shop's name on MAIL_FROM's address", () => {
    expect(senderWithName('Tally <loyalty@example.com>', 'Maple "&" Co')).toBe('"Maple & Co" <loyalty@example.com>');
    expect(senderWithName('loyalty@example.com', null)).toBe('loyalty@example.com');
  });
});
