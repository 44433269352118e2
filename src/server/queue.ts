/**
 * The ready queue: the ranked unlabeled items from the last retrain, a cursor over them, and
 * leases, so `next` is O(1) amortised and never waits for a model. An item is handed to one
 * annotator at a time: a lease that expires after `leaseMs`. An annotator holds at most two items:
 * the current one and one fetched ahead (so the page can show the next item without a wait).
 * Asking again returns the current item (lease renewed) until they label or skip it; asking with
 * `ahead` returns the second item, leasing one if needed.
 *
 * Pool indices throughout (0..n-1).
 */
import type { Rng } from "../linalg/rng.js";

export interface Lease {
  readonly annotator: string;
  expiresAt: number;
  /** True if the item was a uniformly random audit pick. */
  readonly audit: boolean;
}

export interface Pick {
  readonly idx: number;
  readonly audit: boolean;
  /** Position in the ranking (-1 for audit picks and returned items). */
  readonly rank: number;
}

export interface QueueOptions {
  readonly leaseMs: number;
  /** Every `auditEvery`-th new pick is uniformly random among available items (0 = never). */
  readonly auditEvery: number;
}

/** Items one annotator may hold at once: the current one and one fetched ahead. */
export const MAX_HELD = 2;

export class ReadyQueue {
  private order: Int32Array = new Int32Array(0);
  private head = 0;
  /** Items put back (an undone label): served before the ranking. */
  private returned: number[] = [];
  private readonly leases = new Map<number, Lease>();
  /** Items leased to each annotator, current first (at most MAX_HELD). */
  private readonly held = new Map<string, number[]>();
  private readonly skipped = new Map<string, Set<number>>();
  private picks = 0;

  constructor(
    /** Whether an item is labeled (shared state owned by the project). */
    private readonly isLabeled: (idx: number) => boolean,
    private readonly poolSize: number,
    private readonly options: QueueOptions,
  ) {}

  /** Installs a new ranking (unlabeled items best first). Leases are kept. */
  setOrder(order: Int32Array): void {
    this.order = order;
    this.head = 0;
  }

  /** Records that `annotator` skipped `idx` (they will not be offered it again). */
  markSkipped(idx: number, annotator: string): void {
    let s = this.skipped.get(annotator);
    if (s === undefined) {
      s = new Set();
      this.skipped.set(annotator, s);
    }
    s.add(idx);
  }

  /** Takes back `annotator`'s skip of `idx` (it may be offered to them again). */
  unmarkSkipped(idx: number, annotator: string): void {
    const s = this.skipped.get(annotator);
    if (s === undefined) return;
    s.delete(idx);
    if (s.size === 0) this.skipped.delete(annotator);
  }

  /** The lease on `idx`, if one is live at `now`. */
  leaseOf(idx: number, now: number): Lease | undefined {
    const l = this.leases.get(idx);
    if (l === undefined) return undefined;
    if (l.expiresAt <= now) {
      this.drop(idx);
      return undefined;
    }
    return l;
  }

  /** Ends the lease on `idx` (labeled, skipped). */
  release(idx: number): void {
    this.drop(idx);
  }

  /** Puts an item back (its label was undone) and leases it to `annotator` as their current item. */
  putBack(idx: number, annotator: string, now: number): void {
    // Also first in line for anyone, should this lease expire.
    this.returned.push(idx);
    this.lease(idx, annotator, now, false, true);
  }

  private drop(idx: number): void {
    const l = this.leases.get(idx);
    if (l === undefined) return;
    this.leases.delete(idx);
    const h = this.held.get(l.annotator);
    if (h !== undefined) {
      const at = h.indexOf(idx);
      if (at >= 0) h.splice(at, 1);
      if (h.length === 0) this.held.delete(l.annotator);
    }
  }

  /** Leases idx to annotator: as their current item (`first`), else after what they hold. */
  private lease(idx: number, annotator: string, now: number, audit: boolean, first = false): void {
    const cur = this.leases.get(idx);
    if (cur !== undefined && cur.annotator !== annotator) this.drop(idx);
    let h = this.held.get(annotator);
    if (h === undefined) {
      h = [];
      this.held.set(annotator, h);
    }
    const at = h.indexOf(idx);
    if (at >= 0) h.splice(at, 1);
    if (first) h.unshift(idx);
    else h.push(idx);
    this.leases.set(idx, { annotator, expiresAt: now + this.options.leaseMs, audit });
    // Beyond MAX_HELD, the item fetched longest ago goes back to the pool.
    while (h.length > MAX_HELD) this.drop(h[first ? h.length - 1 : 0]);
  }

  /** What `annotator` holds that is still leased to them and unlabeled, current first. */
  private heldBy(annotator: string, now: number): number[] {
    const h = this.held.get(annotator);
    if (h === undefined) return [];
    for (const idx of h.slice()) {
      const l = this.leaseOf(idx, now);
      if (l === undefined || this.isLabeled(idx)) this.drop(idx);
    }
    return this.held.get(annotator)?.slice() ?? [];
  }

  private available(idx: number, annotator: string, now: number): boolean {
    if (this.isLabeled(idx)) return false;
    if (this.skipped.get(annotator)?.has(idx) === true) return false;
    // Items leased to anyone, this annotator included, are not handed out again.
    return this.leaseOf(idx, now) === undefined;
  }

  /**
   * The next item for `annotator` (leased to them), or null when nothing is available to them.
   * @param rng used only for audit picks
   * @param ahead the item after the current one (fetched ahead), not the current one
   */
  next(annotator: string, now: number, rng: Rng, auditAllowed: boolean, ahead = false): Pick | null {
    const mine = this.heldBy(annotator, now);
    const want = ahead ? 1 : 0;
    if (mine.length > want) {
      const idx = mine[want];
      const l = this.leases.get(idx) as Lease;
      l.expiresAt = now + this.options.leaseMs;
      return { idx, audit: l.audit, rank: -1 };
    }
    for (let i = this.returned.length - 1; i >= 0; i--) {
      const idx = this.returned[i];
      if (this.isLabeled(idx)) this.returned.splice(i, 1);
      else if (this.available(idx, annotator, now)) {
        this.returned.splice(i, 1);
        this.lease(idx, annotator, now, false);
        return { idx, audit: false, rank: -1 };
      }
    }
    this.picks++;
    if (auditAllowed && this.options.auditEvery > 0 && this.picks % this.options.auditEvery === 0) {
      for (let tries = 0; tries < 64; tries++) {
        const idx = rng.int(this.poolSize);
        if (this.available(idx, annotator, now)) {
          this.lease(idx, annotator, now, true);
          return { idx, audit: true, rank: -1 };
        }
      }
    }
    // Labeled items at the head are gone for good; leased or skipped ones are stepped over.
    while (this.head < this.order.length && this.isLabeled(this.order[this.head])) this.head++;
    for (let p = this.head; p < this.order.length; p++) {
      const idx = this.order[p];
      if (this.available(idx, annotator, now)) {
        this.lease(idx, annotator, now, false);
        return { idx, audit: false, rank: p };
      }
    }
    return null;
  }

  /** Live leases (for stats and tests). */
  leaseCount(now: number): number {
    let c = 0;
    for (const l of this.leases.values()) if (l.expiresAt > now) c++;
    return c;
  }
}
