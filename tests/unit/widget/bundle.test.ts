// The committed scripts (tally-widget.js, and tally-panel.js that it loads on
// the first opening) are what Shopify deploys: each must be a fresh build of
// the TypeScript source, and stay inside the budget (Shopify's 10 KB
// compressed for an app block's JavaScript; theme-check's 10,000 bytes
// uncompressed for a file named in a block's schema).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidget, WIDGET_SCRIPTS } from '../../../scripts/build-widget.js';

const BUDGET_COMPRESSED = 10 * 1024;
const THEME_CHECK_LIMIT = 10_000;

describe.each(WIDGET_SCRIPTS.map((s) => ({ ...s, name: path.basename(s.asset) })))('$name', ({ entry, asset }) => {
  it('is a fresh build of extensions/loyalty-widget-src (run `npm run build:widget` after changing it)', async () => {
    const fresh = await buildWidget(entry);
    expect(readFileSync(asset).equals(fresh)).toBe(true);
  });

  it('stays under 10 KB compressed (gzip and brotli) and 10,000 bytes raw', () => {
    const raw = readFileSync(asset);
    const gzip = gzipSync(raw, { level: 9 }).length;
    const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    expect(raw.length).toBeLessThanOrEqual(THEME_CHECK_LIMIT);
    expect(gzip).toBeLessThanOrEqual(BUDGET_COMPRESSED);
    expect(brotli).toBeLessThanOrEqual(BUDGET_COMPRESSED);
  });
});
