// The storefront's rate limiter: fixed windows, Retry-After in seconds, memory
// bounded whatever the keys, IPv6 counted by /64, and the settings that
// configure it (TRUST_PROXY, TALLY_RATE_LIMITS).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../web/config.js';
import { addressKey, RateLimiter, STOREFRONT_LIMITS, StorefrontLimits } from '../../web/routes/proxy/rate-limit.js';
import { HttpError } from '../../web/http/errors.js';
import type { Response } from 'express';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('RateLimiter', () => {
  it('allows max requests per window, then answers the seconds until the window ends', () => {
    const c = clock();
    const limiter = new RateLimiter({ max: 2, windowMs: 60_000 }, c.now);
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    c.advance(15_500);
    expect(limiter.take('a')).toBe(45);
    expect(limiter.take('b')).toBe(0);
    c.advance(44_500);
    expect(limiter.take('a')).toBe(0);
  });

  it('never holds more windows than its capacity, even when every window is live', () => {
    const c = clock();
    const limiter = new RateLimiter({ max: 1, windowMs: 60 * 60_000 }, c.now, 100);
    for (let i = 0; i < 1000; i++) {
      limiter.take(`address-${i}`);
      c.advance(1);
    }
    expect(limiter.size).toBe(100);
    // The newest keys are still counted.
    expect(limiter.take('address-999')).toBeGreaterThan(0);
  });

  it('forgets ended windows before live ones, a restarted window counting as new', () => {
    const c = clock();
    const limiter = new RateLimiter({ max: 1, windowMs: 1000 }, c.now, 2);
    limiter.take('a');
    c.advance(500);
    limiter.take('b');
    c.advance(600); // a's window has ended: it starts again, after b's
    expect(limiter.take('a')).toBe(0);
    c.advance(500); // b's window has ended, a's has not
    limiter.take('c');
    expect(limiter.size).toBe(2);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });
});

describe('addressKey', () => {
  it('counts IPv4 (also IPv4-mapped) as it is and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe(addressKey('2001:db8:1:2::9'));
    expect(addressKey('2001:db8:1:3::9')).not.toBe(addressKey('2001:db8:1:2::9'));
    expect(addressKey('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('StorefrontLimits', () => {
  const response = () => {
    const headers: Record<string, string> = {};
    return { headers, res: { set: (name: string, value: string) => void (headers[name] = value) } as unknown as Response };
  };

  it('throws 429 rate_limited with Retry-After once a limit of the table is reached', () => {
    const c = clock();
    const limits = new StorefrontLimits(true, c.now);
    const { headers, res } = response();
    for (let i = 0; i < STOREFRONT_LIMITS.birthday.perCustomer.max; i++) limits.check(res, 'birthday', 'perCustomer', 'shop 1');
    let error: unknown;
    try {
      limits.check(res, 'birthday', 'perCustomer', 'shop 1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(headers['Retry-After']).toBe(String(24 * 60 * 60));
    // Another write's limit for the same key is its own.
    expect(() => limits.check(res, 'redemption', 'perCustomer', 'shop 1')).not.toThrow();
  });

  it('limits nothing when switched off', () => {
    const limits = new StorefrontLimits(false);
    const { res } = response();
    for (let i = 0; i < 100; i++) limits.check(res, 'birthday', 'perCustomer', 'shop 1');
  });
});

describe('settings', () => {
  it('trusts two proxy hops by default (the host and Shopify), as many as TRUST_PROXY says, and refuses anything but a count', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxyHops).toBe(2);
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '1' }).trustProxyHops).toBe(1);
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '0' }).trustProxyHops).toBe(0);
    for (const bad of ['true', 'all', '-1', '1.5', '10.0.0.0/8'])
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: bad }), bad).toThrow(ConfigError);
  });

  it('limits storefront writes unless TALLY_RATE_LIMITS=off, which production refuses', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).rateLimits).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', TALLY_RATE_LIMITS: 'off' }).rateLimits).toBe(false);
    const production = {
      NODE_ENV: 'production',
      SHOPIFY_API_KEY: 'k',
      SHOPIFY_API_SECRET: 's',
      SHOPIFY_APP_URL: 'https://tally.example.com',
      SCOPES: 'read_orders',
    };
    expect(loadConfig(production).rateLimits).toBe(true);
    expect(() => loadConfig({ ...production, TALLY_RATE_LIMITS: 'off' })).toThrow(/not production/);
  });
});
