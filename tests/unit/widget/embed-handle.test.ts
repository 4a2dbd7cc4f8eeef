// The admin's "switch the widget on" deep link names the app embed by its
// handle, which Shopify takes from the block's file name. A handle that
// names no block opens the theme editor with nothing to switch on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WIDGET_EMBED_HANDLE } from '../../../web/frontend/src/widget-embed.js';

describe('the theme editor deep link', () => {
  it('names the extension block that is the app embed (target body)', () => {
    const block = readFileSync(`extensions/loyalty-widget/blocks/${WIDGET_EMBED_HANDLE}.liquid`, 'utf8');
    const schema = JSON.parse(block.split('{% schema %}')[1]!.split('{% endschema %}')[0]!) as { target?: string };
    expect(schema.target).toBe('body');
  });
});
