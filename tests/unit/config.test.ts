import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_API_SECRET, loadConfig } from '../../web/config.js';

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
    expect(loadConfig({ PORT: '8080', TALLY_WORKER: 'false', SHOPIFY_API_SECRET: 'x' })).toMatchObject({ port: 8080, worker: false, shopify: { apiSecret: 'x' } });
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });
});
