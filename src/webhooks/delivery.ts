/**
 * The webhook delivery loop: every `pollMs` it takes the due deliveries from the outbox (the
 * store), POSTs each signed body to its receiver with a timeout, and records the attempt (status
 * or error, duration) in the delivery log. A 2xx delivers; anything else retries after an
 * exponential backoff with jitter ({@link backoffMs}), up to `maxAttempts`, then the delivery is
 * dead (kept in the log). Deliveries run concurrently and never on a request's path: a hanging
 * receiver holds one of the loop's slots until its timeout, never a label.
 *
 * Delivery is at least once: a delivery whose attempt was cut by a crash is sent again after a
 * restart, with the same event id, so receivers drop ids they have seen.
 *
 * @example
 * const loop = new WebhookDelivery({ store });
 * loop.start();
 * await loop.close();
 */
import { Rng } from "../linalg/rng.js";
import type { DueDelivery, Store } from "../store/types.js";
import { postJson, type Poster, type PostResult } from "./post.js";
import { EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from "./signature.js";

export interface DeliveryOptions {
  readonly store: Store;
  /** Sends one request (default: node:http/https, {@link postJson}). */
  readonly post?: Poster;
  /** The clock in ms (default Date.now). */
  readonly now?: () => number;
  /** Uniform [0, 1) draws for the jitter (default: a generator seeded with `seed`). */
  readonly random?: () => number;
  readonly seed?: number;
  /** Per attempt (default 5,000 ms). */
  readonly timeoutMs?: number;
  /** Attempts before a delivery is dead (default 8). */
  readonly maxAttempts?: number;
  /** The first retry's delay before jitter (default 2,000 ms); doubles per attempt. */
  readonly baseDelayMs?: number;
  /** The longest delay before jitter (default 10 minutes). */
  readonly maxDelayMs?: number;
  /** How often the outbox is read (default 1,000 ms). */
  readonly pollMs?: number;
  /** Deliveries in flight at most (default 8). */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
  /** How long the log keeps a finished delivery (default 30 days); older ones are pruned once an hour. */
  readonly retainMs?: number;
}

/** How often finished deliveries past their retention are pruned. */
const PRUNE_EVERY_MS = 3600_000;

/**
 * The delay before attempt `attempt + 1` after `attempt` failed ones: base * 2^(attempt-1),
 * capped at `max`, times a jitter factor in [0.5, 1) ("equal jitter": receivers recovering from
 * an outage are not hit by every project at once).
 */
export function backoffMs(attempt: number, base: number, max: number, u: number): number {
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + 0.5 * u));
}

export class WebhookDelivery {
  private readonly store: Store;
  private readonly post: Poster;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly log: (line: string) => void;
  private readonly retainMs: number;
  private lastPrune = -Infinity;
  private readonly inFlight = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set when close stopped waiting: late attempts are not recorded (the store may be closed). */
  private abandoned = false;

  constructor(o: DeliveryOptions) {
    this.store = o.store;
    this.post = o.post ?? postJson;
    this.now = o.now ?? Date.now;
    const rng = new Rng(o.seed ?? 0);
    this.random = o.random ?? (() => rng.next());
    this.timeoutMs = o.timeoutMs ?? 5_000;
    this.maxAttempts = Math.max(1, o.maxAttempts ?? 8);
    this.baseDelayMs = o.baseDelayMs ?? 2_000;
    this.maxDelayMs = o.maxDelayMs ?? 600_000;
    this.pollMs = o.pollMs ?? 1_000;
    this.concurrency = Math.max(1, o.concurrency ?? 8);
    this.log = o.log ?? (() => undefined);
    this.retainMs = o.retainMs ?? 30 * 24 * 3600_000;
  }

  /** Prunes finished deliveries older than the retention, at most once an hour (or now with `force`). */
  prune(force = false): number {
    const now = this.now();
    if (!force && now - this.lastPrune < PRUNE_EVERY_MS) return 0;
    this.lastPrune = now;
    const n = this.store.pruneDeliveries(now - this.retainMs);
    if (n > 0) this.log(`webhooks: pruned ${n} finished deliveries older than ${Math.round(this.retainMs / 86_400_000)} days from the log`);
    return n;
  }

  /** Reads the outbox every `pollMs` until {@link close}. */
  start(): void {
    if (this.closed || this.timer !== null) return;
    const tick = (): void => {
      this.timer = null;
      if (this.closed) return;
      try {
        this.prune();
        void Promise.all(this.launch());
      } catch (e) {
        this.log(`webhooks: cannot read the outbox: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.timer = setTimeout(tick, this.pollMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /** Starts the due deliveries (up to the free slots) and resolves when those attempts are recorded. */
  async runOnce(): Promise<number> {
    const started = this.launch();
    await Promise.all(started);
    return started.length;
  }

  /** Resolves when no attempt is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  /**
   * Stops reading the outbox and waits up to `waitMs` (default 1,000) for the attempts in flight.
   * Those still running after it are abandoned unrecorded: their deliveries stay pending and are
   * sent again by the next process (receivers drop the repeated id).
   */
  async close(waitMs = 1_000): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([this.idle().then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)))]);
    clearTimeout(timer);
    if (!waited) this.abandoned = true;
  }

  private launch(): Promise<void>[] {
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return [];
    const due = this.store.dueDeliveries(this.now(), free, new Set(this.inFlight.keys()));
    return due.map((d) => {
      const p = this.attempt(d).finally(() => this.inFlight.delete(d.deliveryId));
      this.inFlight.set(d.deliveryId, p);
      return p;
    });
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const attempt = d.attempts + 1;
    const at = this.now();
    const timestamp = Math.floor(at / 1000);
    const headers = {
      [SIGNATURE_HEADER]: sign(d.webhook.secret, timestamp, d.body),
      [TIMESTAMP_HEADER]: String(timestamp),
      [EVENT_HEADER]: d.event,
      [ID_HEADER]: d.eventId,
    };
    const t0 = performance.now();
    let r: PostResult;
    try {
      r = await this.post(d.webhook.url, d.body, headers, this.timeoutMs);
    } catch (e) {
      r = { status: null, error: e instanceof Error ? e.message : String(e) };
    }
    const durationMs = Math.round((performance.now() - t0) * 10) / 10;
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const error = ok ? null : (r.error ?? `HTTP ${r.status ?? "?"}`);
    const state = ok ? "delivered" : attempt >= this.maxAttempts ? "dead" : "pending";
    const nextAt = state === "pending" ? this.now() + backoffMs(attempt, this.baseDelayMs, this.maxDelayMs, this.random()) : this.now();
    if (this.abandoned) return;
    try {
      this.store.recordDeliveryAttempt({ deliveryId: d.deliveryId, attempt, at, status: r.status, error, durationMs, state, nextAt });
    } catch (e) {
      // The store is closed or failing: the delivery stays pending and is retried after a restart.
      this.log(`webhooks: cannot record an attempt: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (state === "dead") this.log(`webhooks: gave up on ${d.event} ${d.eventId} to ${d.webhook.url} after ${attempt} attempts (${error ?? ""})`);
  }
}
