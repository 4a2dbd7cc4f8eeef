// A Liquid engine that renders the theme app extension as Shopify's
// storefront would, for the admin's widget preview and the development
// storefront (dev/routes/storefront.ts): the extension's snippets
// for {% render %}, {% schema %} read and dropped, and the Shopify filters the
// extension uses (t, asset_url, money, ...). Strings come from the
// extension's own locale files, with English as the fallback.
import path from 'node:path';
import { Liquid, type TagToken, type TopLevelToken } from 'liquidjs';
import { EXTENSION_DIR, readLocales } from './read.js';

type Named = [string, unknown];

/** Follows a dotted key through nested locale objects. */
function lookup(tree: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
}

/** Shopify's `t`: pluralised by `count` (CLDR category, falling back to `other`), `{{ name }}` interpolated. */
export function translate(locales: Map<string, unknown>, locale: string, key: string, values: Record<string, unknown>): string {
  const candidates = [locales.get(locale), locales.get(locale.split('-')[0]!), locales.get('en.default')];
  let entry: unknown;
  for (const tree of candidates) if ((entry = lookup(tree, key)) !== undefined) break;
  if (entry && typeof entry === 'object' && 'count' in values) {
    const forms = entry as Record<string, string>;
    entry = forms[new Intl.PluralRules(locale).select(Number(values.count))] ?? forms.other;
  }
  if (typeof entry !== 'string') return `translation missing: ${locale}.${key}`;
  return entry.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** What Shopify's `json` writes for these characters, so the output is safe inside <script> and HTML. */
const HTML_SAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * Shopify's `json` filter: JSON with `<`, `>` and `&` (and the JavaScript line
 * separators) written as \u escapes, as Shopify's Rails encoder does — liquidjs's
 * own `json` leaves them raw, so a merchant's `</script>` would end the script.
 */
export function shopifyJson(value: unknown, space: number = 0): string {
  const text = JSON.stringify(value, null, space) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => HTML_SAFE[c]!);
}

export interface StorefrontEngineOptions {
  /** A theme's templates and layouts around the extension's blocks (the development storefront's); none for the widget preview. */
  themeDir?: string;
  /** URL prefix under which the extension's assets are served. */
  assetBase: string;
  /** Keep parsed templates (tests, benchmarks); off in development so edits show on reload. */
  cache: boolean;
}

export function storefrontEngine(options: StorefrontEngineOptions) {
  const locales = readLocales();
  const theme = options.themeDir ? [options.themeDir] : [];
  const engine = new Liquid({
    root: [...theme, path.join(EXTENSION_DIR, 'blocks')],
    partials: [path.join(EXTENSION_DIR, 'snippets'), ...theme],
    layouts: theme,
    extname: '.liquid',
    cache: options.cache,
    strictFilters: true,
  });

  engine.registerTag('schema', {
    parse(_token: TagToken, remain: TopLevelToken[]) {
      // Shopify reads the schema; it renders nothing.
      for (let t = remain.shift(); t; t = remain.shift()) if ((t as TagToken).name === 'endschema') return;
      throw new Error('{% schema %} is not closed');
    },
    render: () => '',
  });

  engine.registerFilter('t', function (this: { context: { get(path: string[]): unknown } }, key: string, ...named: Named[]) {
    const locale = String(this.context.get(['request', 'locale', 'iso_code']) ?? 'en');
    return translate(locales, locale, key, Object.fromEntries(named));
  });
  engine.registerFilter('json', shopifyJson);
  engine.registerFilter('asset_url', (file: string) => `${options.assetBase}/${encodeURIComponent(file)}`);
  engine.registerFilter('money', function (this: { context: { get(path: string[]): unknown } }, cents: number) {
    const locale = String(this.context.get(['request', 'locale', 'iso_code']) ?? 'en');
    const currency = String(this.context.get(['cart', 'currency', 'iso_code']) ?? 'USD');
    // Liquid prices are hundredths of the unit whatever the currency.
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(Number(cents) / 100);
  });
  return { engine, locales };
}
