// Survey invites' pure parts: the channel an invite goes through, N calendar months back (every_months), and the
// signed score links (web/surveys/invites.ts): each score's signature is its own, and no other link's is valid for it.
import { describe, expect, it } from 'vitest';
import { linkSignatureValid, unsubscribeQuery } from '../../../web/email/links.js';
import { inviteChannel, monthsBefore, surveyLinkSignature, surveyLinkUrl } from '../../../web/surveys/invites.js';

const setup = { secret: 'app-secret', appUrl: 'https://tally.example/', viaShop: false };

describe('inviteChannel', () => {
  it('is email when the survey has it, else the widget, else none (the Thank-you page asks on its own)', () => {
    expect(inviteChannel(['widget', 'email', 'thank_you'])).toBe('email');
    expect(inviteChannel(['thank_you', 'widget'])).toBe('widget');
    expect(inviteChannel(['thank_you'])).toBeNull();
  });
});

describe('monthsBefore', () => {
  it('goes back calendar months, the 31st falling back to a shorter month’s last day', () => {
    expect(monthsBefore(new Date('2031-06-15T12:00:00Z'), 3).toISOString()).toBe('2031-03-15T12:00:00.000Z');
    expect(monthsBefore(new Date('2031-03-31T08:00:00Z'), 1).toISOString()).toBe('2031-02-28T08:00:00.000Z');
    expect(monthsBefore(new Date('2032-03-31T08:00:00Z'), 1).toISOString()).toBe('2032-02-29T08:00:00.000Z');
    expect(monthsBefore(new Date('2031-01-10T00:00:00Z'), 13).toISOString()).toBe('2029-12-10T00:00:00.000Z');
  });
});

describe('survey links', () => {
  it('sign the shop, the invite and the score: another score, invite, shop or secret does not verify', () => {
    const url = new URL(surveyLinkUrl('a.myshopify.com', 'inv-1', 7, setup));
    expect(url.origin + url.pathname).toBe('https://tally.example/proxy/email/survey');
    expect(url.searchParams.get('i')).toBe('inv-1');
    expect(url.searchParams.get('v')).toBe('7');
    const sig = url.searchParams.get('sig');
    expect(linkSignatureValid(['survey', 'a.myshopify.com', 'inv-1', '7'], sig, setup.secret)).toBe(true);
    expect(linkSignatureValid(['survey', 'a.myshopify.com', 'inv-1', '8'], sig, setup.secret)).toBe(false);
    expect(linkSignatureValid(['survey', 'a.myshopify.com', 'inv-2', '7'], sig, setup.secret)).toBe(false);
    expect(linkSignatureValid(['survey', 'b.myshopify.com', 'inv-1', '7'], sig, setup.secret)).toBe(false);
    expect(linkSignatureValid(['survey', 'a.myshopify.com', 'inv-1', '7'], sig, 'other-secret')).toBe(false);
    // The answer page's signature (no score) is not a score link's, and an unsubscribe signature is neither.
    expect(surveyLinkSignature('a.myshopify.com', 'inv-1', null, setup.secret)).not.toBe(sig);
    const unsub = unsubscribeQuery({ shop: 'a.myshopify.com', memberId: 'inv-1', category: 'reminder' }, setup.secret).get('sig');
    expect(linkSignatureValid(['survey', 'a.myshopify.com', 'inv-1', ''], unsub, setup.secret)).toBe(false);
  });

  it('go through the shop’s app proxy when links are addressed via the shop', () => {
    const url = surveyLinkUrl('a.myshopify.com', 'inv-1', null, { ...setup, viaShop: true });
    expect(url).toMatch(/^https:\/\/a\.myshopify\.com\/apps\/tally\/email\/survey\?i=inv-1&sig=[\w-]+$/);
  });
});
