import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jwtVerify } from 'jose';
import { appProxySignature, mintSessionToken, webhookHmac } from '../../web/shopify/signing.js';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/shopify/test-vectors.json', import.meta.url), 'utf8'));

describe('development signing tools reproduce Shopify', () => {
  it('app proxy signature: the published example', () => {
    const v = vectors.app_proxy_signature[0];
    const params: Record<string, string | string[]> = {};
    for (const [k, val] of new URLSearchParams(v.forwarded_query)) {
      const prev = params[k];
      params[k] = prev === undefined ? val : ([] as string[]).concat(prev, val);
    }
    expect(appProxySignature(params, v.secret)).toBe(v.expected_hex);
  });

  it('webhook HMAC: both published vectors', () => {
    const body = readFileSync(new URL('../../dev/fixtures/shopify/webhooks/orders-create.json', import.meta.url));
    expect(webhookHmac(body, 'hush')).toBe(vectors.webhook_hmac[0].expected_base64);
    expect(webhookHmac(vectors.webhook_hmac[1].body, 'hush')).toBe(vectors.webhook_hmac[1].expected_base64);
  });

  it('session tokens carry the claims Shopify sets, valid for one minute', async () => {
    const token = await mintSessionToken({ shop: 'a.myshopify.com', apiKey: 'key', secret: 's', now: 1_700_000_000 });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode('s'), {
      currentDate: new Date(1_700_000_030_000),
      audience: 'key',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: 'https://a.myshopify.com/admin', dest: 'https://a.myshopify.com', aud: 'key' });
    expect(payload.exp! - payload.nbf!).toBe(60);
  });
});
