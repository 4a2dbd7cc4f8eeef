// Builds and sends signed webhook deliveries exactly as Shopify would: same
// headers, HMAC over the exact bytes sent. Used by `npm run webhook`, the
// /dev/webhooks page, the benchmarks and the tests.
import { randomUUID } from 'node:crypto';
import { webhookHmac } from '../web/shopify/signing.js';
import { ADMIN_API_VERSION } from '../web/config.js';
import { toShopifyJson } from './payloads.js';

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export function buildDelivery(input: {
  topic: string;
  shop: string;
  payload: unknown;
  secret: string;
  eventId?: string;
  apiVersion?: string;
}): Delivery {
  const body = typeof input.payload === 'string' ? input.payload : toShopifyJson(input.payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': input.topic,
      'x-shopify-hmac-sha256': webhookHmac(body, input.secret),
      'x-shopify-shop-domain': input.shop,
      'x-shopify-api-version': input.apiVersion ?? ADMIN_API_VERSION,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': input.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
    },
  };
}

export interface SendResult {
  status: number;
  body: unknown;
}

/** POSTs the delivery `times` times (Shopify retries reuse the event id) and returns each answer. */
export async function sendDelivery(baseUrl: string, delivery: Delivery, times = 1): Promise<SendResult[]> {
  const results: SendResult[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(new URL('/api/webhooks', baseUrl), { method: 'POST', headers: delivery.headers, body: delivery.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    results.push({ status: res.status, body });
  }
  return results;
}
