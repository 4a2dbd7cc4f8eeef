// The parts of Shopify's `shopify` global this extension reads, on both of its
// targets (purchase.thank-you.block.render and
// customer-account.order-status.block.render). Typed here rather than through
// the CLI's generated shopify.d.ts so the app's typecheck and the local
// harness (tests/e2e/harness/thank-you) share one contract.
export interface SignalLike<T> {
  readonly value: T;
}

export interface ExtensionHost {
  sessionToken: { get(): Promise<string> };
  i18n: {
    translate(key: string, options?: Record<string, string | number>): string;
    formatNumber(value: number): string;
    formatDate(date: Date, options?: Intl.DateTimeFormatOptions): string;
  };
  localization: { language: SignalLike<{ isoCode: string }> };
  /** Thank-you page: the order just placed. */
  orderConfirmation?: SignalLike<{ order: { id: string } } | undefined>;
  /** Order status page: the order shown. */
  order?: SignalLike<{ id: string } | undefined>;
}

export const host = (): ExtensionHost => (globalThis as unknown as { shopify: ExtensionHost }).shopify;
