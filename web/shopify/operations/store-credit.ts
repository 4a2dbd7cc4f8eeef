// Taking store credit back (a cashback whose order was refunded later).
// Shopify refuses to debit more than the account holds, so the balance is
// read first and the debit is what is there, at most.

/** The customer's store credit accounts with their balances (one per currency). */
export const CUSTOMER_STORE_CREDIT = `#graphql
  query CustomerStoreCredit($id: ID!) {
    customer(id: $id) {
      id
      storeCreditAccounts(first: 10) { nodes { id balance { amount currencyCode } } }
    }
  }`;

export const STORE_CREDIT_ACCOUNT_DEBIT = `#graphql
  mutation StoreCreditAccountDebit($id: ID!, $debitInput: StoreCreditAccountDebitInput!) {
    storeCreditAccountDebit(id: $id, debitInput: $debitInput) {
      storeCreditAccountTransaction { id amount { amount currencyCode } balanceAfterTransaction { amount currencyCode } }
      userErrors { field message code }
    }
  }`;
