import { exportCustomerData } from '../loyalty/compliance.js';
import { customersDataRequestPayload } from './schemas.js';
import { defineHandler } from './types.js';

// Mandatory compliance topic: the export is stored for the merchant to send
// to the customer (GET /api/admin/compliance-requests/:id).
export default defineHandler({
  topic: 'customers/data_request',
  payload: customersDataRequestPayload,
  requiresInstalledShop: false,
  async handle({ tx, shop, log }, request) {
    const result = await exportCustomerData(tx, shop, {
      customerId: `gid://shopify/Customer/${request.customer.id}`,
      dataRequestId: request.data_request.id,
    });
    log.info(result, 'customer data exported');
    return 'processed';
  },
});
