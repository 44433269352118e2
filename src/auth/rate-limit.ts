/**
 * Login attempts rate limiting: failed attempts are counted per account name and per client
 * address over a sliding window; a name or address with too many failures in the window is
 * refused until its oldest failure leaves the window. The clock is injected (tests step it). The
 * memory is bounded: at most `maxKeys` names and addresses are tracked, the least recently
 * failed dropped first (a flood of made-up names cannot grow it without bound, and the per-address
 * limit still holds for the flooder).
 *
 * @example
 * const limiter = new LoginRateLimiter({ now: Date.now });
 * const c = limiter.check(name, addr); if (!c.allowed) return 429 with Retry-After c.retryAfterMs
 * if (await loginWithPassword(...) === null) limiter.fail(name, addr); else limiter.succeed(name);
 */

export interface RateLimitOptions {
  /** Failures allowed per name in the window (default 5). */
  readonly perName?: number;
  /** Failures allowed per client address in the window (default 20). */
  readonly perAddress?: number;
  /** The window in milliseconds (default 15 minutes). */
  readonly windowMs?: number;
  /** Names and addresses tracked at most (default 10,000). */
  readonly maxKeys?: number;
  /** The clock, in milliseconds. */
  readonly now: () => number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number; readonly reason: "name" | "address" };

export class LoginRateLimiter {
  private readonly perName: number;
  private readonly perAddress: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Failure times per key ("n:" + name or "a:" + address), oldest first; map order = least recently failed first. */
  private readonly failures = new Map<string, number[]>();

  constructor(o: RateLimitOptions) {
    this.perName = o.perName ?? 5;
    this.perAddress = o.perAddress ?? 20;
    this.windowMs = o.windowMs ?? 15 * 60 * 1000;
    this.maxKeys = o.maxKeys ?? 10_000;
    this.now = o.now;
    for (const [k, v] of Object.entries({ perName: this.perName, perAddress: this.perAddress, windowMs: this.windowMs, maxKeys: this.maxKeys })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`LoginRateLimiter: ${k} must be a whole number >= 1, got ${v}`);
    }
  }

  /** The failures of `key` still in the window (older ones are dropped). */
  private live(key: string, t: number): number[] {
    const list = this.failures.get(key);
    if (list === undefined) return [];
    while (list.length > 0 && list[0] <= t - this.windowMs) list.shift();
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private refusal(key: string, limit: number, t: number): number | null {
    const list = this.live(key, t);
    if (list.length < limit) return null;
    // Allowed again when the failure that brings the count under the limit leaves the window.
    return list[list.length - limit] + this.windowMs - t;
  }

  /** Whether a login attempt for `name` from `address` may be checked now. */
  check(name: string, address: string): RateDecision {
    const t = this.now();
    const byAddress = this.refusal(`a:${address}`, this.perAddress, t);
    if (byAddress !== null) return { allowed: false, retryAfterMs: byAddress, reason: "address" };
    const byName = this.refusal(`n:${name}`, this.perName, t);
    if (byName !== null) return { allowed: false, retryAfterMs: byName, reason: "name" };
    return { allowed: true };
  }

  /** Records a failed attempt. */
  fail(name: string, address: string): void {
    const t = this.now();
    for (const key of [`n:${name}`, `a:${address}`]) {
      const list = this.live(key, t);
      list.push(t);
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  /** A successful login clears the name's failures (the address's stay: it may be guessing other names). */
  succeed(name: string): void {
    this.failures.delete(`n:${name}`);
  }

  /** Names and addresses tracked now. */
  get tracked(): number {
    return this.failures.size;
  }
}
