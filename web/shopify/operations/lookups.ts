// Read-only Admin API documents the app sends.

/** Whether a discount code exists (a retried issue asks before creating it again). */
export const CODE_DISCOUNT_BY_CODE = `#graphql
  query CodeDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) { id }
  }`;

/** A variant's price: a free-product reward is that unit's price off. */
export const VARIANT_PRICE = `#graphql
  query VariantPrice($id: ID!) {
    productVariant(id: $id) { price }
  }`;
