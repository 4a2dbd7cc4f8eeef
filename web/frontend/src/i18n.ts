// A deliberately tiny i18n layer: JSON message files keyed by component
// (web/frontend/locales/*.json), `{name}` placeholders, typed keys.
import type { AppProviderProps } from '@shopify/polaris';
import { z } from 'zod';
import { zodMessages } from './forms/messages';
import enMessages from '../locales/en.json';
import polarisEn from '@shopify/polaris/locales/en.json';
import type zhCNMessages from '../locales/zh-CN.json';
import type plMessages from '../locales/pl.json';
import type { MessageKey, Messages, MessageVars, Translate } from './i18n-keys';

export type { MessageKey, Messages, MessageVars, Translate };
export type PolarisTranslations = NonNullable<AppProviderProps['i18n']>;

export const SUPPORTED_LOCALES = ['en', 'zh-CN', 'pl'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

// Every locale file must have exactly the keys of en.json: checked by `tsc`.
type SameShape<T> = [T] extends [Messages] ? ([Messages] extends [T] ? true : false) : false;
const _zhCNHasEnglishKeys: SameShape<typeof zhCNMessages> = true;
const _plHasEnglishKeys: SameShape<typeof plMessages> = true;
void _zhCNHasEnglishKeys;
void _plHasEnglishKeys;

/**
 * Picks the first supported locale among the candidates, in order
 * (e.g. `?locale=` first, then navigator.languages). "zh", "zh-Hans",
 * "zh-SG" map to zh-CN; "pl-PL" to pl; "en-GB" to en. Traditional Chinese
 * (zh-TW, zh-HK, zh-Hant) is not supported yet and is skipped.
 */
export function resolveLocale(candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const match = matchLocale(candidate);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

function matchLocale(candidate: string | null | undefined): Locale | null {
  if (!candidate) return null;
  const tag = candidate.trim().replace(/_/g, '-').toLowerCase();
  if (!tag) return null;
  const [language, ...rest] = tag.split('-');
  switch (language) {
    case 'en':
      return 'en';
    case 'pl':
      return 'pl';
    case 'zh': {
      const traditional = rest.some((part) => ['hant', 'tw', 'hk', 'mo'].includes(part));
      return traditional ? null : 'zh-CN';
    }
    default:
      return null;
  }
}

export interface LocaleBundle {
  locale: Locale;
  messages: Messages;
  polaris: PolarisTranslations;
}

// English ships in the entry chunk; other languages load on demand, with
// zod's messages in that language (the forms check values with zod before
// sending them, so its messages are shown to the admin).
const loaders: Record<Locale, () => Promise<Omit<LocaleBundle, 'locale'>>> = {
  en: async () => ({ messages: enMessages, polaris: polarisEn }),
  'zh-CN': async () => {
    const [messages, polaris, zodLocale] = await Promise.all([
      import('../locales/zh-CN.json'),
      import('@shopify/polaris/locales/zh-CN.json'),
      import('zod/v4/locales/zh-CN.js'),
    ]);
    z.config(zodLocale.default());
    return { messages: messages.default, polaris: polaris.default };
  },
  pl: async () => {
    const [messages, polaris, zodLocale] = await Promise.all([
      import('../locales/pl.json'),
      import('@shopify/polaris/locales/pl.json'),
      import('zod/v4/locales/pl.js'),
    ]);
    z.config(zodLocale.default());
    return { messages: messages.default, polaris: polaris.default };
  },
};

/** Loads a locale's messages and Polaris translations; falls back to English if loading fails. */
export async function loadLocale(locale: Locale): Promise<LocaleBundle> {
  let bundle: LocaleBundle;
  try {
    bundle = { locale, ...(await loaders[locale]()) };
  } catch {
    bundle = { locale: DEFAULT_LOCALE, ...(await loaders[DEFAULT_LOCALE]()) };
  }
  const numbers = new Intl.NumberFormat(bundle.locale);
  z.config({ customError: zodMessages(createTranslator(bundle.messages, bundle.locale), (n) => numbers.format(n)) });
  return bundle;
}

function lookup(messages: Messages, key: string): string | undefined {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * Fills a message: `{name}` placeholders (numbers formatted for the locale;
 * unknown placeholders are left as they are) and ICU-style plurals,
 * `{count, plural, one {# reward} other {# rewards}}`, where `#` is the
 * formatted number and the forms are the locale's (Polish has one, few,
 * many; Chinese only other).
 */
export function interpolate(template: string, vars?: MessageVars, locale: string = DEFAULT_LOCALE): string {
  if (!vars) return template;
  const numbers = new Intl.NumberFormat(locale);
  const show = (value: string | number) => (typeof value === 'number' ? numbers.format(value) : value);
  return withPlurals(template, vars, locale, show).replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? show(vars[name]!) : whole,
  );
}

function withPlurals(template: string, vars: MessageVars, locale: string, show: (value: string | number) => string): string {
  const rules = new Intl.PluralRules(locale);
  let out = '';
  let at = 0;
  for (let start = template.indexOf(', plural,'); start !== -1; start = template.indexOf(', plural,', at)) {
    const open = template.lastIndexOf('{', start);
    const name = template.slice(open + 1, start).trim();
    // The plural's own closing brace: the options nest one level of braces.
    let depth = 0;
    let end = open;
    for (; end < template.length; end++) {
      if (template[end] === '{') depth++;
      if (template[end] === '}' && --depth === 0) break;
    }
    const options = new Map(
      [...template.slice(start + ', plural,'.length, end).matchAll(/(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    const value = vars[name];
    const n = typeof value === 'number' ? value : Number(value);
    const text = options.get(`=${n}`) ?? options.get(rules.select(n)) ?? options.get('other') ?? '';
    out += template.slice(at, open) + text.replace(/#/g, value === undefined ? '#' : show(value));
    at = end + 1;
  }
  return out + template.slice(at);
}

export function createTranslator(messages: Messages, locale: string = DEFAULT_LOCALE): Translate {
  return (key, vars) => interpolate(lookup(messages, key) ?? lookup(enMessages, key) ?? key, vars, locale);
}
