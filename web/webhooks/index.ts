// Topic → handler. One module per topic; shopify.app.toml subscribes to each.
import type { WebhookHandler } from './types.js';
import appUninstalled from './app-uninstalled.js';
import bulkOperationsFinish from './bulk-operations-finish.js';
import checkoutsCreate from './checkouts-create.js';
import checkoutsUpdate from './checkouts-update.js';
import customersCreate from './customers-create.js';
import customersDataRequest from './customers-data-request.js';
import customersDelete from './customers-delete.js';
import customersEmailMarketingConsentUpdate from './customers-email-marketing-consent-update.js';
import customersRedact from './customers-redact.js';
import customersUpdate from './customers-update.js';
import ordersCancelled from './orders-cancelled.js';
import ordersCreate from './orders-create.js';
import ordersPaid from './orders-paid.js';
import ordersUpdated from './orders-updated.js';
import refundsCreate from './refunds-create.js';
import shopRedact from './shop-redact.js';

const all: WebhookHandler<never>[] = [
  ordersCreate,
  ordersPaid,
  ordersUpdated,
  ordersCancelled,
  refundsCreate,
  customersCreate,
  customersUpdate,
  customersDelete,
  customersEmailMarketingConsentUpdate,
  checkoutsCreate,
  checkoutsUpdate,
  appUninstalled,
  bulkOperationsFinish,
  customersDataRequest,
  customersRedact,
  shopRedact,
] as WebhookHandler<never>[];

export const webhookHandlers: ReadonlyMap<string, WebhookHandler<never>> = new Map(all.map((h) => [h.topic, h]));
