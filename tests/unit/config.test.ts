import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_API_SECRET, isLoopbackHost, loadConfig } from '../../web/config.js';

describe('config', () => {
  it('refuses to start in production without Shopify credentials, naming what is missing', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SHOPIFY_API_KEY: 'k' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', SHOPIFY_API_KEY: 'k' })).toThrow(/SHOPIFY_API_SECRET, SHOPIFY_APP_URL, SCOPES/);
  });

  it('has no development tools and talks to real Shopify in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SHOPIFY_API_KEY: 'k',
      SHOPIFY_API_SECRET: 's',
      SHOPIFY_APP_URL: 'https://tally.example.com',
      SCOPES: 'read_orders,write_discounts',
      DATABASE_URL: 'postgresql://u@db/tally',
    });
    expect(config).toMatchObject({ devTools: false, seedDemoShop: false, host: '0.0.0.0', database: { url: 'postgresql://u@db/tally' } });
    expect(config.shopify).toMatchObject({ embedded: true, adminApi: { kind: 'shopify' }, scopes: ['read_orders', 'write_discounts'] });
  });

  it('runs development on the embedded database, the documented secret and the Admin stand-in', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ embedded: { dataDir: expect.stringMatching(/\.data$/) } });
    expect(config.shopify).toMatchObject({ apiSecret: DEV_API_SECRET, embedded: false, adminApi: { kind: 'standin' } });
    expect(config).toMatchObject({ devTools: true, seedDemoShop: true, worker: true });
  });

  it('lets the environment override the defaults, and rejects nonsense clearly', () => {
    expect(loadConfig({ PORT: '8080', TALLY_WORKER: 'false', SHOPIFY_API_SECRET: 'x' })).toMatchObject({
      port: 8080,
      worker: false,
      shopify: { apiSecret: 'x' },
    });
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('has development tools only when not connected to an app and listening on loopback, whatever NODE_ENV says', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(loadConfig({ NODE_ENV })).toMatchObject({ devTools: true, shopify: { adminApi: { kind: 'standin' } } });
      expect(loadConfig({ NODE_ENV, HOST: '::1' }).devTools).toBe(true);
      expect(loadConfig({ NODE_ENV, HOST: 'localhost' }).devTools).toBe(true);
      // `shopify app dev` sets SHOPIFY_APP_URL to its public tunnel.
      const connected = loadConfig({
        NODE_ENV,
        SHOPIFY_APP_URL: 'https://x.trycloudflare.com',
        SHOPIFY_API_KEY: 'k',
        SHOPIFY_API_SECRET: 's',
        TALLY_SEED: 'true',
      });
      expect(connected).toMatchObject({ devTools: false, seedDemoShop: false, shopify: { adminApi: { kind: 'shopify' } } });
      expect(connected.devToolsReason).toBe('off: connected to a Shopify app (SHOPIFY_APP_URL is set)');
      const exposed = loadConfig({ NODE_ENV, HOST: '0.0.0.0', TALLY_SEED: 'true' });
      expect(exposed).toMatchObject({ devTools: false, seedDemoShop: false, shopify: { adminApi: { kind: 'shopify' } } });
      expect(exposed.devToolsReason).toBe('off: listening on 0.0.0.0, not loopback only (HOST)');
    }
  });

  it('counts only loopback addresses as loopback', () => {
    expect(
      ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'].filter((h) => !isLoopbackHost(h)),
    ).toEqual([]);
    expect(
      ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '127.0.0.1.nip.io', 'localhost.example.com'].filter(isLoopbackHost),
    ).toEqual([]);
  });
});
