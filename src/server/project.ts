/**
 * A served labeling project: the store, the in-memory labeling state (current label of every
 * item, the model's predictions, the ready queue with leases) and background retraining.
 * Every request is answered from memory plus one indexed read or one committed write; no request
 * waits for a model. Retraining starts after every `retrainEvery` new labels (counting undos)
 * when none is running, fits a fresh model on a worker thread, and installs the new ranking when
 * it comes back.
 *
 * Accuracy is estimated test-then-train (progressive validation): when a label arrives, the
 * prediction of the model current at that moment (never trained on that item) is compared with
 * it. See {@link LabelingProject.metrics} for what the numbers mean.
 *
 * This class is the facade the HTTP layer uses; each concern lives in its own module:
 * label-state.ts (labels in memory), labeling.ts (label, skip, undo), explain.ts (how an item is
 * shown and why it was picked), retraining.ts (retrains and the current model), figures.ts
 * (stats, metrics, accuracy, advice), dashboard.ts, predict.ts and gold.ts (gold items, served
 * blind past the pool through the same routes).
 */
import type { Cell } from "../data/jsonl.js";
import { ActiveLearnError, ConflictError, NotFoundError } from "../errors.js";
import { readImageFile, type ImageFile } from "./images.js";
import { Rng } from "../linalg/rng.js";
import { randomOrder } from "../loop/cold-start.js";
import { openStore } from "../store/open.js";
import type { ProjectMeta, Store } from "../store/types.js";
import type { AccuracyReport, Advice } from "./advice.js";
import { dashboardOf, type Dashboard } from "./dashboard.js";
import { ItemExplainer, type ItemView } from "./explain.js";
import { accuracyOf, adviceOf, metricsOf, statsOf, type FigureInputs, type Metrics, type Stats } from "./figures.js";
import { LabelState } from "./label-state.js";
import { Labeling } from "./labeling.js";
import { Predictor, type Prediction } from "./predict.js";
import { GoldItems, type GoldSummary } from "./gold.js";
import { Overlap, type OverlapSummary } from "./overlap.js";
import type { OverlapSettings } from "../project/overlap-settings.js";
import type { ConsensusMethod } from "../project/consensus-settings.js";
import type { ConsensusFigures } from "../contract/consensus-schemas.js";
import { MIN_POSTERIOR } from "../quality/vote-consensus.js";
import { defaultLeaseCap, ReadyQueue } from "./queue.js";
import { RetrainLoop } from "./retraining.js";
import { ReviewQueue } from "./reviews.js";
import type { ReviewFigures, ReviewView } from "../contract/review-schemas.js";
import { SliceMonitor, type SliceFigures } from "./slice-figures.js";
import { WebhookDelivery, type DeliveryOptions } from "../webhooks/delivery.js";
import { outboxEmitter } from "../webhooks/events.js";

export type { CurvePoint, Dashboard } from "./dashboard.js";
export type { ItemView } from "./explain.js";
export type { Metrics, Stats } from "./figures.js";
export type { OverlapSummary } from "./overlap.js";
export type { GoldSummary } from "./gold.js";

export interface ProjectOptions {
  readonly dbPath: string;
  /** Labels between retrains (default: the project's setting, 10 at init). */
  readonly retrainEvery?: number;
  /** How long an item stays with the annotator it was served to (default 5 minutes). */
  readonly leaseMs?: number;
  /** Every N-th served item is a uniformly random audit pick (default 10; 0 = none). */
  readonly auditEvery?: number;
  /** Seeds the serving order, audit picks, retrains and which items overlap (default 0). */
  readonly seed?: number;
  /** Live leases of all annotators together at most (default max(100, 10% of the pool)). */
  readonly maxLeases?: number;
  /** Store durability: "normal" (default; survives a crash of the server) or "full" (also power loss). */
  readonly synchronous?: "normal" | "full";
  /** Log lines (retrains, failures). */
  readonly log?: (line: string) => void;
  /** Labels to spend at most (overrides and updates the project's setting; null = none). */
  readonly budget?: number | null;
  /** Accuracy at which labeling may stop (overrides and updates the project's setting; null = none). */
  readonly targetAccuracy?: number | null;
  /** The webhook delivery loop's settings (timeout, attempts, backoff, clock; see src/webhooks). */
  readonly webhooks?: Omit<DeliveryOptions, "store">;
}

/** Project settings for the UI. */
export interface ProjectInfo {
  name: string;
  labels: string[];
  textColumn: string | null;
  imageColumn: string | null;
  fields: string[];
  strategy: string;
  model: string;
  total: number;
  retrainEvery: number;
  budget: number | null;
  targetAccuracy: number | null;
}

const ESTIMATE_METHOD =
  "Dawid-Skene EM on every item with two or more annotator labels (each annotator's current label), fitted at load, at every retrain and when the method changes: per annotator, the trace of their estimated confusion matrix weighted by the estimated class prior (the chance a label of theirs is right), on the labels they gave those items; no estimate below 10 such labels, nor while fewer than max(20, 5 per class) items have two or more labels";

/** `figures` with the overlap counts, when the project has overlap (else unchanged: no `overlap` key). */
function withOverlap<T extends object>(figures: T, overlap: OverlapSummary | null): T & { overlap?: OverlapSummary } {
  return overlap === null ? figures : { ...figures, overlap };
}

export class LabelingProject {
  readonly store: Store;
  private current: ProjectMeta;
  readonly total: number;
  readonly retrainEvery: number;
  private readonly state: LabelState;
  private readonly queue: ReadyQueue;
  private readonly rng: Rng;
  private readonly explainer: ItemExplainer;
  private readonly labeling: Labeling;
  private readonly loop: RetrainLoop;
  private readonly predictor: Predictor;
  private readonly webhooks: WebhookDelivery;
  private readonly overlap: Overlap;
  private readonly reviews: ReviewQueue;
  /** Gold items (none in a project without them). */
  private readonly gold: GoldItems;
  /** The retrain whose batch the uncertain overlap choice was last set from. */
  private overlapRanked = -1;
  /** Label changes not yet passed to the retrain loop (passed once the item's vote is in). */
  private changes = 0;
  /** Slice monitoring (`init --slice`); null without slice columns. */
  private readonly slices: SliceMonitor | null;

  constructor(options: ProjectOptions) {
    this.store = openStore(options.dbPath, options.synchronous !== undefined ? { synchronous: options.synchronous } : {});
    try {
      const stored = this.store.meta();
      const budget = options.budget !== undefined ? options.budget : (stored.budget ?? null);
      const targetAccuracy = options.targetAccuracy !== undefined ? options.targetAccuracy : (stored.targetAccuracy ?? null);
      this.current = { ...stored, budget, targetAccuracy };
      if (budget !== (stored.budget ?? null) || targetAccuracy !== (stored.targetAccuracy ?? null)) this.store.setMeta(this.meta);
    } catch (e) {
      this.store.close();
      throw e;
    }
    const log = options.log ?? (() => undefined);
    this.total = this.store.itemCount();
    this.retrainEvery = options.retrainEvery ?? this.meta.retrainEvery;
    this.rng = new Rng(options.seed ?? 0);
    // Current labels, audit flags and the audit window, replayed from the annotations.
    const state = LabelState.replay(this.store, this.meta.labels, this.total);
    this.state = state;
    // Votes and slots of overlapping items (one slot per item without overlap).
    this.overlap = Overlap.replay(this.store, this.meta, options.seed ?? 0, state, () => this.loop.conf);
    this.gold = GoldItems.load(this.store, this.total, () => this.meta.gold ?? null);
    this.queue = new ReadyQueue(this.gold.slots(this.overlap), this.total, { leaseMs: options.leaseMs ?? 5 * 60_000, auditEvery: options.auditEvery ?? 10, maxLeases: options.maxLeases ?? defaultLeaseCap(this.total), gold: this.gold });
    for (const s of this.store.skips()) this.queue.markSkipped(s.itemIdx, s.annotator);
    for (const s of this.gold.skipped()) this.queue.markSkipped(s.idx, s.annotator);
    // Cold start: the loop's random order (loop/cold-start.ts) until the first retrain comes back.
    const unl: number[] = [];
    for (let i = 0; i < this.total; i++) if (!state.isLabeled(i)) unl.push(i);
    this.queue.setOrder(randomOrder(unl, this.rng));

    this.slices = SliceMonitor.open(this.store, this.meta, log);
    this.explainer = new ItemExplainer(this.meta);
    this.predictor = new Predictor(this.meta);
    // Webhook events go to the outbox in the transaction of their change; the delivery loop sends them.
    const emit = outboxEmitter(this.store);
    this.webhooks = new WebhookDelivery({ log, ...options.webhooks, store: this.store });
    // The review queue: items enter it in the transaction of the label or retrain that flags them.
    const reviews = new ReviewQueue({ store: this.store, meta: this.meta, overlap: this.overlap, seed: options.seed ?? 0, leaseMs: options.leaseMs ?? 5 * 60_000, emit });
    this.reviews = reviews;
    const trainingLabel = (idx: number): number | undefined => this.overlap.consensus(idx) ?? (state.labelOf[idx] >= 0 ? state.labelOf[idx] : undefined);
    this.loop = new RetrainLoop({
      store: this.store,
      meta: this.meta,
      state,
      queue: this.queue,
      rng: this.rng,
      dbPath: options.dbPath,
      retrainEvery: this.retrainEvery,
      log,
      emit,
      trainingSet: () => this.overlap.trainingSet(state.trainingSet()),
      afterInstall: (set, oof, iteration, now) => {
        const d = reviews.afterRefit(now);
        if (d > 0) log(`retrain ${iteration}: ${d} item${d === 1 ? "" : "s"} in dispute under the refitted consensus went to review`);
        const n = reviews.afterRetrain(set, oof, trainingLabel, iteration, now);
        if (n > 0) log(`retrain ${iteration}: ${n} labeled item${n === 1 ? "" : "s"} confident learning finds suspect went to review`);
      },
    });
    this.labeling = new Labeling({ store: this.store, meta: this.meta, state, queue: this.queue, predictions: () => this.loop.pred, changed: () => this.changes++, emit, onStored: (idx, who, c, now) => reviews.onLabel(idx, who, c, now) });
    this.loop.start();
    this.webhooks.start();
  }

  /** The project's settings as stored (overlap may change while served: {@link changeOverlap}). */
  get meta(): ProjectMeta {
    return this.current;
  }

  /**
   * An admin's new overlap settings (null: none; validate with overlapSettingProblems first):
   * stored, then the votes are replayed under them, so an item that now needs more annotators
   * is served again, first.
   */
  changeOverlap(settings: OverlapSettings | null): void {
    const next = { ...this.current, overlap: settings };
    this.store.setMeta(next);
    this.current = next;
    this.overlap.reconfigure(settings);
  }

  /**
   * An admin's new consensus method (validated by the caller): stored, and the votes are fitted
   * again under it at once (the next retrain trains on it).
   */
  changeConsensus(method: ConsensusMethod): void {
    const next: ProjectMeta = { ...this.current, consensus: method };
    this.store.setMeta(next);
    this.current = next;
    this.overlap.setConsensusMethod(method);
  }

  /** An admin's new spot-check share (0..1, validated by the caller): stored, and used for items labeled from now on. */
  changeReviewShare(share: number): void {
    const next: ProjectMeta = { ...this.current, reviewShare: share };
    this.store.setMeta(next);
    this.current = next;
    this.reviews.setSpotShare(share);
  }

  private get figures(): FigureInputs {
    return { state: this.state, iterations: this.loop.iterations, randomCurve: this.loop.randomCurve, lastRetrainAt: this.loop.lastRetrainAt, meta: this.meta };
  }

  /**
   * The next item for `annotator`, leased to them; null when nothing is left for them. With
   * `ahead`, the item after their current one (so a page can fetch it in advance).
   */
  next(annotator: string, now = Date.now(), ahead = false): ItemView | null {
    if (this.overlap.settings?.on === "uncertain" && this.loop.iterations.length !== this.overlapRanked) {
      // The same batch the retrain asked the strategy for (retraining.ts).
      this.overlap.setRanking(this.queue.upcoming(Math.max(50, 5 * this.retrainEvery)));
      this.overlapRanked = this.loop.iterations.length;
    }
    const pick = this.queue.next(annotator, now, this.rng, this.loop.pred !== null, ahead);
    if (pick === null) return null;
    if (this.gold.isGold(pick.idx)) return this.gold.view(pick.idx, this.explainer, this.loop, this.loop.model, (m, records) => this.predictor.predict(m, records));
    const item = this.store.item(pick.idx);
    if (item === undefined) throw new NotFoundError(`no item at pool index ${pick.idx}`);
    return this.explainer.view(item, pick.audit, this.loop);
  }

  /**
   * Stores a label (committed before returning). The same label from the same annotator on the
   * same item again stores nothing. A label on an item leased to someone else is a conflict.
   * @returns the number of labeled items
   */
  label(id: string, label: string, annotator: string, durationMs: number | null, now = Date.now()): number {
    if (this.gold.has(id)) {
      // A gold answer: recorded apart from the labels; the reply is a label's.
      this.gold.label(id, label, annotator, durationMs, now, this.queue, this.meta.labels);
      return this.state.labeled;
    }
    const labeled = this.labeling.label(id, label, annotator, durationMs, now);
    this.overlap.setVote(this.labeling.idxOf(id), annotator, this.state.classOf(label) ?? null);
    this.passChanges();
    return labeled;
  }

  /**
   * The image file of item `id`'s cell of `field` (the project's image column; see images.ts).
   * With `onlyFor` (an annotator, who reaches only their own items), the item must be leased to
   * them or labeled by them: what GET /api/next showed them, nothing else.
   * @throws NotFoundError naming the field for an unknown item or field, a missing file; 403 for
   *   an item the annotator does not hold; 413 and 415 from readImageFile
   */
  image(id: string, field: string, onlyFor?: string, now = Date.now()): ImageFile {
    const image = this.meta.image ?? null;
    if (image === null) throw new NotFoundError(`field "${field}": the project has no image column`);
    if (field !== image.column) throw new NotFoundError(`field "${field}" is not the project's image column ("${image.column}")`);
    const idx = this.store.itemIdx(id);
    const item = idx === undefined ? undefined : this.store.item(idx);
    if (idx === undefined || item === undefined) throw new NotFoundError(`field "${field}": no item with id "${id}"`);
    if (onlyFor !== undefined && this.queue.leaseOf(idx, now, onlyFor) === undefined && this.store.lastAnnotation(idx, onlyFor) === undefined)
      throw new ActiveLearnError("FORBIDDEN", `field "${field}": item "${id}" is neither leased to "${onlyFor}" nor labeled by them`);
    return readImageFile(image.base, item.data[field], field);
  }

  /** The annotator passes on an item: it is released and not offered to them again. */
  skip(id: string, annotator: string, now = Date.now()): void {
    if (this.gold.has(id)) return this.gold.skip(id, annotator, now, this.queue);
    this.labeling.skip(id, annotator, now);
  }

  /**
   * Takes back `annotator`'s skip of an item: it is offered to them again (first in line when
   * unlabeled and free). Other annotators' skips are theirs.
   * @throws NotFoundError when they have not skipped it
   */
  unskip(id: string, annotator: string, now = Date.now()): void {
    if (this.gold.has(id)) return this.gold.unskip(id, annotator, now, this.queue);
    this.labeling.unskip(id, annotator, now);
  }

  /**
   * Undoes `annotator`'s last label on the item. If the item is left unlabeled it goes back to
   * that annotator, first in line.
   * @returns the number of labeled items
   */
  undo(id: string, annotator: string, now = Date.now()): number {
    if (this.gold.has(id)) {
      this.gold.undo(id, annotator, now, this.queue);
      return this.state.labeled;
    }
    const labeled = this.labeling.undo(id, annotator, now);
    const idx = this.labeling.idxOf(id);
    // Their vote falls back to the label of theirs the undo left, if any.
    const left = this.overlap.enabled ? this.store.lastAnnotation(idx, annotator) : undefined;
    this.overlap.setVote(idx, annotator, left === undefined ? null : (this.state.classOf(left.label) ?? null));
    // An undo of a label newer than a review decision brings the decision back.
    const current = this.overlap.enabled ? this.store.currentAnnotation(idx) : undefined;
    if (current?.kind === "review") this.overlap.setDecision(idx, this.state.classOf(current.label) ?? null);
    this.passChanges();
    return labeled;
  }

  /** Reviews, open or resolved, oldest first, with id above `after` (see reviews.ts). */
  reviewList(status: "open" | "resolved", after: number, limit: number, now = Date.now()): ReturnType<ReviewQueue["list"]> {
    return this.reviews.list(status, after, limit, now);
  }

  /**
   * The reviewer's next review, leased to them, with the item, its labels and the model's view;
   * with `skip`, they pass on that review first. Null when no open review is free for them.
   */
  reviewNext(reviewer: string, now = Date.now(), skip?: number): ReviewView | null {
    return this.reviews.next(reviewer, now, (idx) => this.modelView(idx), skip);
  }

  /** The current model's label and probabilities for a stored item (null before the first model). */
  private modelView(idx: number): { label: string; probabilities: Record<string, number> } | null {
    const model = this.loop.model;
    const item = this.store.item(idx);
    if (model === null || item === undefined) return null;
    return this.predictor.predict(model, [item.data])[0];
  }

  /**
   * A reviewer's decision on review `id`: the item's final label (a record of kind "review"),
   * checked against the item's version the reviewer saw (`seen`).
   * @throws ConflictError when the item changed since, or the review is resolved or held by another reviewer
   */
  resolveReview(id: number, label: string, seen: number, reviewer: string, now = Date.now()): ReturnType<ReviewQueue["resolve"]> {
    const r = this.reviews.resolve(id, label, seen, reviewer, now);
    this.state.applyLabel(r.itemIdx, r.classIndex, { annotator: reviewer, at: now, durationMs: null, predicted: null, audit: r.audit, review: true });
    this.overlap.setDecision(r.itemIdx, r.classIndex);
    this.changes++;
    this.passChanges();
    return r;
  }

  /** Open and resolved reviews, and per annotator the share of their labels overturned in review. */
  reviewFigures(): ReviewFigures {
    return this.reviews.figures();
  }

  /** Tells the retrain loop of the label changes, after the votes are in (so a retrain sees the consensus). */
  private passChanges(): void {
    for (; this.changes > 0; this.changes--) this.loop.changed();
  }

  /** Resolves when no webhook delivery attempt is in flight (tests). */
  async webhooksIdle(): Promise<void> {
    await this.webhooks.idle();
  }

  /** Resolves when no retrain is running (tests and the benchmark). */
  async idle(): Promise<void> {
    await this.loop.idle();
  }

  /** Counts, metrics, the headline accuracy with the others, the stopping advice, and with overlap its counts. */
  stats(): Stats & { overlap?: OverlapSummary; reviews: ReviewFigures } {
    return { ...withOverlap(statsOf(this.figures), this.overlap.summary()), reviews: this.reviews.figures() };
  }

  /**
   * The consensus of an item (overlap.ts): a reviewer's decision, else the consensus of its
   * annotators' current labels (majority, or Dawid-Skene's posterior argmax), with `disputed` for
   * a tie or a posterior too uncertain (the item does not train); null when no annotator labeled it.
   */
  consensus(id: string): { label: string | null; disputed: boolean } | null {
    const c = this.overlap.consensus(this.labeling.idxOf(id));
    if (c === undefined) return null;
    return c === -1 ? { label: null, disputed: true } : { label: this.meta.labels[c], disputed: false };
  }

  /** The headline accuracy over the pool and the other figures (see advice.ts). */
  accuracy(): AccuracyReport {
    return accuracyOf(this.figures);
  }

  /** Keep labeling / you can stop now, with each criterion's state as of the last retrain. */
  advice(accuracy: AccuracyReport = this.accuracy()): Advice {
    return adviceOf(this.figures, accuracy);
  }

  /** Test-then-train and audit accuracies with their intervals (see figures.ts, {@link metricsOf}). */
  metrics(): Metrics {
    return metricsOf(this.figures);
  }

  /** Project settings for the UI. */
  info(): ProjectInfo {
    return {
      name: this.meta.name,
      labels: [...this.meta.labels],
      textColumn: this.meta.textColumn,
      imageColumn: this.meta.image?.column ?? null,
      fields: this.meta.fields.map((f) => f.name),
      strategy: this.meta.strategy,
      model: this.meta.model,
      total: this.total,
      retrainEvery: this.retrainEvery,
      budget: this.meta.budget ?? null,
      targetAccuracy: this.meta.targetAccuracy ?? null,
    };
  }

  /**
   * The dashboard: learning curve, label counts, labels saved, annotators, the headline accuracy
   * and the stopping advice (see dashboard.ts); with overlap, its counts (overlapping, complete, disputed).
   */
  dashboard(): Dashboard & { overlap?: OverlapSummary; reviews: ReviewFigures; slices?: SliceFigures; gold?: GoldSummary; consensus?: ConsensusFigures } {
    const d = { ...withOverlap(dashboardOf(this.figures), this.overlap.summary()), reviews: this.reviews.figures() };
    const gold = this.gold.summary();
    const withSlices = this.slices === null ? d : { ...d, slices: this.slices.figures(this.state.labelOf, this.loop.iterations.at(-1), this.loop.clusters) };
    const withGold = gold === null ? withSlices : { ...withSlices, gold };
    const consensus = this.consensusFigures();
    return consensus === null ? withGold : { ...withGold, consensus };
  }

  /** The consensus method in use and each annotator's estimated accuracy, as of the latest fit (null without overlap). */
  private consensusFigures(): ConsensusFigures | null {
    if (!this.overlap.enabled) return null;
    const f = this.overlap.fit;
    const at = this.overlap.fittedAt;
    return {
      method: f.chosen,
      inUse: f.inUse,
      reason: f.reason,
      itemsWithOverlap: f.itemsWithOverlap,
      minItems: f.minItems,
      minPosterior: MIN_POSTERIOR,
      fittedAt: at === null ? null : new Date(at).toISOString(),
      annotators: f.annotators.map((a) => ({ ...a, estimatedAccuracy: a.estimatedAccuracy === null ? null : Math.round(a.estimatedAccuracy * 1e4) / 1e4 })),
      estimateMethod: ESTIMATE_METHOD,
    };
  }

  /**
   * Changes the gold rate and the flag threshold (an admin's settings; validate first with
   * goldValueProblems); a project without gold items has none to change.
   */
  changeGold(change: { rate?: number; threshold?: number }): void {
    const gold = this.current.gold;
    if (gold == null) throw new ConflictError("this project has no gold items (init --gold COL)");
    const next = { ...this.current, gold: { ...gold, ...(change.rate !== undefined ? { rate: change.rate } : {}), ...(change.threshold !== undefined ? { threshold: change.threshold } : {}) } };
    this.store.setMeta(next);
    this.current = next;
  }

  /**
   * Class probabilities of new records with the latest model.
   * @throws ConflictError when no model has been trained yet
   */
  predict(records: readonly Record<string, Cell>[]): Prediction[] {
    const model = this.loop.model;
    if (model === null) throw new ConflictError("no model yet: label items of at least two classes first");
    return this.predictor.predict(model, records);
  }

  async close(): Promise<void> {
    await this.loop.close();
    await this.webhooks.close();
    this.store.close();
  }
}
