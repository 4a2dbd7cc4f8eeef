// The panel's sections from the proxy's data: what a member, a guest and a
// shopper with pending points see; tier and referral sections appear exactly
// when /proxy/member carries them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatter } from '../../../extensions/loyalty-widget-src/format.js';
import { renderPanel } from '../../../extensions/loyalty-widget-src/render.js';
import type { Member, State } from '../../../extensions/loyalty-widget-src/types.js';
import { EXTENSION_DIR } from '../../../web/theme-extension/read.js';

const strings = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'locales/en.default.json'), 'utf8')).tally.js;
const f = formatter(strings, 'en', 'USD');
const links = { login: '/account/login', register: '/account/register', cart: '/cart' };
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

const program = {
  name: 'Tally Rewards',
  waysToEarn: [
    { type: 'purchase', name: 'Points per purchase', config: { rate: '1' }, earned: 0 },
    { type: 'signup', name: 'Signup bonus', config: { points: 100 }, earned: 1 },
    { type: 'birthday', name: 'Birthday', config: { points: 200 }, earned: 0 },
    { type: 'cashback', name: 'Cashback', config: { percentage: '5' }, earned: 0 },
  ],
};
const rewards = [
  { id: 'r1', name: '5 off', pointsCost: 500, affordable: true },
  { id: 'r2', name: '10% off', pointsCost: 1000, affordable: false },
];
const member = (changes: Partial<Member> = {}): Member => ({
  firstName: 'Ava',
  points: { available: 620, pending: 94 },
  memberSince: '2026-01-01T00:00:00.000Z',
  birthday: null,
  activity: [
    {
      kind: 'EARN',
      points: 94,
      status: 'PENDING',
      source: 'ORDER',
      availableAt: '2026-12-24T10:00:00.000Z',
      createdAt: '2026-11-24T10:00:00.000Z',
    },
    { kind: 'REDEEM', points: -500, status: 'AVAILABLE', source: 'REWARD', availableAt: null, createdAt: '2026-11-20T10:00:00.000Z' },
  ],
  ...changes,
});
const state = (m: Member | null): State => ({ member: m, program, rewards });

describe('member panel', () => {
  it('lists the recent orders with the points each earned and where they stand, and the points about to expire', () => {
    const out = text(
      renderPanel(
        state(
          member({
            orders: [
              {
                name: '#1002',
                processedAt: '2026-11-24T10:00:00.000Z',
                points: 94,
                pending: true,
                availableAt: '2026-12-24T10:00:00.000Z',
              },
              { name: '#1001', processedAt: '2026-10-02T10:00:00.000Z', points: 1, pending: false, availableAt: null },
              { name: '#1000', processedAt: '2026-10-01T10:00:00.000Z', points: 12, pending: true, availableAt: null },
            ],
            expiring: { points: 75, at: '2026-12-10T10:00:00.000Z' },
          }),
        ),
        f,
        links,
      ),
    );
    expect(out).toContain('75 points expire on Dec 10, 2026');
    expect(out).toContain(
      'Your recent orders #1002 Nov 24, 2026 +94 points pending until Dec 24, 2026 #1001 Oct 2, 2026 +1 point available #1000 Oct 1, 2026 +12 points pending ',
    );
    // Neither without data: no empty section, no expiry line.
    const none = text(renderPanel(state(member({ orders: [], expiring: null })), f, links));
    expect(none).not.toContain('Your recent orders');
    expect(none).not.toContain('expire on');
  });

  it('shows the balance, when pending points become available, rewards in reach and the ones close', () => {
    const out = text(renderPanel(state(member()), f, links));
    expect(out).toContain('Hi Ava');
    expect(out).toContain('Available 620 points');
    expect(out).toContain('94 points pending, available from Dec 24, 2026');
    expect(out).toContain('Ready to redeem 5 off 500 points Redeem');
    expect(out).toContain('Almost there 10% off 1,000 points 380 points more needed');
    expect(out).toContain('100 points for creating an account ✓ Done');
    expect(out).toContain('1 point for every $1.00 spent');
    expect(out).toContain('5% of every order back as store credit');
    expect(out).toContain('Purchase (pending) Nov 24, 2026 +94');
    expect(out).toContain('Reward redeemed Nov 20, 2026 −500');
    expect(out).toContain('Tell us your birthday and get 200 points on it.');
  });

  it('has no tier or referral section until /proxy/member carries them', () => {
    const html = renderPanel(state(member()), f, links);
    expect(html).not.toContain('class="tiers"');
    expect(html).not.toContain('Refer a friend');
  });

  it('shows the tier, its expiry and the way to the next tier in the tier basis', () => {
    const tier = { id: 't1', name: 'Silver', keptUntil: '2027-03-01T00:00:00.000Z' };
    const points = text(
      renderPanel(state(member({ tier, nextTier: { id: 't2', name: 'Gold', remaining: 380, basis: 'points-earned' } })), f, links),
    );
    expect(points).toContain('Your tier: Silver Kept until Mar 1, 2027 Earn 380 points more to reach Gold');
    const spend = text(
      renderPanel(state(member({ tier: null, nextTier: { id: 't1', name: 'Silver', remaining: 4550, basis: 'amount-spent' } })), f, links),
    );
    expect(spend).toContain('Spend $45.50 more to reach Silver');
    const orders = text(
      renderPanel(state(member({ tier, nextTier: { id: 't2', name: 'Gold', remaining: 2, basis: 'orders' } })), f, links),
    );
    expect(orders).toContain('Place 2 more orders to reach Gold');
  });

  it('shows the referral link with copy and share', () => {
    const html = renderPanel(
      state(member({ referral: { code: 'AVA10', url: 'https://shop.example/r/AVA10', friendsJoined: 3 } })),
      f,
      links,
    );
    expect(text(html)).toContain('Refer a friend Share your link. Friends who joined: 3');
    expect(html).toContain('value="https://shop.example/r/AVA10"');
    expect(html).toContain('data-action="copy" data-copy="https://shop.example/r/AVA10"');
    expect(html).toContain('data-action="share"');
  });

  it('shows an issued code with copy and an apply-to-cart link, and a saved birthday instead of the form', () => {
    const html = renderPanel(
      {
        ...state(member({ birthday: { month: 3, day: 14 } })),
        redemption: { id: 'd1', status: 'issued', code: 'TALLY-AB12', expiresAt: null, error: null },
      },
      f,
      links,
    );
    expect(html).toContain('<output class="code-value">TALLY-AB12</output>');
    expect(html).toContain('href="/discount/TALLY-AB12?redirect=%2Fcart"');
    expect(text(html)).toContain("Saved. We'll celebrate on March 14.");
    expect(html).not.toContain('name="month"');
  });

  it('leaves out VIP-only rewards of a tier the member does not hold', () => {
    const vip = { id: 'r3', name: 'Gold gift', pointsCost: 100, affordable: true, eligible: false };
    const html = renderPanel({ ...state(member()), rewards: [...rewards, vip] }, f, links);
    expect(html).not.toContain('Gold gift');
    expect(html).toContain('5 off');
  });

  it('tells a shopper over a storefront rate limit to wait, in words, in every language the theme passes to the script', () => {
    const html = renderPanel({ ...state(member()), notice: 'rate_limited' }, f, links);
    expect(text(html)).toContain('Too many tries. Please wait a moment and try again.');
    expect(html).not.toContain('rate_limited');
    const keys = readFileSync(path.join(EXTENSION_DIR, 'snippets/tally-strings.liquid'), 'utf8');
    expect(keys).toMatch(/[',]rate_limited,/);
    for (const locale of ['de', 'es', 'fr', 'pl', 'zh-CN']) {
      const translated = JSON.parse(readFileSync(path.join(EXTENSION_DIR, `locales/${locale}.json`), 'utf8')).tally.js;
      expect(translated.rate_limited, locale).toMatch(/\S/);
      expect(translated.rate_limited, locale).not.toBe(strings.rate_limited);
    }
  });

  it('escapes what comes from the server', () => {
    const html = renderPanel(state(member({ firstName: '<script>x</script>' })), f, links);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('guest panel', () => {
  it('shows what the program offers and links to join and log in, with no redeem buttons', () => {
    const html = renderPanel(state(null), f, links);
    expect(text(html)).toContain('Join Tally Rewards');
    expect(html).toContain('href="/account/register"');
    expect(html).toContain('href="/account/login"');
    expect(text(html)).toContain('5 off 500 points');
    expect(html).not.toContain('data-action="redeem"');
  });
});

describe('cart view (the cart block)', () => {
  const cartLinks = { ...links, view: 'cart', subtotal: '12900' };
  it('shows the balance and only discount codes the member can afford whose minimum this cart meets', () => {
    const all = [
      { id: 'a', name: 'Fits', pointsCost: 100, affordable: true, minimumSubtotal: 5000 },
      { id: 'b', name: 'Too big a minimum', pointsCost: 100, affordable: true, minimumSubtotal: 20000 },
      { id: 'c', name: 'Store credit', pointsCost: 100, affordable: true, minimumSubtotal: null },
      { id: 'd', name: 'Too dear', pointsCost: 9000, affordable: false, minimumSubtotal: 0 },
    ];
    const out = text(
      renderPanel({ ...state(member({ referral: { code: 'X', url: 'https://x', friendsJoined: 0 } })), rewards: all }, f, cartLinks),
    );
    expect(out).toContain('Available 620 points');
    expect(out).toContain('Rewards for this cart Fits');
    for (const absent of ['Too big a minimum', 'Store credit', 'Too dear', 'Refer a friend', 'Recent activity', 'Ways to earn'])
      expect(out).not.toContain(absent);
    expect(text(renderPanel({ ...state(member()), rewards: all.slice(1) }, f, cartLinks))).toContain('No reward fits this cart yet.');
  });

  it('names the reward a code is for', () => {
    const redemption = { id: 'x', rewardName: '5 off', status: 'issued', code: 'TALLY-1', expiresAt: null, error: null };
    expect(text(renderPanel({ ...state(member()), redemption }, f, cartLinks))).toContain('Your discount code for 5 off TALLY-1');
  });
});

describe('ladder of tiers', () => {
  const perks = { multiplier: '1', freeShipping: false, birthdayBonus: 0, entryReward: null };
  const tiers = [
    { id: 'b', name: 'Bronze', threshold: 0, perks },
    { id: 's', name: 'Silver', threshold: 500, perks: { ...perks, multiplier: '1.25', birthdayBonus: 100 } },
    { id: 'g', name: 'Gold', threshold: 1500, perks: { ...perks, freeShipping: true, entryReward: 'Welcome gift' } },
  ];
  const withTiers = { ...program, tiers, tierBasis: 'points-earned' as const };
  it("lists every tier with what it takes and gives, marks the member's, and shows their perks", () => {
    const m = member({ tier: { id: 's', name: 'Silver', keptUntil: null, perks: tiers[1]!.perks } });
    const html = renderPanel({ member: m, program: withTiers, rewards }, f, links);
    const out = text(html);
    expect(out).toContain('Your perks 1.25× points on every order 100 points extra on your birthday');
    expect(out).toContain('Tiers Bronze Where every member starts Silver From 500 points earned You are here');
    expect(out).toContain('Gold From 1,500 points earned Free shipping Welcome reward: Welcome gift');
    expect(html).toMatch(/<li class="rung here" aria-current="step"><span class="name">Silver/);
  });

  it('shows guests the ladder, spending thresholds in money', () => {
    const out = text(renderPanel({ member: null, program: { ...withTiers, tierBasis: 'amount-spent' }, rewards }, f, links));
    expect(out).toContain('Silver From $5.00 spent');
    expect(out).not.toContain('You are here');
  });
});

describe('recommended rewards', () => {
  const all = [
    { id: 'a', name: 'Free tote', pointsCost: 400, affordable: true },
    { id: 'b', name: '15% off', pointsCost: 740, affordable: false },
    { id: 'c', name: 'Champions mug', pointsCost: 300, affordable: true },
    { id: 'd', name: 'Other', pointsCost: 5000, affordable: false },
  ];
  const recommendations = [
    { rewardId: 'b', kind: 'close', reason: "You're 120 points away", pointsAway: 120 },
    { rewardId: 'c', kind: 'segment', reason: 'Only for our Champions', segmentName: 'Champions' },
    { rewardId: 'a', kind: 'brand_new_kind', reason: 'Server says why' },
    { rewardId: 'missing', kind: 'affordable', reason: 'Not in the list' },
  ];
  const panel = (lang: string) => {
    const s = JSON.parse(readFileSync(path.join(EXTENSION_DIR, `locales/${lang}.json`), 'utf8')).tally.js;
    return renderPanel({ member: member(), program, rewards: all, recommendations }, formatter(s, lang.split('.')[0]!, 'USD'), links);
  };

  it('come first, in the order the server gives, each with its reason in the shopper language (the server text for an unknown kind)', () => {
    const picked = /<ul class="list picked">(.*?)<\/ul>/.exec(panel('en.default'))![1]!;
    const rows = [...picked.matchAll(/<li class="reward">(.*?)<\/li>/g)].map((m) => text(m[1]!).trim());
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['15%', 'Champions', 'Free']);
    expect(rows[0]).toContain("You're 120 points away");
    // Said once: the reason replaces "120 points more needed".
    expect(rows[0]).not.toContain('more needed');
    expect(rows[1]).toContain('Only for our Champions');
    expect(rows[2]).toContain('Server says why');
    // A recommended reward is not listed again below; the rest keep their groups.
    const out = text(panel('en.default'));
    expect(out.match(/Free tote/g)).toHaveLength(1);
    expect(out.indexOf('Picked for you')).toBeLessThan(out.indexOf('Almost there'));
    expect(out).toContain('Other');
  });

  it('are worded in German and Chinese by kind', () => {
    expect(text(panel('de'))).toContain('Nur noch 120 Punkte entfernt');
    expect(text(panel('de'))).toContain('Nur für unsere Champions');
    expect(text(panel('zh-CN'))).toContain('还差 120 积分');
  });
});

describe('survey card', () => {
  const survey = {
    id: 's1',
    type: 'nps',
    questions: [{ key: 'nps', text: 'How likely are you to recommend Demo to a friend?', scale: { min: 0, max: 10 } }],
    pointsForAnswer: 50,
  };
  it('asks each question as a named radio per score, with a comment and Send', () => {
    const html = renderPanel({ ...state(member()), survey }, f, links);
    expect(html).toContain('<legend class="">How likely are you to recommend Demo to a friend?</legend>');
    const radios = [...html.matchAll(/<input type="radio" name="nps" value="(\d+)" aria-label="([^"]+)"/g)];
    expect(radios.map((m) => Number(m[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(radios[7]![2]).toBe('7 out of 10');
    expect(text(html)).toContain('Answer and earn 50 points.');
    expect(html).toContain('<textarea name="comment"');
    expect(html).toContain('data-action="survey"');
  });

  it("names a poll's radios by its choices' labels (escaped), answered by index", () => {
    const poll = {
      id: 's2',
      type: 'poll',
      questions: [
        { key: 'choice', text: 'Which reward next?', scale: { min: 0, max: 2 }, choices: ['Free shipping', '10% off', '<b>Gift</b>'] },
      ],
      pointsForAnswer: 20,
    };
    const html = renderPanel({ ...state(member()), survey: poll }, f, links);
    const radios = [
      ...html.matchAll(
        /<input type="radio" name="choice" value="(\d+)" aria-label="([^"]+)" required><span aria-hidden="true">([^<]*(?:&lt;[^<]*)*)<\/span>/g,
      ),
    ];
    expect(radios.map((m) => [Number(m[1]), m[2], m[3]])).toEqual([
      [0, 'Free shipping', 'Free shipping'],
      [1, '10% off', '10% off'],
      [2, '&lt;b&gt;Gift&lt;/b&gt;', '&lt;b&gt;Gift&lt;/b&gt;'],
    ]);
    expect(html).toContain('class="scale choices"');
  });

  it('thanks with the points earned, or only thanks when the answer replaced an earlier one', () => {
    expect(text(renderPanel({ ...state(member()), surveyAnswered: 50 }, f, links))).toContain('Thank you for your answer! +50 points');
    const again = text(renderPanel({ ...state(member()), surveyAnswered: 0 }, f, links));
    expect(again).toContain("We've updated your answer");
    expect(again).not.toContain('+0');
  });

  it('is absent when no survey is due, and at the cart', () => {
    expect(renderPanel(state(member()), f, links)).not.toContain('class="survey"');
    expect(renderPanel({ ...state(member()), survey }, f, { ...links, view: 'cart' })).not.toContain('class="survey"');
  });
});
