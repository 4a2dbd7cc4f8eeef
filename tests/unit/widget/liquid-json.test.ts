// The development storefront's and the widget preview's `json` filter writes
// what Shopify's does: `<`, `>` and `&` as \u escapes, so merchant text can
// never close the <script> it is printed in (issue 13, item 3).
import { describe, expect, it } from 'vitest';
import { shopifyJson, storefrontEngine } from '../../../web/theme-extension/liquid.js';

describe("Shopify's json filter", () => {
  it('escapes <, > and & as Shopify does, and still parses back to the same text', () => {
    const text = '</script><img src=x onerror=alert(1)> & "quotes" \u2028';
    const out = shopifyJson(text);
    expect(out).toBe('"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e \\u0026 \\"quotes\\" \\u2028"');
    expect(JSON.parse(out)).toBe(text);
  });

  it('is the filter templates get', async () => {
    const { engine } = storefrontEngine({ themeDir: '.', assetBase: '/assets', cache: false });
    expect(await engine.parseAndRender('{{ x | json }}', { x: { a: '<b>' } })).toBe('{"a":"\\u003cb\\u003e"}');
  });
});
