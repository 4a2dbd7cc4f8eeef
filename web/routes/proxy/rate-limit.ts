// Limits on storefront writes (referral visits, redemptions, birthdays): fixed
// windows counted in this process's memory (one Tally process per shop's
// traffic; several processes behind a load balancer would each allow the limit).
// The shopper's address is req.ip, which counts only the proxy hops Tally
// trusts (TRUST_PROXY, web/config.ts): a client cannot choose it.
import { isIPv6 } from 'node:net';
import type { Request, Response } from 'express';
import { HttpError } from '../../http/errors.js';

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Every limit on storefront writes, in one table. Far above what a shopper
 * does (a birthday is saved once; a redemption takes a click and a wait), far
 * below what a script needs to drain codes or the Admin API budget:
 * - referral visits create a real discount code each: 20 per address per 10
 *   minutes, 60 per referral link per hour (friends follow a link a few at a time);
 * - redemptions: 10 per customer per minute, 60 per address per 10 minutes;
 * - birthday: 5 per customer per day, 30 per address per hour;
 * - survey answers: 20 per customer per hour (a shopper may change their mind), 60 per address per hour.
 */
export const STOREFRONT_LIMITS = {
  referralVisit: { perAddress: { max: 20, windowMs: 10 * MINUTE }, perCode: { max: 60, windowMs: HOUR } },
  redemption: { perCustomer: { max: 10, windowMs: MINUTE }, perAddress: { max: 60, windowMs: 10 * MINUTE } },
  birthday: { perCustomer: { max: 5, windowMs: 24 * HOUR }, perAddress: { max: 30, windowMs: HOUR } },
  surveyResponse: { perCustomer: { max: 20, windowMs: HOUR }, perAddress: { max: 60, windowMs: HOUR } },
} as const satisfies Record<string, Record<string, Limit>>;

export type StorefrontWrite = keyof typeof STOREFRONT_LIMITS;

/** Keys (windows) one limiter holds at most: beyond, the oldest window is forgotten. */
const DEFAULT_CAPACITY = 50_000;

export class RateLimiter {
  /** Insertion order is window start order: a restarted window is deleted and set again. */
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: Limit,
    private readonly now: () => number = Date.now,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** Counts one request for `key`: 0 when allowed, otherwise the seconds until its window ends. */
  take(key: string): number {
    const t = this.now();
    let window = this.windows.get(key);
    if (!window || t - window.start >= this.limit.windowMs) {
      this.windows.delete(key);
      if (this.windows.size >= this.capacity) this.makeRoom(t);
      window = { start: t, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.limit.max ? Math.max(1, Math.ceil((window.start + this.limit.windowMs - t) / 1000)) : 0;
  }

  /** Windows held (bounded by the capacity). */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Keeps memory bounded whatever comes: ended windows go first (they are the
   * oldest, so this stops at the first live one); if every window is live,
   * the oldest is forgotten (that key starts afresh rather than a new one
   * being refused).
   */
  private makeRoom(t: number) {
    for (const [key, window] of this.windows) {
      if (t - window.start < this.limit.windowMs) break;
      this.windows.delete(key);
    }
    if (this.windows.size >= this.capacity) this.windows.delete(this.windows.keys().next().value!);
  }
}

/**
 * The address a limit counts: IPv4 as it is, IPv6 by its /64 (one household
 * or server is given a whole /64 and could otherwise take a fresh address per request).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.padStart(4, '0'))
    .join(':')}::/64`;
}

/**
 * The limiters of every storefront write, made from the one table (or none,
 * when switched off for benchmarks: TALLY_RATE_LIMITS=off). One instance per app.
 */
export class StorefrontLimits {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(
    private readonly enabled = true,
    now: () => number = Date.now,
  ) {
    for (const [write, scopes] of Object.entries(STOREFRONT_LIMITS)) {
      for (const [scope, limit] of Object.entries(scopes)) this.limiters.set(`${write}.${scope}`, new RateLimiter(limit, now));
    }
  }

  /**
   * Counts one `write` for `key` under `scope`; over the limit it sets
   * Retry-After (seconds) and throws 429 rate_limited in the app's error shape.
   */
  check<W extends StorefrontWrite>(res: Response, write: W, scope: keyof (typeof STOREFRONT_LIMITS)[W] & string, key: string): void {
    if (!this.enabled) return;
    const wait = this.limiters.get(`${write}.${scope}`)!.take(key);
    if (!wait) return;
    res.set('Retry-After', String(wait));
    throw new HttpError(429, 'rate_limited', `Too many requests: try again in ${wait} seconds`);
  }

  /** Counts one `write` from the shopper's address (per shop). */
  checkAddress(req: Request, res: Response, write: StorefrontWrite): void {
    this.check<StorefrontWrite>(res, write, 'perAddress', `${req.shop} ${addressKey(req.ip)}`);
  }
}
