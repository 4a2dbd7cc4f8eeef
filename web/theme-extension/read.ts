// Reads the theme app extension the way Shopify does: block files with their
// {% schema %}, locale files, assets. Shared by the admin's widget preview,
// the development storefront and the extension's checks.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXTENSION_DIR = fileURLToPath(new URL('../../extensions/loyalty-widget', import.meta.url));

const SCHEMA = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/;

export interface BlockSchema {
  name: string;
  target: string;
  javascript?: string;
  stylesheet?: string;
  enabled_on?: { templates?: string[] };
  settings?: Array<{ id: string; type: string; default?: unknown }>;
}

export interface Block {
  handle: string;
  source: string;
  /** The schema's raw text: strict JSON, no comments or trailing commas. */
  schemaText: string | null;
  schema: BlockSchema;
}

/** JSON.parse is strict already: comments and trailing commas throw. */
export function readBlock(file: string, dir = EXTENSION_DIR): Block {
  const source = readFileSync(path.join(dir, 'blocks', file), 'utf8');
  const schemaText = SCHEMA.exec(source)?.[1] ?? null;
  return { handle: file.replace(/\.liquid$/, ''), source, schemaText, schema: schemaText ? JSON.parse(schemaText) : ({} as BlockSchema) };
}

export const blockFiles = (dir = EXTENSION_DIR) => readdirSync(path.join(dir, 'blocks')).filter((f) => f.endsWith('.liquid'));

/** The settings a merchant has not changed: each setting's default. */
export const defaultSettings = (schema: BlockSchema) =>
  Object.fromEntries((schema.settings ?? []).filter((s) => s.id).map((s) => [s.id, s.default ?? '']));

/** Locale file name (without .json) → its parsed content, e.g. en.default, pl, zh-CN. */
export function readLocales(dir = EXTENSION_DIR): Map<string, unknown> {
  const locales = new Map<string, unknown>();
  for (const file of readdirSync(path.join(dir, 'locales'))) {
    if (file.endsWith('.json') && !file.endsWith('.schema.json'))
      locales.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, 'locales', file), 'utf8')));
  }
  return locales;
}
