// Calls the admin API as the admin UI does: a real session token for `shop`.
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { mintSessionToken } from '../../web/shopify/signing.js';

export interface AdminAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

export function adminApi(baseUrl: string, shop = DEV_SHOP) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<AdminAnswer> => {
    const token = await mintSessionToken({ shop, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, userId: '4242' });
    const res = await fetch(`${baseUrl}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // CSV, NDJSON or empty
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
}
