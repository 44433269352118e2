/**
 * Overlap of a served project: which items go to several annotators, how many slots each has
 * (adaptive overlap adds one when the labels disagree), every annotator's current label of each
 * item (their vote), the consensus an item trains with (majority vote; a tie is a dispute and the
 * item does not train; with `consensus: "dawid-skene"` the Dawid-Skene posterior decides, see
 * below), and the items started but not complete (served before new ones).
 *
 * Which items overlap is deterministic under the project's seed: with `on: "random"` an item
 * overlaps when a hash of (seed, pool index) falls below the share, so the overlapping items are
 * a uniform sample (unbiased agreement figures); with `on: "uncertain"` an item overlaps when the
 * model's confidence in it is among the lowest `share` of the strategy's current batch (before
 * the first model: the random rule). An uncertain choice is kept in the store's server state once
 * the item has a label, so a restart keeps it.
 *
 * A reviewer's decision (src/server/reviews.ts) settles an item: while it is the item's latest
 * label record it is the consensus, and the item needs no more labels; a later annotator label
 * supersedes it (as the latest label does without overlap).
 *
 * The consensus method (src/quality/vote-consensus.ts): majority, or Dawid-Skene fitted on every
 * item's current votes when the project is loaded, at every retrain (its training set is read
 * through {@link Overlap.trainingSet}, whichever the method) and when the method changes; between
 * fits an item's consensus is its current votes' posterior under the latest fit. Dawid-Skene falls
 * back to majority while too few items have two or more labels; a posterior too uncertain is a
 * dispute, as a majority tie is. The same fit gives each annotator's estimated accuracy
 * ({@link Overlap.fit}).
 *
 * Without overlap (settings null) the project behaves as before: one slot per item, the item's
 * latest label trains (a review decision, being the latest, among them).
 *
 * @example
 * const ov = Overlap.replay(store, meta, seed, state, () => loop.conf);
 * ov.remaining(3); // slots of item 3 still to label
 * ov.setVote(3, "ana", 1); // after ana's label is stored
 */
import type { OverlapSummary as ContractOverlapSummary } from "../contract/schemas.js";
import type { OverlapSettings } from "../project/overlap-settings.js";
import { unitHash } from "../linalg/hash.js";
export { unitHash };
import { IMPORT_ANNOTATOR } from "../project/init.js";
import type { ProjectMeta, Store } from "../store/types.js";
import type { LabelState, TrainingSet } from "./label-state.js";
import { DEFAULT_CONSENSUS, type ConsensusMethod } from "../project/consensus-settings.js";
import { fitVotes, majorityClass, type VoteFit } from "../quality/vote-consensus.js";

/** Server-state key of the items chosen to overlap by uncertainty (JSON array of pool indices). */
const UNCERTAIN_KEY = "overlap-uncertain";

/** Free slots of items, as the ready queue sees them. */
export interface Slots {
  /** Labels item `idx` still needs from annotators who have not labeled it (0 = complete). */
  remaining(idx: number): number;
  /** Whether `annotator` has a current label on item `idx` (they are not served it again). */
  labeledBy(idx: number, annotator: string): boolean;
  /** Items started (at least one label) but not complete, oldest first. */
  pending(): Iterable<number>;
}

/**
 * The overlap counts of a project (overlapping, complete, disputed and extended items, and the
 * settings): the contract's shape (src/contract/schemas.ts OverlapSummarySchema), so the two cannot drift.
 */
export type OverlapSummary = Readonly<ContractOverlapSummary>;

/** The majority class of `votes`, or -1 when the top classes tie (quality/vote-consensus.ts). */
export const majority = majorityClass;

/** Slots of an overlapping item with these votes: one more per disagreement, up to `max`. */
export function adaptiveSlots(n: number, max: number, votes: readonly number[]): number {
  const unanimous = votes.every((v) => v === votes[0]);
  let s = n;
  while (votes.length >= s && !unanimous && s < max) s++;
  return s;
}

export class Overlap implements Slots {
  /** Each item's human votes: annotator -> class index (their current label). */
  private readonly votes = new Map<number, Map<string, number>>();
  /** Uncertain choices made so far (true = overlaps). */
  private readonly chosen = new Map<number, boolean>();
  /** Uncertain choices of items with a label, as stored. */
  private readonly kept: number[] = [];
  private readonly started = new Set<number>();
  /** Items whose latest label record is a reviewer's decision: its class. */
  private readonly decided = new Map<number, number>();
  /** Uncertain: items whose confidence is below this overlap (null = no model yet). */
  private threshold: number | null = null;

  private current: OverlapSettings | null;
  private method: ConsensusMethod = DEFAULT_CONSENSUS;
  /** The latest consensus fit of the votes (see the file comment). */
  private latest: VoteFit;

  constructor(
    settings: OverlapSettings | null,
    private readonly seed: number,
    private readonly state: LabelState,
    private readonly conf: () => Float32Array | null,
    private readonly store: Store | null = null,
  ) {
    this.current = settings;
    this.latest = fitVotes(this.votes, state.labels.length, this.method);
  }

  /** The overlap of a served project, its votes replayed from the store's annotations. */
  static replay(store: Store, meta: ProjectMeta, seed: number, state: LabelState, conf: () => Float32Array | null): Overlap {
    const o = new Overlap(meta.overlap ?? null, seed, state, conf, store);
    o.method = meta.consensus ?? DEFAULT_CONSENSUS;
    o.load();
    return o;
  }

  /** The consensus method chosen (the one in use may be majority for want of overlap: {@link fit}). */
  get consensusMethod(): ConsensusMethod {
    return this.method;
  }

  /** A new consensus method (an admin's change): the votes are fitted again under it at once. */
  setConsensusMethod(method: ConsensusMethod): void {
    this.method = method;
    this.refit();
  }

  /** The latest consensus fit: the method in use and why, and each annotator's estimated accuracy. */
  get fit(): VoteFit {
    return this.latest;
  }

  /** When the votes were last fitted (epoch ms; null: not yet). */
  fittedAt: number | null = null;

  /** Fits the consensus on every item's current votes (Dawid-Skene EM when the overlap allows). */
  refit(): void {
    this.latest = fitVotes(this.votes, this.state.labels.length, this.method);
    this.fittedAt = Date.now();
  }

  /** The settings in force (null: no overlap). */
  get settings(): OverlapSettings | null {
    return this.current;
  }

  /**
   * New settings (an admin's change): the votes are replayed from the store under them. Items
   * already complete stay complete unless the new settings give them more slots; then they are
   * served again (first, as started items are). Uncertain choices already kept stay kept.
   */
  reconfigure(settings: OverlapSettings | null): void {
    this.current = settings;
    this.latest = fitVotes(new Map(), this.state.labels.length, this.method);
    this.votes.clear();
    this.decided.clear();
    this.chosen.clear();
    this.kept.length = 0;
    this.started.clear();
    this.threshold = null;
    this.load();
  }

  private load(): void {
    const s = this.current;
    const store = this.store;
    if (s === null || store === null) return;
    const kept = store.stateValue(UNCERTAIN_KEY);
    if (kept !== undefined) for (const i of JSON.parse(kept) as number[]) this.kept.push(i);
    for (const i of this.kept) this.chosen.set(i, true);
    for (const a of store.annotations()) {
      if (a.annotator === IMPORT_ANNOTATOR) continue;
      const c = this.state.classOf(a.label);
      if (c === undefined || a.itemIdx >= this.state.total) continue;
      if (a.kind === "review") {
        this.decided.set(a.itemIdx, c);
        continue;
      }
      this.decided.delete(a.itemIdx);
      let v = this.votes.get(a.itemIdx);
      if (v === undefined) this.votes.set(a.itemIdx, (v = new Map<string, number>()));
      v.set(a.annotator, c);
    }
    for (const idx of new Set([...this.votes.keys(), ...this.decided.keys()])) {
      if (s.on === "uncertain" && !this.chosen.has(idx)) this.chosen.set(idx, false);
      this.track(idx);
    }
    this.refit();
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** Uncertain choice: the `share` least confident of `batch` (the strategy's next picks) overlap. */
  setRanking(batch: ArrayLike<number>): void {
    const conf = this.conf();
    if (this.settings === null || conf === null || batch.length === 0) return;
    const c = Float64Array.from({ length: batch.length }, (_, t) => conf[batch[t]]).sort();
    const k = Math.round(this.settings.share * c.length);
    this.threshold = k >= c.length ? Infinity : c[k];
  }

  /** Whether item `idx` is an overlapping item. */
  overlaps(idx: number): boolean {
    const s = this.settings;
    if (s === null) return false;
    if (s.on === "random") return unitHash(this.seed, idx) < s.share;
    const made = this.chosen.get(idx);
    if (made !== undefined) return made;
    const conf = this.conf();
    // Before the first model: the random rule, not kept (the model's view replaces it).
    if (conf === null || this.threshold === null) return unitHash(this.seed, idx) < s.share;
    const c = conf[idx] < this.threshold;
    this.chosen.set(idx, c);
    return c;
  }

  private voteList(idx: number): number[] {
    const v = this.votes.get(idx);
    return v === undefined ? [] : [...v.values()];
  }

  /** Annotators item `idx` goes to: 1, N for an overlapping item, more after disagreements. */
  slots(idx: number): number {
    const s = this.settings;
    if (s === null || !this.overlaps(idx)) return 1;
    return adaptiveSlots(s.annotators, s.adaptiveMax, this.voteList(idx));
  }

  remaining(idx: number): number {
    if (this.settings === null) return this.state.isLabeled(idx) ? 0 : 1;
    if (this.decided.has(idx)) return 0;
    const n = this.votes.get(idx)?.size ?? 0;
    // Labeled by import only: complete (seed labels are not served).
    if (n === 0) return this.state.isLabeled(idx) ? 0 : this.slots(idx);
    return Math.max(0, this.slots(idx) - n);
  }

  labeledBy(idx: number, annotator: string): boolean {
    return this.votes.get(idx)?.has(annotator) === true;
  }

  pending(): Iterable<number> {
    return this.started;
  }

  /** After a stored label (class `c`) or undo (`c` = the annotator's label left, null = none). */
  setVote(idx: number, annotator: string, c: number | null): void {
    if (this.settings === null || annotator === IMPORT_ANNOTATOR) return;
    let v = this.votes.get(idx);
    if (c === null) {
      v?.delete(annotator);
      if (v !== undefined && v.size === 0) this.votes.delete(idx);
    } else {
      this.decided.delete(idx); // a new label supersedes a review decision
      if (v === undefined) this.votes.set(idx, (v = new Map<string, number>()));
      const first = v.size === 0;
      v.set(annotator, c);
      if (first && this.settings.on === "uncertain" && !this.kept.includes(idx)) {
        // The choice is fixed by the first label (kept across restarts when it overlaps).
        const o = this.overlaps(idx);
        this.chosen.set(idx, o);
        if (o) {
          this.kept.push(idx);
          this.store?.setStateValue(UNCERTAIN_KEY, JSON.stringify(this.kept));
        }
      }
    }
    this.track(idx);
  }

  /**
   * After a stored review decision (class `c`), or with null when the item's latest label record
   * is no longer one (an undo brought back an earlier decision: call with its class).
   */
  setDecision(idx: number, c: number | null): void {
    if (this.settings === null) return;
    if (c === null) this.decided.delete(idx);
    else this.decided.set(idx, c);
    this.track(idx);
  }

  /**
   * Whether `annotator`'s label of class `c` on item `idx` would leave it in dispute with no
   * slot left: an overlapping item whose annotators' labels are a dispute (a majority tie, or a
   * Dawid-Skene posterior too uncertain) once every slot (adaptive overlap's too) is filled. The
   * moment an item enters review for disagreement.
   */
  wouldDispute(idx: number, annotator: string, c: number): boolean {
    const s = this.settings;
    if (s === null || annotator === IMPORT_ANNOTATOR || !this.overlaps(idx)) return false;
    const votes = new Map(this.votes.get(idx) ?? []);
    votes.set(annotator, c);
    const list = [...votes.values()];
    return list.length >= adaptiveSlots(s.annotators, s.adaptiveMax, list) && this.latest.decide(votes) === -1;
  }

  /** Each annotator's current label of item `idx` (annotator -> class), without the import or a review. */
  votesOf(idx: number): ReadonlyMap<string, number> {
    return this.votes.get(idx) ?? new Map<string, number>();
  }

  private track(idx: number): void {
    if ((this.votes.get(idx)?.size ?? 0) > 0 && this.remaining(idx) > 0) this.started.add(idx);
    else this.started.delete(idx);
  }

  /**
   * The consensus of item `idx`: a reviewer's decision while it is the item's latest label, else
   * the consensus of its annotators' current labels under the latest fit (majority, or the
   * Dawid-Skene posterior's argmax), -1 for a dispute (a tie, or a posterior too uncertain),
   * undefined when no annotator (only the import, or nobody) labeled it.
   */
  consensus(idx: number): number | undefined {
    const d = this.decided.get(idx);
    if (d !== undefined) return d;
    const v = this.votes.get(idx);
    if (v === undefined || v.size === 0) return undefined;
    return this.latest.decide(v);
  }

  /** Whether item `idx` is in dispute (its labels tie, or their posterior is too uncertain). */
  disputed(idx: number): boolean {
    return this.consensus(idx) === -1;
  }

  /**
   * The training set with each item's consensus, the votes fitted afresh first (every retrain
   * reads its set here, whichever the method): a disputed item is left out (it waits for another
   * label or a review); an item with fewer labels than its slots trains on the consensus of those
   * it has (a single label until the second arrives). Without overlap: unchanged.
   */
  trainingSet(set: TrainingSet): TrainingSet {
    if (this.settings === null) return set;
    this.refit();
    const keep: number[] = [];
    const y: number[] = [];
    for (let q = 0; q < set.labeled.length; q++) {
      const c = this.consensus(set.labeled[q]);
      if (c === -1) continue;
      keep.push(q);
      y.push(c ?? set.y[q]);
    }
    return {
      labeled: Int32Array.from(keep, (q) => set.labeled[q]),
      y: Int32Array.from(y),
      audit: Uint8Array.from(keep, (q) => set.audit[q]),
      imported: Uint8Array.from(keep, (q) => set.imported[q]),
    };
  }

  /**
   * Items in dispute with every slot filled and no reviewer's decision, by pool index: under
   * Dawid-Skene a refit can put an item there without a new label (its posterior became too
   * uncertain), so the review queue opens their disagreement reviews after a retrain.
   */
  disputedComplete(): number[] {
    if (this.settings === null) return [];
    const out: number[] = [];
    for (const idx of this.votes.keys()) if (this.overlaps(idx) && this.remaining(idx) === 0 && this.consensus(idx) === -1) out.push(idx);
    return out.sort((a, b) => a - b);
  }

  /** Counts of overlapping, complete, disputed and extended items (null without overlap). */
  summary(): OverlapSummary | null {
    const s = this.settings;
    if (s === null) return null;
    let overlapping = 0;
    let complete = 0;
    let disputed = 0;
    let extended = 0;
    for (const [idx, v] of this.votes) {
      if (this.consensus(idx) === -1) disputed++;
      if (!this.overlaps(idx)) continue;
      overlapping++;
      const slots = this.slots(idx);
      if (v.size >= slots) complete++;
      if (slots > s.annotators) extended++;
    }
    return { annotators: s.annotators, share: s.share, on: s.on, adaptiveMax: s.adaptiveMax, overlapping, complete, disputed, extended };
  }
}
