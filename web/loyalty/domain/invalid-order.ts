// The error of an order payload the engine cannot use. In a module of its own
// so code that only needs the error (earn-base, and through it the admin UI's
// forms) does not pull in order-facts' server-only imports (node:crypto).
export class InvalidOrderError extends Error {
  override readonly name = 'InvalidOrderError';
  constructor(
    /** Dotted path of the offending field in the payload, e.g. "line_items.2.price_set.shop_money.amount". */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || 'payload'}: ${reason}`);
  }
}
