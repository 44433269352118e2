/**
 * The ready queue: the ranked unlabeled items from the last retrain, a cursor over them, and
 * leases, so `next` is O(1) amortised and never waits for a model. An item has slots (one, or
 * several for an overlapping item: see overlap.ts); each slot is handed to one annotator at a time
 * by a lease that expires after `leaseMs`, an annotator holds at most one lease per item and is
 * never handed an item they have labeled. An item with N slots of which k are labeled can be
 * leased by up to N-k different annotators at once.
 *
 * An annotator holds at most two items (MAX_HELD): the current one and one fetched ahead (so the
 * page can show the next item without a wait). Asking again returns the current item (lease
 * renewed) until they label or skip it; asking with `ahead` returns the second item, leasing one
 * if needed. The live leases of all annotators together are capped (`maxLeases`): annotator
 * names cost nothing to make up, so a per-annotator cap alone does not keep the pool from being
 * leased away; past the cap a new lease is refused with a TooManyLeasesError.
 *
 * Serving order: items put back (an undone label), then items started but not complete (their
 * other slots), then every `auditEvery`-th pick a uniformly random audit pick, then the ranking.
 *
 * Pool indices throughout (0..n-1).
 */
import { TooManyLeasesError } from "../errors.js";
import type { Rng } from "../linalg/rng.js";
import type { Slots } from "./overlap.js";

export interface Lease {
  readonly annotator: string;
  expiresAt: number;
  /** True if the item was a uniformly random audit pick. */
  readonly audit: boolean;
}

export interface Pick {
  readonly idx: number;
  readonly audit: boolean;
  /** Position in the ranking (-1 for audit picks, returned and started items). */
  readonly rank: number;
}

export interface QueueOptions {
  readonly leaseMs: number;
  /** Every `auditEvery`-th new pick is uniformly random among available items (0 = never). */
  readonly auditEvery: number;
  /** Live leases of all annotators together at most (default: no cap; see {@link defaultLeaseCap}). */
  readonly maxLeases?: number;
  /** Gold items, each fresh pick one of them with probability `rate()` (drawn from the rng). */
  readonly gold?: GoldPicker;
}

/**
 * Items served at a rate past the pool (gold items: see gold.ts), at virtual indices
 * poolSize..poolSize+count-1; which of them an annotator may get is up to the queue's slots.
 */
export interface GoldPicker {
  readonly count: number;
  /** Share of fresh picks that are one of these items, 0..1. */
  rate(): number;
}

/** Items one annotator may hold at once: the current one and one fetched ahead. */
export const MAX_HELD = 2;

/** The default cap on live leases: max(100, 10% of the pool). */
export function defaultLeaseCap(poolSize: number): number {
  return Math.max(100, Math.ceil(poolSize / 10));
}

/** One slot per item, taken once labeled (`isLabeled`): a project without overlap. */
function singleSlots(isLabeled: (idx: number) => boolean): Slots {
  return { remaining: (idx) => (isLabeled(idx) ? 0 : 1), labeledBy: () => false, pending: () => [] };
}

export class ReadyQueue {
  private order: Int32Array = new Int32Array(0);
  private head = 0;
  /** Items put back (an undone label): served before the ranking. */
  private returned: number[] = [];
  /** Live (or not yet purged) leases of each item, one per annotator. */
  private readonly leases = new Map<number, Lease[]>();
  private leaseTotal = 0;
  /** Items leased to each annotator, current first (at most MAX_HELD). */
  private readonly held = new Map<string, number[]>();
  private readonly skipped = new Map<string, Set<number>>();
  private picks = 0;
  private readonly slots: Slots;

  constructor(
    /** The items' slots (overlap.ts), or whether an item is labeled (one slot each). */
    slots: Slots | ((idx: number) => boolean),
    private readonly poolSize: number,
    private readonly options: QueueOptions,
  ) {
    this.slots = typeof slots === "function" ? singleSlots(slots) : slots;
  }

  /** Installs a new ranking (unlabeled items best first). Leases are kept. */
  setOrder(order: Int32Array): void {
    this.order = order;
    this.head = 0;
  }

  /** The first `k` items of the current ranking (what the strategy will serve next). */
  upcoming(k: number): Int32Array {
    return this.order.subarray(0, Math.min(k, this.order.length));
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

  /** The live leases on `idx` at `now` (expired ones are dropped). */
  private liveOn(idx: number, now: number): readonly Lease[] {
    const list = this.leases.get(idx);
    if (list === undefined) return [];
    for (const l of list.slice()) if (l.expiresAt <= now) this.drop(idx, l.annotator);
    return this.leases.get(idx) ?? [];
  }

  /** The lease on `idx` live at `now`: `annotator`'s, or without one named the first of them. */
  leaseOf(idx: number, now: number, annotator?: string): Lease | undefined {
    const live = this.liveOn(idx, now);
    return annotator === undefined ? live[0] : live.find((l) => l.annotator === annotator);
  }

  /**
   * Who keeps `annotator` from labeling `idx` now: the holder of a lease when every free slot of
   * the item is leased to others (and `annotator` neither holds one nor labeled it), else undefined.
   */
  blockedBy(idx: number, annotator: string, now: number): string | undefined {
    const live = this.liveOn(idx, now);
    if (live.length === 0 || live.some((l) => l.annotator === annotator) || this.slots.labeledBy(idx, annotator)) return undefined;
    return live.length >= this.slots.remaining(idx) ? live[0].annotator : undefined;
  }

  /** Ends `annotator`'s lease on `idx` (labeled, skipped); without a name, every lease on it. */
  release(idx: number, annotator?: string): void {
    if (annotator !== undefined) this.drop(idx, annotator);
    else for (const l of (this.leases.get(idx) ?? []).slice()) this.drop(idx, l.annotator);
  }

  /** Puts an item back (its label was undone) and leases it to `annotator` as their current item. */
  putBack(idx: number, annotator: string, now: number): void {
    // Also first in line for anyone, should this lease expire (a gold item is each annotator's own).
    if (idx < this.poolSize) this.returned.push(idx);
    this.lease(idx, annotator, now, false, true);
  }

  private drop(idx: number, annotator: string): void {
    const list = this.leases.get(idx);
    if (list === undefined) return;
    const at = list.findIndex((l) => l.annotator === annotator);
    if (at < 0) return;
    list.splice(at, 1);
    this.leaseTotal--;
    if (list.length === 0) this.leases.delete(idx);
    const h = this.held.get(annotator);
    if (h !== undefined) {
      const i = h.indexOf(idx);
      if (i >= 0) h.splice(i, 1);
      if (h.length === 0) this.held.delete(annotator);
    }
  }

  /** Leases idx to annotator: as their current item (`first`), else after what they hold. */
  private lease(idx: number, annotator: string, now: number, audit: boolean, first = false): void {
    this.drop(idx, annotator);
    // A put-back item takes a slot someone else may hold: the oldest such lease gives way.
    const others = this.leases.get(idx);
    while (others !== undefined && others.length > 0 && others.length >= Math.max(1, this.slots.remaining(idx))) this.drop(idx, others[0].annotator);
    let h = this.held.get(annotator);
    if (h === undefined) {
      h = [];
      this.held.set(annotator, h);
    }
    if (first) h.unshift(idx);
    else h.push(idx);
    let list = this.leases.get(idx);
    if (list === undefined) this.leases.set(idx, (list = []));
    list.push({ annotator, expiresAt: now + this.options.leaseMs, audit });
    this.leaseTotal++;
    // Beyond MAX_HELD, the item fetched longest ago goes back to the pool.
    while (h.length > MAX_HELD) this.drop(h[first ? h.length - 1 : 0], annotator);
  }

  /** What `annotator` holds that is still leased to them and still theirs to label, current first. */
  private heldBy(annotator: string, now: number): number[] {
    const h = this.held.get(annotator);
    if (h === undefined) return [];
    for (const idx of h.slice()) {
      const l = this.leaseOf(idx, now, annotator);
      if (l === undefined || this.slots.remaining(idx) <= 0 || this.slots.labeledBy(idx, annotator)) this.drop(idx, annotator);
    }
    return this.held.get(annotator)?.slice() ?? [];
  }

  private available(idx: number, annotator: string, now: number): boolean {
    // The cheap test first: a started item is often one this annotator labeled.
    if (this.slots.labeledBy(idx, annotator)) return false;
    const free = this.slots.remaining(idx);
    if (free <= 0) return false;
    if (this.skipped.get(annotator)?.has(idx) === true) return false;
    // A slot leased to anyone, this annotator included, is not handed out again.
    const live = this.liveOn(idx, now);
    return live.length < free && !live.some((l) => l.annotator === annotator);
  }

  /**
   * The next item for `annotator` (leased to them), or null when nothing is available to them.
   * @param rng used only for audit picks
   * @param ahead the item after the current one (fetched ahead), not the current one
   * @throws TooManyLeasesError when a new lease is needed and the live leases are at the cap
   */
  next(annotator: string, now: number, rng: Rng, auditAllowed: boolean, ahead = false): Pick | null {
    const mine = this.heldBy(annotator, now);
    const want = ahead ? 1 : 0;
    if (mine.length > want) {
      const idx = mine[want];
      const l = this.leaseOf(idx, now, annotator) as Lease;
      l.expiresAt = now + this.options.leaseMs;
      return { idx, audit: l.audit, rank: -1 };
    }
    if (this.atCap(now)) throw new TooManyLeasesError(`${this.options.maxLeases} items are being labeled at once, the most this project leases; try again when one is labeled or its lease expires (${Math.round(this.options.leaseMs / 1000)} s)`);
    for (let i = this.returned.length - 1; i >= 0; i--) {
      const idx = this.returned[i];
      if (this.slots.remaining(idx) <= 0) this.returned.splice(i, 1);
      else if (this.available(idx, annotator, now)) {
        this.returned.splice(i, 1);
        this.lease(idx, annotator, now, false);
        return { idx, audit: false, rank: -1 };
      }
    }
    for (const idx of this.slots.pending()) {
      if (this.available(idx, annotator, now)) {
        this.lease(idx, annotator, now, false);
        return { idx, audit: false, rank: -1 };
      }
    }
    const gold = this.goldPick(annotator, now, rng);
    if (gold !== null) return gold;
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
    // Complete items at the head are gone for good; leased, skipped or own ones are stepped over.
    while (this.head < this.order.length && this.slots.remaining(this.order[this.head]) <= 0) this.head++;
    for (let p = this.head; p < this.order.length; p++) {
      const idx = this.order[p];
      if (this.available(idx, annotator, now)) {
        this.lease(idx, annotator, now, false);
        return { idx, audit: false, rank: p };
      }
    }
    return null;
  }

  /** With probability `gold.rate()`, a gold item available to `annotator` (a random one), leased to them. */
  private goldPick(annotator: string, now: number, rng: Rng): Pick | null {
    const gold = this.options.gold;
    if (gold === undefined || gold.count === 0) return null;
    const rate = gold.rate();
    if (!(rate > 0) || rng.next() >= rate) return null;
    const start = rng.int(gold.count);
    for (let k = 0; k < gold.count; k++) {
      const idx = this.poolSize + ((start + k) % gold.count);
      if (this.available(idx, annotator, now)) {
        this.lease(idx, annotator, now, false);
        return { idx, audit: false, rank: -1 };
      }
    }
    return null;
  }

  /** Live leases at `now` (expired ones are dropped). */
  leaseCount(now: number): number {
    for (const idx of [...this.leases.keys()]) this.liveOn(idx, now);
    return this.leaseTotal;
  }

  /** Whether the live leases are at the cap (expired ones are dropped only once the count reaches it). */
  private atCap(now: number): boolean {
    const cap = this.options.maxLeases;
    if (cap === undefined || this.leaseTotal < cap) return false;
    return this.leaseCount(now) >= cap;
  }
}
