// The theme app extension passes Shopify's theme-check and the project's own
// checks; each check is also shown to catch the mistake it exists for, on a
// broken copy of the extension.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectChecks, themeCheck } from '../../../scripts/check-extension.js';
import { EXTENSION_DIR } from '../../../web/theme-extension/read.js';

const copies: string[] = [];
/** A copy of the extension with `change` applied. */
function brokenCopy(change: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tally-ext-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  copies.push(dir);
  change(dir);
  return dir;
}
const edit = (dir: string, file: string, fn: (s: string) => string) =>
  writeFileSync(path.join(dir, file), fn(readFileSync(path.join(dir, file), 'utf8')));
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('theme-check (theme-check:theme-app-extension)', () => {
  it('finds no offence in the extension', async () => {
    expect(await themeCheck()).toEqual([]);
  }, 30_000);

  it('reports an unknown filter, a missing translation and an oversized script', async () => {
    const dir = brokenCopy((d) => {
      edit(d, 'blocks/member-card.liquid', (s) => s.replace('<h2>', "<h2>{{ 'tally.nope' | t }}{{ 1 | no_such_filter }}"));
      writeFileSync(path.join(d, 'assets/tally-widget.js'), `/*${'x'.repeat(12_000)}*/`);
    });
    const offences = (await themeCheck(dir)).join('\n');
    expect(offences).toContain('TranslationKeyExists');
    expect(offences).toContain('UnknownFilter');
    expect(offences).toContain('AssetSizeAppBlockJavaScript');
  }, 30_000);
});

describe('project checks', () => {
  it('finds no problem in the extension', () => {
    expect(projectChecks()).toEqual([]);
  });

  it('catches what theme-check misses: target, name, strict JSON, duplicate ids, folders and file types', () => {
    const dir = brokenCopy((d) => {
      edit(d, 'blocks/app-embed.liquid', (s) =>
        s.replace('"target": "body"', '"target": "bogus"').replace('"name": "Rewards launcher",', ''),
      );
      edit(d, 'blocks/product-points.liquid', (s) => s.replace('"default": "#1a1a1a" }', '"default": "#1a1a1a" },'));
      edit(d, 'blocks/cart-redeem.liquid', (s) =>
        s.replace('"settings": [', '"settings": [ { "type": "text", "id": "accent", "label": "Again" },'),
      );
      writeFileSync(path.join(d, 'assets/notes.txt'), 'not deployable');
      cpSync(path.join(d, 'snippets'), path.join(d, 'templates'), { recursive: true });
    });
    const problems = projectChecks(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        'blocks/app-embed.liquid: target "bogus" is not one of section, head, compliance_head, body',
        'blocks/app-embed.liquid: schema needs a name',
        'blocks/cart-redeem.liquid: setting id "accent" is used twice',
        'assets/notes.txt: file type not allowed in assets/',
        'templates/: unsupported directory (allowed: assets, blocks, snippets, locales)',
      ]),
    );
    expect(problems.some((p) => p.startsWith('blocks/product-points.liquid: schema is not strict JSON'))).toBe(true);
  });

  it('catches locale files over 15 KB, missing keys and mismatched placeholders', () => {
    const dir = brokenCopy((d) => {
      edit(d, 'locales/fr.json', (s) => s.replace('"Bonjour {name}"', '"Bonjour {nom}"').replace(/\s*"copied": "[^"]*",/, ''));
      const pl = JSON.parse(readFileSync(path.join(d, 'locales/pl.json'), 'utf8'));
      pl.padding = 'x'.repeat(16_000);
      writeFileSync(path.join(d, 'locales/pl.json'), JSON.stringify(pl));
    });
    const problems = projectChecks(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        'locales/fr.json: missing tally.js.copied',
        'locales/fr.json: tally.js.greeting has placeholders {nom}, the default has {name}',
        'locales/pl.json: padding is not in en.default.json',
      ]),
    );
    expect(problems.some((p) => /^locales\/pl\.json: \d+ bytes, Shopify allows 15360$/.test(p))).toBe(true);
  });

  it('catches more than 100 KB of Liquid and a block using content_for_header', () => {
    const dir = brokenCopy((d) => {
      writeFileSync(path.join(d, 'snippets/huge.liquid'), `{% comment %}${'x'.repeat(101 * 1024)}{% endcomment %}`);
      edit(d, 'blocks/member-card.liquid', (s) => s.replace('<h2>', '{{ content_for_header }}<h2>'));
    });
    const problems = projectChecks(dir);
    expect(problems.some((p) => /^blocks\/ \+ snippets\/: \d+ bytes of Liquid, Shopify allows 102400$/.test(p))).toBe(true);
    expect(problems).toContain(
      'blocks/member-card.liquid: extensions cannot use content_for_header, content_for_layout or content_for_index',
    );
  });
});

describe('translations the script uses', () => {
  const en = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'locales/en.default.json'), 'utf8')).tally.js as Record<string, string>;

  it('are exactly the keys the strings snippet hands to the script', () => {
    const snippet = readFileSync(path.join(EXTENSION_DIR, 'snippets/tally-strings.liquid'), 'utf8');
    const listed = /assign tally_keys = '([^']+)'/.exec(snippet)![1]!.split(',');
    expect(listed.sort()).toEqual(Object.keys(en).sort());
  });

  it('cover every key the script asks for by name', () => {
    const src = ['render.ts', 'tally-widget.ts']
      .map((f) => readFileSync(path.join(EXTENSION_DIR, '../loyalty-widget-src', f), 'utf8'))
      .join('\n');
    const used = [...src.matchAll(/f\.[th]\('([\w-]+)'/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(40);
    expect(used.filter((k) => !(k in en))).toEqual([]);
  });
});
