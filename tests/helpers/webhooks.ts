// Sends webhooks to a test app the way Shopify does (real HTTP, real HMAC).
import { expect } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { buildDelivery, sendDelivery, type Delivery } from '../../dev/webhook-simulator.js';

export function delivery(topic: string, payload: unknown, options: { shop?: string; secret?: string; eventId?: string } = {}): Delivery {
  return buildDelivery({
    topic,
    payload,
    shop: options.shop ?? DEV_SHOP,
    secret: options.secret ?? DEV_API_SECRET,
    eventId: options.eventId,
  });
}

export async function send(url: string, d: Delivery, times = 1) {
  return sendDelivery(url, d, times);
}

export async function post(url: string, headers: Record<string, string>, body: string | Buffer) {
  const res = await fetch(new URL('/api/webhooks', url), {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as {
      error?: { code: string; message: string; fields?: Record<string, string> };
      outcome?: string;
    } | null,
  };
}

/** Sends a signed webhook for `shop` once and expects it applied (200). */
export async function deliverOk(url: string, shop: string, topic: string, payload: unknown): Promise<void> {
  const [res] = await send(url, delivery(topic, payload, { shop }));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
}
