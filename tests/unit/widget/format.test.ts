// Text the shopper reads: translations with placeholders and plural forms,
// numbers, money and dates for the storefront's locale and currency — in the
// script (format.ts) and in Liquid (the dev storefront's `t` filter).
import { describe, expect, it } from 'vitest';
import { formatter } from '../../../extensions/loyalty-widget-src/format.js';
import { translate } from '../../../web/theme-extension/liquid.js';
import { readLocales } from '../../../web/theme-extension/read.js';
import { currencyDigits, isKnownCurrency } from '../../../web/loyalty/domain/money.js';

const locales = readLocales();
const js = (locale: string) => (locales.get(locale === 'en' ? 'en.default' : locale) as { tally: { js: Record<string, string> } }).tally.js;

describe('script formatter', () => {
  it('picks the singular only where the language says one', () => {
    const en = formatter(js('en'), 'en', 'USD');
    expect([en.points(1), en.points(2), en.points(1234)]).toEqual(['1 point', '2 points', '1,234 points']);
    const fr = formatter(js('fr'), 'fr', 'EUR');
    // French counts 0 and 1 as singular.
    expect([fr.points(0), fr.points(1), fr.points(2)]).toEqual(['0 point', '1 point', '2 points']);
    const pl = formatter(js('pl'), 'pl', 'PLN');
    expect([pl.points(1), pl.points(5)]).toEqual(['1 punkt', '5 pkt']);
  });

  it("counts and names points as the merchant does when Settings names them ('stars'), leaving every other text alone", () => {
    for (const locale of ['en', 'de', 'es', 'fr', 'pl', 'zh-CN']) {
      const f = formatter(js(locale), locale, 'EUR', 'stars');
      expect([f.points(1), f.points(5)], locale).toEqual(['1 stars', '5 stars']);
      for (const key of ['INSUFFICIENT_POINTS', 'INVALID_POINTS', 'guest_intro', 'slider_label', 'activity_EXPIRE', 'perk_multiplier']) {
        expect(f.t(key, { reward: 'R', multiplier: '2' }), `${locale} ${key}`).toContain('stars');
        expect(f.t(key, { reward: 'R', multiplier: '2' }), `${locale} ${key}`).not.toMatch(/[{}]/);
      }
      // Texts with a {name} of their own keep it (the greeting), and "redeem" is not "redeem_named".
      expect(f.t('greeting', { name: 'Jan' }), locale).toContain('Jan');
      expect(f.t('redeem'), locale).toBe(js(locale).redeem);
    }
    const en = formatter(js('en'), 'en', 'USD');
    expect(en.t('INSUFFICIENT_POINTS')).toBe("You don't have enough points for this reward yet.");
    en.pointsName = 'beans';
    expect([en.points(2), en.t('INSUFFICIENT_POINTS')]).toEqual(['2 beans', "You don't have enough beans for this reward yet."]);
  });

  it('formats money from minor units in the shop currency, with its own decimals', () => {
    expect(formatter({}, 'en', 'USD').money(12345)).toBe('$123.45');
    expect(formatter({}, 'de', 'EUR').money(12345)).toBe('123,45\u00a0€');
    expect(formatter({}, 'ja', 'JPY').money(500)).toBe('￥500');
    expect(formatter({}, 'en', 'USD').unit).toBe('$1.00');
  });

  it("counts minor units with the server's digits for every currency (Intl says 0 for HUF and IDR, ISO 4217 says 2)", () => {
    const codes = Intl.supportedValuesOf('currency').filter(isKnownCurrency);
    expect(codes.length).toBeGreaterThan(150);
    const disagree = codes.filter((code) => formatter({}, 'en', code).digits !== currencyDigits(code));
    expect(disagree).toEqual([]);
    // 123,456.00 forint is 12,345,600 minor units on the server: shown as 123,456, not 12,345,600.
    expect(formatter({}, 'en', 'HUF').money(12_345_600)).toBe('HUF 123,456');
    expect(formatter({}, 'en', 'IDR').money(1_500_000)).toBe('IDR 15,000');
  });

  it('fills {placeholders}, leaves unknown ones, and escapes for HTML in h()', () => {
    const f = formatter({ greeting: 'Hi {name}', other: '{a} and {b}' }, 'en', 'USD');
    expect(f.t('greeting', { name: 'Zoë' })).toBe('Hi Zoë');
    expect(f.t('other', { a: 1 })).toBe('1 and {b}');
    expect(f.h('greeting', { name: '<img src=x onerror=alert(1)>' })).toBe('Hi &lt;img src=x onerror=alert(1)&gt;');
    expect(f.t('no_such_key')).toBe('no_such_key');
  });
});

describe('Liquid t filter (dev storefront)', () => {
  it('uses the CLDR plural category of the language, falling back to other', () => {
    expect(translate(locales, 'pl', 'tally.points', { count: 1 })).toBe('1 punkt');
    expect(translate(locales, 'pl', 'tally.points', { count: 3 })).toBe('3 punkty');
    expect(translate(locales, 'pl', 'tally.points', { count: 5 })).toBe('5 punktów');
    expect(translate(locales, 'zh-CN', 'tally.points', { count: 1 })).toBe('1 积分');
    expect(translate(locales, 'de', 'tally.points', { count: 1 })).toBe('1 Punkt');
  });

  it('falls back to English for a missing language and says so for a missing key', () => {
    expect(translate(locales, 'it', 'tally.cart.heading', {})).toBe('Use your points');
    expect(translate(locales, 'en', 'tally.nope', {})).toBe('translation missing: en.tally.nope');
  });

  it('leaves the script placeholders ({name}) for the script', () => {
    expect(translate(locales, 'es', 'tally.js.greeting', {})).toBe('Hola, {name}');
  });
});
