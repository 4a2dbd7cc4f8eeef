// Bulk operations (issue 16, the history import): start a bulk query and read
// its status. Shopify runs it in the background, sends bulk_operations/finish
// when it ends, and serves the result as a JSONL file at `url`.

/** Starts a bulk query; `query` is HISTORY_ORDERS_QUERY with its filter. */
export const BULK_RUN_QUERY = `#graphql
  mutation BulkRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }`;

/** A bulk operation's state: polled as the fallback when bulk_operations/finish is late or lost. */
export const BULK_OPERATION_STATUS = `#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount url createdAt completedAt }
  }`;

/**
 * The shop's orders since a day, with what an order record needs: line items (a connection, so on lines of their
 * own with __parentId), their discount allocations and taxes, refunds with their refunded lines, and the customer.
 * The filter is spliced in as a day (YYYY-MM-DD, checked by the caller): a bulk query takes no variables.
 */
export const historyOrdersQuery = (since: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new RangeError(`not a day: ${since}`);
  return HISTORY_ORDERS_QUERY.replace('$SINCE', since);
};

export const HISTORY_ORDERS_QUERY = `#graphql
  query HistoryOrders {
    orders(query: "processed_at:>=$SINCE", sortKey: PROCESSED_AT) {
      edges {
        node {
          id name email createdAt processedAt updatedAt cancelledAt test taxesIncluded currencyCode
          displayFinancialStatus displayFulfillmentStatus discountCodes
          customer { id firstName lastName defaultEmailAddress { emailAddress } }
          totalPriceSet { shopMoney { amount currencyCode } }
          totalTaxSet { shopMoney { amount currencyCode } }
          totalShippingPriceSet { shopMoney { amount currencyCode } }
          lineItems {
            edges {
              node {
                id quantity isGiftCard
                product { id }
                originalUnitPriceSet { shopMoney { amount currencyCode } }
                discountAllocations { allocatedAmountSet { shopMoney { amount currencyCode } } }
                taxLines { priceSet { shopMoney { amount currencyCode } } }
              }
            }
          }
          refunds {
            id createdAt
            refundLineItems {
              edges {
                node {
                  id quantity
                  lineItem { id }
                  subtotalSet { shopMoney { amount currencyCode } }
                  totalTaxSet { shopMoney { amount currencyCode } }
                }
              }
            }
          }
        }
      }
    }
  }`;
