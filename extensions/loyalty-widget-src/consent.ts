// The shopper's tracking consent, as Shopify's Customer Privacy API
// (window.Shopify.customerPrivacy) states it: it answers whether consent is
// needed in the shopper's region and whether it was given. Tally's device
// cookie only exists where the API allows analytics processing.

interface CustomerPrivacy {
  analyticsProcessingAllowed?(): boolean;
  preferencesProcessingAllowed?(): boolean;
  /** The API's older name for the same question. */
  userCanBeTracked?(): boolean;
}
interface ShopifyGlobal {
  customerPrivacy?: CustomerPrivacy;
  loadFeatures?(features: Array<{ name: string; version: string }>, done: (error?: unknown) => void): void;
}

/** Shopify's API, loaded if the theme has not yet; null on a page that is no Shopify storefront. */
function privacyApi(): Promise<CustomerPrivacy | null> {
  const shopify = (window as { Shopify?: ShopifyGlobal }).Shopify;
  if (!shopify) return Promise.resolve(null);
  if (shopify.customerPrivacy || !shopify.loadFeatures) return Promise.resolve(shopify.customerPrivacy ?? {});
  return new Promise((resolve) =>
    shopify.loadFeatures!([{ name: 'consent-tracking-api', version: '0.1' }], () => resolve(shopify.customerPrivacy ?? {})),
  );
}

/**
 * Whether this browser may keep Tally's device id. On a Shopify storefront:
 * only when the Customer Privacy API allows it (an API that cannot answer
 * counts as no). Elsewhere (the development storefront, the admin's
 * preview) there is no consent to ask.
 */
export async function mayKeepDeviceId(): Promise<boolean> {
  const api = await privacyApi();
  if (!api) return true;
  return Boolean(api.analyticsProcessingAllowed?.() ?? api.userCanBeTracked?.());
}

/**
 * Whether the widget may remember what the shopper last saw (localStorage:
 * the balance and rewards behind the launcher's "new reward" nudge). That is
 * the API's preferences purpose; the same rules as the device id otherwise.
 */
export async function mayRemember(): Promise<boolean> {
  const api = await privacyApi();
  return !api || Boolean(api.preferencesProcessingAllowed?.());
}

/** Calls `then` when the shopper answers the store's cookie banner. */
export const onConsentCollected = (then: () => void) => document.addEventListener('visitorConsentCollected', then);

/** `Secure` where the page is https (every storefront, Shopify's app proxy); plain http is local development only. */
export const cookieAttributes = (maxAgeDays: number) =>
  `;max-age=${maxAgeDays * 86_400};path=/;SameSite=Lax${location.protocol === 'https:' ? ';Secure' : ''}`;
