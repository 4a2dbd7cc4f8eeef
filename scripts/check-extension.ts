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
import { buildThankYou, THANK_YOU_DIR, THANK_YOU_LIMIT_BYTES } from './build-thank-you.js';

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
    problems.push(...localeDifferences(file, new Map([...strings].map(([k, v]) => [pluralBase(k), v])), reference));
  }
  return problems;
}

/**
 * How a translation differs from en.default.json (both keyed by plural base): keys missing or extra, and
 * placeholders that are not the default's. One comparison for the theme app extension and the checkout UI extension.
 */
function localeDifferences(file: string, mine: Map<string, string>, reference: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, text] of reference) {
    if (!mine.has(key)) problems.push(`locales/${file}: missing ${key}`);
    else if (placeholders(mine.get(key)!) !== placeholders(text))
      problems.push(`locales/${file}: ${key} has placeholders {${placeholders(mine.get(key)!)}}, the default has {${placeholders(text)}}`);
  }
  for (const key of mine.keys()) if (!reference.has(key)) problems.push(`locales/${file}: ${key} is not in en.default.json`);
  return problems;
}

/** The tables of a shopify.extension.toml as the checks need them: [[array]] tables in order, their key = value pairs. */
export function readToml(text: string): Array<{ table: string; values: Record<string, string | boolean> }> {
  const tables: Array<{ table: string; values: Record<string, string | boolean> }> = [{ table: '', values: {} }];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[\[?([\w.-]+)\]\]?$/.exec(line);
    if (header) tables.push({ table: header[1]!, values: {} });
    const pair = /^([\w-]+)\s*=\s*(?:"([^"]*)"|(true|false))$/.exec(line);
    if (pair) tables.at(-1)!.values[pair[1]!] = pair[2] ?? pair[3] === 'true';
  }
  return tables;
}

const UI_EXTENSIONS = path.resolve('node_modules/@shopify/ui-extensions');
/** Every target the installed @shopify/ui-extensions defines (checkout and customer accounts). */
export function knownTargets(): Set<string> {
  const files = ['checkout', 'customer-account'].map((s) => path.join(UI_EXTENSIONS, `build/ts/surfaces/${s}/extension-targets.d.ts`));
  return new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\s*'([a-z-]+(?:\.[a-z-]+)+)':/gm)].map((m) => m[1]!)));
}

/**
 * The checkout UI extension (extensions/tally-thank-you): its toml (api_version
 * matching the installed @shopify/ui-extensions, one ui_extension with a name
 * and handle, targets the API defines, modules that exist, network access when
 * the code fetches), each target's compiled script within Shopify's 64 KB, and
 * locales that match the default one (keys, placeholders) with every key the
 * code translates present.
 */
export async function uiExtensionChecks(dir = THANK_YOU_DIR): Promise<string[]> {
  const problems: string[] = [];
  const tables = readToml(readFileSync(path.join(dir, 'shopify.extension.toml'), 'utf8'));
  const version = JSON.parse(readFileSync(path.join(UI_EXTENSIONS, 'package.json'), 'utf8')).version as string;
  const expected = version.replace(/^(\d{4})\.(\d+)\..*$/, (_, y: string, m: string) => `${y}-${m.padStart(2, '0')}`);
  const apiVersion = tables[0]!.values.api_version;
  if (apiVersion !== expected)
    problems.push(
      `shopify.extension.toml: api_version "${String(apiVersion)}" should be "${expected}" (@shopify/ui-extensions ${version})`,
    );
  const extensions = tables.filter((t) => t.table === 'extensions');
  if (extensions.length !== 1) problems.push(`shopify.extension.toml: needs exactly one [[extensions]], has ${extensions.length}`);
  const ext = extensions[0]?.values ?? {};
  if (ext.type !== 'ui_extension') problems.push('shopify.extension.toml: type must be "ui_extension"');
  for (const key of ['name', 'handle'])
    if (typeof ext[key] !== 'string' || ext[key] === '') problems.push(`shopify.extension.toml: ${key} is required`);
  const targets = tables.filter((t) => t.table === 'extensions.targeting');
  if (targets.length === 0) problems.push('shopify.extension.toml: no [[extensions.targeting]]');
  const known = knownTargets();
  const src = files(path.join(dir, 'src')).map((f) => readFileSync(path.join(dir, 'src', f), 'utf8'));
  for (const { values } of targets) {
    const target = String(values.target);
    if (!known.has(target))
      problems.push(`shopify.extension.toml: target "${target}" is not one @shopify/ui-extensions ${version} defines`);
    const module = path.join(dir, String(values.module));
    if (!statSync(module, { throwIfNoEntry: false })?.isFile()) {
      problems.push(`shopify.extension.toml: module ${String(values.module)} of ${target} does not exist`);
      continue;
    }
    const bytes = (await buildThankYou(module)).length;
    if (bytes > THANK_YOU_LIMIT_BYTES)
      problems.push(`${String(values.module)}: ${bytes} bytes compiled, Shopify allows ${THANK_YOU_LIMIT_BYTES}`);
  }
  const capabilities = tables.find((t) => t.table === 'extensions.capabilities')?.values ?? {};
  if (src.some((code) => /\bfetch\(/.test(code)) && capabilities.network_access !== true)
    problems.push('shopify.extension.toml: the code calls fetch() but [extensions.capabilities] network_access is not true');

  const locales = files(path.join(dir, 'locales'));
  if (!locales.includes('en.default.json')) return [...problems, 'locales/: en.default.json is missing'];
  const reference = new Map(
    [...flatten(JSON.parse(readFileSync(path.join(dir, 'locales', 'en.default.json'), 'utf8')))].map(([k, v]) => [pluralBase(k), v]),
  );
  for (const file of locales.filter((f) => f !== 'en.default.json')) {
    let mine: Map<string, string>;
    try {
      mine = new Map([...flatten(JSON.parse(readFileSync(path.join(dir, 'locales', file), 'utf8')))].map(([k, v]) => [pluralBase(k), v]));
    } catch (error) {
      problems.push(`locales/${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    problems.push(...localeDifferences(file, mine, reference));
  }
  // Keys the code names literally, t('a.b') (a plural key is found by its base).
  for (const key of new Set(src.flatMap((code) => [...code.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]!))))
    if (!reference.has(key) && !reference.has(`${key}.#`)) problems.push(`src: t('${key}') is not in locales/en.default.json`);
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
  const [tc, own, ui] = await Promise.all([themeCheck(dir), Promise.resolve(projectChecks(dir)), uiExtensionChecks()]);
  for (const p of [...tc, ...own, ...ui.map((u) => `tally-thank-you: ${u}`)]) console.log(p);
  console.log(`theme-check: ${tc.length} offences; project checks: ${own.length} problems; checkout UI extension: ${ui.length} problems`);
  process.exit(tc.length + own.length + ui.length > 0 ? 1 : 0);
}
