// Checks the theme app extension (extensions/loyalty-widget) with Shopify's
// theme-check (the theme-app-extension config, as the Shopify CLI runs it)
// and with the project's own checks for what theme-check misses and Shopify
// only refuses at deploy time: allowed folders and file types, strict schema
// JSON with a valid target and a name, unique setting ids, the block, Liquid
// and locale size limits, and locales that match the default one.
// `npm run check:extension` prints every problem and fails on any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { themeCheckRun } from '@shopify/theme-check-node';
import { EXTENSION_DIR } from '../web/theme-extension/read.js';

/** What the Shopify CLI bundles, by folder (packages/app/.../specifications/theme.ts). */
export const ALLOWED_FILES: Record<string, RegExp> = {
  assets: /\.(jpg|jpeg|json|js|css|png|svg|wasm)$/,
  blocks: /\.liquid$/,
  snippets: /\.liquid$/,
  locales: /\.json$/,
};
export const BLOCK_TARGETS = ['section', 'head', 'compliance_head', 'body'];
export const LIMITS = { blocks: 30, localeFiles: 100, localeBytes: 15 * 1024, liquidBytes: 100 * 1024, nameChars: 25 };
const SCHEMA = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/g;

const files = (dir: string) => (statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(dir) : []);

/** Nested locale object → dotted key → string. */
function flatten(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (value && typeof value === 'object') for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
    else out.set(prefix + key, String(value));
  }
  return out;
}

const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|\{(\w+)\}/g)]
    .map((m) => m[1] ?? m[2])
    .sort()
    .join(',');
/** Plural forms differ by language (one/few/many/other); compare the key without its category. */
const pluralBase = (key: string) => key.replace(/\.(zero|one|two|few|many|other)$/, '.#');

export function projectChecks(dir = EXTENSION_DIR): string[] {
  const problems: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) {
      if (entry !== 'shopify.extension.toml' && entry !== 'package.json')
        problems.push(`${entry}: only shopify.extension.toml may sit at the extension's root`);
      continue;
    }
    const allowed = ALLOWED_FILES[entry];
    if (!allowed) {
      problems.push(`${entry}/: unsupported directory (allowed: ${Object.keys(ALLOWED_FILES).join(', ')})`);
      continue;
    }
    for (const file of files(full)) if (!allowed.test(file)) problems.push(`${entry}/${file}: file type not allowed in ${entry}/`);
  }

  const toml = readFileSync(path.join(dir, 'shopify.extension.toml'), 'utf8');
  if (!/^name\s*=\s*".+"/m.test(toml)) problems.push('shopify.extension.toml: name is required');
  if (!/^type\s*=\s*"theme"/m.test(toml)) problems.push('shopify.extension.toml: type must be "theme"');

  const blocks = files(path.join(dir, 'blocks')).filter((f) => f.endsWith('.liquid'));
  if (blocks.length > LIMITS.blocks) problems.push(`blocks/: ${blocks.length} blocks, Shopify allows ${LIMITS.blocks}`);
  for (const file of blocks) {
    const source = readFileSync(path.join(dir, 'blocks', file), 'utf8');
    const schemas = [...source.matchAll(SCHEMA)];
    if (schemas.length !== 1) {
      problems.push(`blocks/${file}: needs exactly one {% schema %}, has ${schemas.length}`);
      continue;
    }
    let schema: {
      name?: unknown;
      target?: unknown;
      settings?: Array<{ id?: string }>;
      javascript?: string;
      stylesheet?: string;
      enabled_on?: unknown;
      disabled_on?: unknown;
    };
    try {
      schema = JSON.parse(schemas[0]![1]!);
    } catch (error) {
      problems.push(`blocks/${file}: schema is not strict JSON (${(error as Error).message})`);
      continue;
    }
    if (typeof schema.name !== 'string' || schema.name.trim() === '') problems.push(`blocks/${file}: schema needs a name`);
    else if (schema.name.length > LIMITS.nameChars)
      problems.push(`blocks/${file}: name "${schema.name}" is longer than ${LIMITS.nameChars} characters`);
    if (!BLOCK_TARGETS.includes(String(schema.target)))
      problems.push(`blocks/${file}: target "${String(schema.target)}" is not one of ${BLOCK_TARGETS.join(', ')}`);
    if (schema.enabled_on && schema.disabled_on) problems.push(`blocks/${file}: use enabled_on or disabled_on, not both`);
    const ids = (schema.settings ?? []).map((s) => s.id).filter(Boolean);
    for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i)))
      problems.push(`blocks/${file}: setting id "${id}" is used twice`);
    for (const asset of [schema.javascript, schema.stylesheet].filter(Boolean)) {
      if (!files(path.join(dir, 'assets')).includes(asset!)) problems.push(`blocks/${file}: asset ${asset} does not exist`);
    }
    if (/content_for_(header|layout|index)/.test(source.replace(SCHEMA, '')))
      problems.push(`blocks/${file}: extensions cannot use content_for_header, content_for_layout or content_for_index`);
  }

  const liquid = ['blocks', 'snippets']
    .flatMap((d) => files(path.join(dir, d)).map((f) => statSync(path.join(dir, d, f)).size))
    .reduce((a, b) => a + b, 0);
  if (liquid > LIMITS.liquidBytes) problems.push(`blocks/ + snippets/: ${liquid} bytes of Liquid, Shopify allows ${LIMITS.liquidBytes}`);

  const locales = files(path.join(dir, 'locales'));
  if (locales.length > LIMITS.localeFiles) problems.push(`locales/: ${locales.length} files, Shopify allows ${LIMITS.localeFiles}`);
  if (!locales.includes('en.default.json')) problems.push('locales/: en.default.json (the default storefront locale) is missing');
  let reference: Map<string, string> | null = null;
  try {
    reference = new Map(
      [...flatten(JSON.parse(readFileSync(path.join(dir, 'locales', 'en.default.json'), 'utf8')))].map(([k, v]) => [pluralBase(k), v]),
    );
  } catch {
    reference = null;
  }
  for (const file of locales) {
    const full = path.join(dir, 'locales', file);
    const size = statSync(full).size;
    if (size > LIMITS.localeBytes) problems.push(`locales/${file}: ${size} bytes, Shopify allows ${LIMITS.localeBytes}`);
    let strings: Map<string, string>;
    try {
      strings = flatten(JSON.parse(readFileSync(full, 'utf8')));
    } catch (error) {
      problems.push(`locales/${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    if (!reference || file.endsWith('.schema.json') || file === 'en.default.json') continue;
    const mine = new Map([...strings].map(([k, v]) => [pluralBase(k), v]));
    for (const [key, text] of reference) {
      if (!mine.has(key)) problems.push(`locales/${file}: missing ${key}`);
      else if (placeholders(mine.get(key)!) !== placeholders(text))
        problems.push(
          `locales/${file}: ${key} has placeholders {${placeholders(mine.get(key)!)}}, the default has {${placeholders(text)}}`,
        );
    }
    for (const key of mine.keys()) if (!reference.has(key)) problems.push(`locales/${file}: ${key} is not in en.default.json`);
  }
  return problems;
}

/** Shopify's theme-check with the configuration the Shopify CLI uses for theme app extensions. */
export async function themeCheck(dir = EXTENSION_DIR): Promise<string[]> {
  // theme-check needs an absolute root: with a relative one it silently checks nothing.
  const { offenses } = await themeCheckRun(path.resolve(dir), 'theme-check:theme-app-extension', () => undefined);
  return offenses.map((o) => `${path.relative(path.resolve(dir), fileURLToPath(o.uri))}:${o.start.line} ${o.check}: ${o.message}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? EXTENSION_DIR;
  const [tc, own] = await Promise.all([themeCheck(dir), Promise.resolve(projectChecks(dir))]);
  for (const p of [...tc, ...own]) console.log(p);
  console.log(`theme-check: ${tc.length} offences; project checks: ${own.length} problems`);
  process.exit(tc.length + own.length > 0 ? 1 : 0);
}
