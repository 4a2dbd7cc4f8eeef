// The harness page's script: defines the `s-*` elements, installs the fake
// `shopify` global from the setup the server wrote into the page, then loads
// the extension's built module and runs its default export, as Shopify's
// worker does for the target.
import { defineComponents } from './components.js';
import { fakeShopify, type HarnessSetup } from './host.js';

declare global {
  interface Window {
    tallyHarnessToken(): Promise<string>;
    tallyHarness: { setup: HarnessSetup; ready: boolean; error: string | null };
  }
}

defineComponents();
const state = window.tallyHarness;
(globalThis as unknown as { shopify: unknown }).shopify = fakeShopify(state.setup, () => window.tallyHarnessToken());
const file = state.setup.target === 'purchase.thank-you.block.render' ? '/thank-you.js' : '/order-status.js';
import(/* @vite-ignore */ file)
  .then((module: { default: () => Promise<void> }) => module.default())
  .then(() => void (state.ready = true))
  .catch((error: Error) => void (state.error = String(error?.stack ?? error)));
