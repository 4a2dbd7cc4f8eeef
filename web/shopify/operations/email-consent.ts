// Telling Shopify a customer unsubscribed from marketing emails (Tally's one-click unsubscribe of the marketing
// category): Shopify keeps the customer's email marketing consent, which every other app and Shopify Email read.

/** Sets the customer's email marketing state; `consentUpdatedAt` is when the customer asked. Needs write_customers. */
export const CUSTOMER_EMAIL_MARKETING_CONSENT_UPDATE = `#graphql
  mutation CustomerEmailMarketingConsentUpdate($input: CustomerEmailMarketingConsentUpdateInput!) {
    customerEmailMarketingConsentUpdate(input: $input) {
      customer { id defaultEmailAddress { marketingState marketingUpdatedAt } }
      userErrors { field message code }
    }
  }`;
