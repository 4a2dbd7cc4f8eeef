// Where the merchant switches the storefront widget on: the theme editor's
// app embeds, with Tally's embed selected. The handle is the app embed
// block's file name in extensions/loyalty-widget/blocks/ (built on the
// `widget` branch): a unit test keeps the two the same.
export const WIDGET_EMBED_HANDLE = 'app-embed';

/** The app's client id, which index.html carries for App Bridge. */
export function apiKey(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="shopify-api-key"]')?.content ?? '';
}

/** Deep link to the live theme's editor with the embed ready to be switched on. */
export function themeEditorUrl(shopDomain: string): string {
  const params = new URLSearchParams({ context: 'apps', activateAppId: `${apiKey()}/${WIDGET_EMBED_HANDLE}` });
  return `https://${shopDomain}/admin/themes/current/editor?${params}`;
}
