import { z } from 'zod';
import { bulkOperationFinished } from '../imports/history.js';
import { defineHandler } from './types.js';

/** bulk_operations/finish: a history import waiting on the operation reads its file now (polling is the fallback). */
export default defineHandler({
  topic: 'bulk_operations/finish',
  payload: z.object({ admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: z.string() }).passthrough(),
  requiresInstalledShop: true,
  async handle({ tx, shop }, payload) {
    const waiting = await bulkOperationFinished(tx, shop, payload.admin_graphql_api_id, new Date());
    return waiting ? 'processed' : 'ignored';
  },
});
