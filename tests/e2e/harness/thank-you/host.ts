// The harness's stand-in for the `shopify` global a checkout UI extension
// receives, with what Tally's extension reads (extensions/tally-thank-you/src/host.ts):
// sessionToken.get() asks the test process for a real token signed with the
// app secret (exposed as window.tallyHarnessToken), i18n translates from the
// extension's own locale files as Shopify does ({{ placeholders }}, plural
// keys chosen by Intl.PluralRules on `count`), formatDate / formatNumber use
// Intl in the buyer's language.
import type { ExtensionHost } from '../../../../extensions/tally-thank-you/src/host.js';

export interface HarnessSetup {
  locale: string;
  /** The extension's locale file for `locale` (nested JSON). */
  messages: Record<string, unknown>;
  target: 'purchase.thank-you.block.render' | 'customer-account.order-status.block.render';
  orderId: string;
}

function lookup(messages: Record<string, unknown>, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), messages);
}

export function fakeShopify(setup: HarnessSetup, mintToken: () => Promise<string>): ExtensionHost {
  const plurals = new Intl.PluralRules(setup.locale);
  const numbers = new Intl.NumberFormat(setup.locale);
  const translate = (key: string, options: Record<string, string | number> = {}) => {
    let entry = lookup(setup.messages, key);
    if (entry && typeof entry === 'object') {
      const forms = entry as Record<string, string>;
      entry = forms[plurals.select(Number(options.count ?? 0))] ?? forms.other;
    }
    if (typeof entry !== 'string') return key;
    return entry.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
      const value = options[name];
      return typeof value === 'number' ? numbers.format(value) : String(value ?? '');
    });
  };
  const order = { id: setup.orderId };
  return {
    sessionToken: { get: mintToken },
    i18n: {
      translate,
      formatNumber: (value) => numbers.format(value),
      formatDate: (date, options) => new Intl.DateTimeFormat(setup.locale, options).format(date),
    },
    localization: { language: { value: { isoCode: setup.locale } } },
    ...(setup.target === 'purchase.thank-you.block.render' ? { orderConfirmation: { value: { order } } } : { order: { value: order } }),
  };
}
