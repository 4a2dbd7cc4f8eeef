// The panel's renderer, a second script (assets/tally-panel.js) that the
// widget loads the first time a shopper opens a panel: the launcher on every
// page needs only tally-widget.js, and each file stays inside Shopify's
// 10,000-byte limit for an app block's script.
import { renderPanel } from './render.js';

export interface PanelScript {
  renderPanel: typeof renderPanel;
}

(window as unknown as { TallyPanel: PanelScript }).TallyPanel = { renderPanel };
