// Limits on anonymous storefront writes: fixed windows counted in this
// process's memory (one Tally process per shop's traffic; several processes
// behind a load balancer would each allow the limit).

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: Limit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key`: 0 when allowed, otherwise the seconds until its window ends. */
  take(key: string): number {
    const t = this.now();
    let window = this.windows.get(key);
    if (!window || t - window.start >= this.limit.windowMs) {
      if (this.windows.size >= 50_000) this.forgetEnded(t);
      window = { start: t, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.limit.max ? Math.max(1, Math.ceil((window.start + this.limit.windowMs - t) / 1000)) : 0;
  }

  /** Keeps memory bounded when many keys (addresses) come and go. */
  private forgetEnded(t: number) {
    for (const [key, window] of this.windows) if (t - window.start >= this.limit.windowMs) this.windows.delete(key);
  }
}
