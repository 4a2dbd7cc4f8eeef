// Pure parts of the admin UI and its API: page paths, form state, CSV
// fields, the member list's cursor, the liability's value per point, the
// widget's settings.
import { describe, expect, it } from 'vitest';
import { matchPath, pathForPage } from '../../web/frontend/src/routes.js';
import { getIn, setIn } from '../../web/frontend/src/forms/useForm.js';
import { csvField, csvRow, decodeCursor, memberListQuery } from '../../web/loyalty/member-list.js';
import { valuePerPoint } from '../../web/loyalty/analytics.js';
import { DEFAULT_WIDGET_SETTINGS, parseWidgetSettings } from '../../web/loyalty/domain/widget.js';
import { parseEarnRuleInput, parseRewardInput } from '../../web/loyalty/domain/forms.js';
import { z } from 'zod';
import { messages, notes } from '../../web/loyalty/domain/messages.js';
import { fieldErrors } from '../../web/loyalty/domain/validation.js';
import { localiseErrors, localiseNote, zodMessages } from '../../web/frontend/src/forms/messages.js';
import { createTranslator, interpolate } from '../../web/frontend/src/i18n.js';
import en from '../../web/frontend/locales/en.json';
import pl from '../../web/frontend/locales/pl.json';
import zhCN from '../../web/frontend/locales/zh-CN.json';

describe('page paths', () => {
  it('maps page files to paths, with $name as a parameter', () => {
    expect(pathForPage('Dashboard')).toBe('/');
    expect(pathForPage('EarnRules')).toBe('/earn-rules');
    expect(pathForPage('Members.$id')).toBe('/members/:id');
    expect(matchPath('/members/:id', '/members/abc%20d')).toEqual({ id: 'abc d' });
    expect(matchPath('/members/:id', '/members')).toBeNull();
    expect(matchPath('/members/:id', '/members/')).toBeNull();
    expect(matchPath('/rewards', '/rewards')).toEqual({});
  });
});

describe('form state', () => {
  it('sets a dotted path without touching the original', () => {
    const before = { name: 'x', config: { combinesWith: { orderDiscounts: false }, pointsCost: 1 } };
    const after = setIn(before, 'config.combinesWith.orderDiscounts', true);
    expect(after).toEqual({ name: 'x', config: { combinesWith: { orderDiscounts: true }, pointsCost: 1 } });
    expect(before.config.combinesWith.orderDiscounts).toBe(false);
    expect(getIn(after, 'config.pointsCost')).toBe(1);
    expect(getIn(after, 'config.missing.deeper')).toBeUndefined();
    const tiers = setIn({ tiers: [{ threshold: 0 }, { threshold: 500 }] }, 'tiers.1.threshold', 150);
    expect(tiers).toEqual({ tiers: [{ threshold: 0 }, { threshold: 150 }] });
    expect(Array.isArray(tiers.tiers)).toBe(true);
  });

  it('reports a rule or reward form’s own fields and its config fields together', () => {
    const rule = parseEarnRuleInput({ type: 'custom-action', name: '', config: { name: '', points: 1.5 } });
    expect(rule.ok).toBe(false);
    if (!rule.ok) expect(Object.keys(rule.errors).sort()).toEqual(['config.name', 'config.points', 'name']);
    const reward = parseRewardInput({ type: 'fixed-amount', name: 'Five off', config: { pointsCost: 500, amountMinor: 500 } });
    expect(reward).toMatchObject({
      ok: true,
      value: { name: 'Five off', enabled: true, limitPerMember: null, config: { appliesTo: { kind: 'all' } } },
    });
  });
});

describe('member CSV and cursor', () => {
  it('quotes what needs quoting and never lets a spreadsheet run a formula', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+48 123')).toBe("'+48 123");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    const row = csvRow(
      {
        id: 'm',
        customerId: 'gid://shopify/Customer/1',
        email: 'a@b.c',
        firstName: 'Zoë',
        lastName: null,
        pointsAvailable: 5,
        pointsPending: 0,
        lifetimeEarned: 5,
        lifetimeRedeemed: 0,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        lastActivityAt: null,
        redactedAt: null,
        tierId: 'gold',
      },
      (id) => (id === 'gold' ? 'Gold' : null),
    );
    expect(row).toBe('gid://shopify/Customer/1,a@b.c,Zoë,,5,0,5,0,2026-01-01T00:00:00.000Z,,Gold');
  });

  it('refuses a cursor it did not make, and bad filters by field', () => {
    expect(decodeCursor('not-base64-json')).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify({ v: {}, id: 'x' })).toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify({ v: null, id: 'x' })).toString('base64url'))).toEqual({ v: null, id: 'x' });
    const bad = memberListQuery.safeParse({ limit: '1000', activeAfter: 'yesterday' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['activeAfter', 'limit']);
  });
});

describe('outstanding value', () => {
  it('prices points at the most generous fixed-value reward, the slider by its step', () => {
    expect(valuePerPoint([])).toBeNull();
    expect(valuePerPoint([{ type: 'percentage', config: { pointsCost: 100, percentage: 10 } }])).toBeNull();
    expect(
      valuePerPoint([
        { type: 'fixed-amount', config: { pointsCost: 500, amountMinor: 500 } },
        { type: 'store-credit', config: { pointsCost: 1000, amountMinor: 1500 } },
        { type: 'points-slider', config: { pointsStep: 100, amountPerStepMinor: 120, minPoints: 100, maxPoints: 1000 } },
      ]),
    ).toBe(1.5);
  });
});

describe('widget settings', () => {
  it('fills every default from nothing and names each bad field', () => {
    expect(parseWidgetSettings(undefined)).toEqual({ ok: true, value: DEFAULT_WIDGET_SETTINGS });
    const bad = parseWidgetSettings({
      launcher: { position: 'top', offset: -1 },
      colors: { accent: '#12345' },
      texts: { guestTitle: 'x'.repeat(81) },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(Object.keys(bad.errors).sort()).toEqual(['colors.accent', 'launcher.offset', 'launcher.position', 'texts.guestTitle']);
  });
});

describe('the admin forms cover the registries', () => {
  it('has fields and a valid starting config for every earn rule and reward type', async () => {
    const { RULE_FIELDS, REWARD_FIELDS, NEW_RULE_CONFIG, NEW_REWARD_CONFIG } =
      await import('../../web/frontend/src/forms/config-fields.js');
    const { ruleTypes, parseRuleConfig } = await import('../../web/loyalty/domain/rules/index.js');
    const { rewardTypes, parseRewardConfig } = await import('../../web/loyalty/domain/rewards/index.js');
    expect(Object.keys(RULE_FIELDS).sort()).toEqual(Object.keys(ruleTypes).sort());
    expect(Object.keys(REWARD_FIELDS).sort()).toEqual(Object.keys(rewardTypes).sort());
    for (const type of Object.keys(ruleTypes)) {
      const parsed = parseRuleConfig(type, NEW_RULE_CONFIG[type]);
      // A custom action starts without a name for the merchant to type; everything else starts valid.
      if (type === 'custom-action') expect(parsed).toEqual({ ok: false, errors: { name: 'a name for the action' } });
      else expect(parsed.ok, type).toBe(true);
      const keys = Object.keys((parsed.ok ? parsed.value : NEW_RULE_CONFIG[type]) as object);
      for (const [key] of RULE_FIELDS[type]!) expect(keys, `${type}.${key}`).toContain(key.split('.')[0]);
    }
    for (const type of Object.keys(rewardTypes)) {
      const parsed = parseRewardConfig(type, NEW_REWARD_CONFIG[type]);
      if (type === 'free-product' || type === 'donation')
        expect(parsed.ok).toBe(false); // the variant / cause is the merchant's to give
      else expect(parsed.ok, type).toBe(true);
      for (const [key] of REWARD_FIELDS[type]!)
        expect(Object.keys(NEW_REWARD_CONFIG[type]!), `${type}.${key}`).toContain(key.split('.')[0]);
    }
  });
});

describe('validation messages in the admin’s language', () => {
  const translators = { en: createTranslator(en), pl: createTranslator(pl as typeof en), 'zh-CN': createTranslator(zhCN as typeof en) };

  it('has every message of the domain in every admin language, and no two messages share a text', () => {
    for (const table of [en, pl, zhCN]) expect(Object.keys(table.Validation)).toEqual(expect.arrayContaining(Object.keys(messages)));
    for (const table of [en, pl, zhCN]) expect(Object.keys(table.Notes).sort()).toEqual(Object.keys(notes).sort());
    expect(localiseNote(notes.creditPartlySpent, translators.pl)).toBe('klient wydał już część tych środków');
    expect(localiseNote('taken in Shopify (reviewed by 42)', translators.pl)).toBe('taken in Shopify (reviewed by 42)');
    expect(new Set(Object.values(messages)).size).toBe(Object.keys(messages).length);
  });

  it('shows Tally’s own messages by their English text, and leaves other text as it is', () => {
    const errors = { 'tiers.0.threshold': messages.lowestTierAtZero, reason: messages.adjustmentReason, other: 'No reward with this id' };
    expect(localiseErrors(errors, translators.pl)).toEqual({
      'tiers.0.threshold': 'Najniższy poziom musi zaczynać się od 0, aby każdy członek miał poziom',
      reason: 'napisz krótko, dlaczego',
      other: 'No reward with this id',
    });
    expect(localiseErrors(errors, translators.en)).toEqual(errors);
  });

  it('words zod’s range, length and empty-field checks for a merchant, in each language', () => {
    const schema = z.object({ days: z.number().int().min(0).max(365), name: z.string().trim().min(1).max(60), cost: z.number().min(1) });
    const messagesOf = (locale: keyof typeof translators, value: unknown) => {
      const format = new Intl.NumberFormat(locale);
      const result = schema.safeParse(value, { error: zodMessages(translators[locale], (n) => format.format(n)) });
      return result.success ? {} : fieldErrors(result.error);
    };
    expect(messagesOf('en', { days: 400, name: '', cost: 0 })).toEqual({ days: 'at most 365', name: 'required', cost: 'at least 1' });
    expect(messagesOf('pl', { days: 400, name: 'x'.repeat(61), cost: 'a' })).toEqual({
      days: 'najwyżej 365',
      name: 'najwyżej 60 znaków',
      cost: 'liczba',
    });
    expect(messagesOf('zh-CN', { days: -1, name: 'ok' })).toEqual({ days: '不能小于 0', cost: '必填' });
    // A schema's own message wins over these.
    expect(
      z
        .string()
        .min(1, messages.programName)
        .safeParse('', { error: zodMessages(translators.pl, String) }).error?.issues[0]?.message,
    ).toBe(messages.programName);
  });
});

describe('messages with counts', () => {
  it('picks the plural form of the locale and formats the number in it', () => {
    const help = (locale: 'en' | 'pl' | 'zh-CN', table: typeof en, count: number) =>
      createTranslator(table, locale)('Dashboard.pointsRedeemedHelp', { count });
    expect(help('en', en, 1)).toBe('1 reward redeemed in this period');
    expect(help('en', en, 1234)).toBe('1,234 rewards redeemed in this period');
    expect(help('pl', pl as typeof en, 1)).toBe('1 nagroda odebrana w tym okresie');
    expect(help('pl', pl as typeof en, 3)).toBe('3 nagrody odebrane w tym okresie');
    expect(help('pl', pl as typeof en, 5)).toBe('5 nagród odebranych w tym okresie');
    expect(help('pl', pl as typeof en, 22)).toBe('22 nagrody odebrane w tym okresie');
    expect(help('pl', pl as typeof en, 12345).replace(/\s/g, ' ')).toBe('12 345 nagród odebranych w tym okresie');
    expect(help('zh-CN', zhCN as typeof en, 2)).toBe('此期间兑换了 2 个奖励');
    // Text around a plural and other placeholders still work; an exact match wins over the category.
    expect(interpolate('{n} of {count, plural, =0 {nothing} one {# item} other {# items}} left', { n: 'A', count: 0 })).toBe(
      'A of nothing left',
    );
    expect(interpolate('{missing} stays', { count: 1 })).toBe('{missing} stays');
  });
});
