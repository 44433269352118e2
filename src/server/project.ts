/**
 * A served labeling project: the store, the in-memory labeling state (current label of every
 * item, the model's predictions, the ready queue with leases) and background retraining.
 * Every request is answered from memory plus one indexed SQLite read or one committed write; no
 * request waits for a model. Retraining starts after every `retrainEvery` new labels (counting
 * undos) when none is running, fits a fresh model on a worker thread, and installs the new
 * ranking when it comes back.
 *
 * Accuracy is estimated test-then-train (progressive validation): when a label arrives, the
 * prediction of the model current at that moment (never trained on that item) is compared with
 * it. See {@link LabelingProject.metrics} for what the numbers mean.
 */
import type { Cell } from "../data/jsonl.js";
import { isMissing, parseNumber } from "../data/dataset.js";
import { BadInputError, ConflictError, NotFoundError } from "../errors.js";
import { TableFeaturizer, type SavedFeaturizer } from "../features/featurizer.js";
import { argmaxRows, wilson } from "../eval/metrics.js";
import { Rng } from "../linalg/rng.js";
import { modelFromJSON } from "../models/registry.js";
import { getStrategy } from "../strategies/registry.js";
import type { Classifier } from "../models/types.js";
import { IMPORT_ANNOTATOR } from "../project/init.js";
import { recordsToDataset } from "../project/records.js";
import { openStore } from "../store/open.js";
import type { Assessment, CriterionState, Iteration, ProjectMeta, Store } from "../store/types.js";
import { accuracyReport, checkCriteria, kappaHistory, MIN_ESTIMATE_N, pooledTestThenTrain, stoppingAdvice, type AccuracyReport, type Advice } from "./advice.js";
import { AnnotatorStats, type AnnotatorRow } from "./annotator-stats.js";
import { labelsSaved } from "./learning-curve.js";
import { ReadyQueue } from "./queue.js";
import type { PowerLaw } from "./retrain-jobs.js";
import { Retrainer } from "./retrainer.js";

export interface ProjectOptions {
  readonly dbPath: string;
  /** Labels between retrains (default: the project's setting, 10 at init). */
  readonly retrainEvery?: number;
  /** How long an item stays with the annotator it was served to (default 5 minutes). */
  readonly leaseMs?: number;
  /** Every N-th served item is a uniformly random audit pick (default 10; 0 = none). */
  readonly auditEvery?: number;
  readonly seed?: number;
  /** SQLite durability: "normal" (default; survives a crash of the server) or "full" (also power loss). */
  readonly synchronous?: "normal" | "full";
  /** Log lines (retrains, failures). */
  readonly log?: (line: string) => void;
  /** Labels to spend at most (overrides and updates the project's setting; null = none). */
  readonly budget?: number | null;
  /** Accuracy at which labeling may stop (overrides and updates the project's setting; null = none). */
  readonly targetAccuracy?: number | null;
}

/** A curve point with its sample size and 95% Wilson interval. */
export interface CurvePoint {
  readonly labels: number;
  readonly accuracy: number;
  readonly n: number;
  readonly low: number;
  readonly high: number;
}

/** Stop-set size (as simulate's; the whole pool if smaller) and its seed (fixed: the same set after a restart). */
const STOP_SET_SIZE = 1000;
const STOP_SET_SEED = 20090601;
/** Store key of the latest model's stop-set predictions (so a restart keeps the kappa window going). */
const STOP_KEY = "stop_predictions";

export interface ItemView {
  readonly id: string;
  readonly data: Record<string, Cell>;
  readonly suggestion: { label: string; confidence: number } | null;
  readonly score: number;
  readonly strategy: string;
  readonly reason: string;
}

/** Least time between two stored model snapshots. */
const SNAPSHOT_EVERY_MS = 60_000;

/** Audit labels in the sliding window behind the unbiased accuracy estimate. */
const AUDIT_WINDOW = 50;
/** Strategies whose picks are, in so many words, the items the model is least sure about. */
const UNCERTAINTY = new Set(["least_confidence", "margin", "entropy"]);

export class LabelingProject {
  readonly store: Store;
  readonly meta: ProjectMeta;
  /** Names of the fields inferred numeric (shown as numbers by the API). */
  private readonly numericFields: ReadonlySet<string>;
  readonly total: number;
  readonly retrainEvery: number;
  private readonly classIndex: Map<string, number>;
  /** Class index of each item's current label, -1 = unlabeled. */
  private readonly labelOf: Int32Array;
  /** True if the item's current label came from an audit pick. */
  private readonly auditOf: Uint8Array;
  /** True if the item's current label was imported at init. */
  private readonly importedOf: Uint8Array;
  private importedCount = 0;
  private readonly annotators = new AnnotatorStats();
  /** Pool indices of the stop set, ascending. */
  private readonly stopSet: Int32Array;
  /** The current model's predictions on the stop set (null before the first retrain of this process). */
  private stopPred: Int32Array | null = null;
  private labeled = 0;
  private readonly byLabel: number[];
  private readonly queue: ReadyQueue;
  private readonly rng: Rng;
  private readonly retrainer: Retrainer;
  private readonly log: (line: string) => void;
  private featurizer: TableFeaturizer | null = null;

  // The current model and its predictions.
  private model: Classifier | null = null;
  private pred: Int32Array | null = null;
  private conf: Float32Array | null = null;
  private score: Float64Array | null = null;
  private orderStrategy = "random";
  private described: { name: string; text: string } | null = null;
  private randomCurve: PowerLaw | null = null;
  private iterationList: Iteration[];
  /** Labels that arrived while the current model was current, and how many it predicted right. */
  private evalN = 0;
  private evalCorrect = 0;
  private readonly auditWindow: boolean[] = [];
  private sinceRetrain = 0;
  private lastRetrainAt: number | null = null;
  private closed = false;
  private running: Promise<void> | null = null;
  private lastSnapshotAt = -Infinity;

  constructor(options: ProjectOptions) {
    this.store = openStore(options.dbPath, options.synchronous !== undefined ? { synchronous: options.synchronous } : {});
    try {
      const stored = this.store.meta();
      const budget = options.budget !== undefined ? options.budget : (stored.budget ?? null);
      const targetAccuracy = options.targetAccuracy !== undefined ? options.targetAccuracy : (stored.targetAccuracy ?? null);
      this.meta = { ...stored, budget, targetAccuracy };
      if (budget !== (stored.budget ?? null) || targetAccuracy !== (stored.targetAccuracy ?? null)) this.store.setMeta(this.meta);
      this.numericFields = new Set(this.meta.fields.filter((f) => f.kind === "numeric").map((f) => f.name));
    } catch (e) {
      this.store.close();
      throw e;
    }
    this.log = options.log ?? (() => undefined);
    this.total = this.store.itemCount();
    this.retrainEvery = options.retrainEvery ?? this.meta.retrainEvery;
    this.classIndex = new Map(this.meta.labels.map((l, i) => [l, i]));
    this.labelOf = new Int32Array(this.total).fill(-1);
    this.auditOf = new Uint8Array(this.total);
    this.importedOf = new Uint8Array(this.total);
    this.byLabel = new Array<number>(this.meta.labels.length).fill(0);
    this.rng = new Rng(options.seed ?? 0);
    this.queue = new ReadyQueue((i) => this.labelOf[i] >= 0, this.total, { leaseMs: options.leaseMs ?? 5 * 60_000, auditEvery: options.auditEvery ?? 10 });

    // Current labels, audit flags and the audit window, replayed from the annotations.
    const lastAudit = new Map<number, boolean>();
    const lastImported = new Set<number>();
    for (const a of this.store.annotations()) {
      lastAudit.set(a.itemIdx, a.audit);
      if (a.annotator === IMPORT_ANNOTATOR) lastImported.add(a.itemIdx);
      else {
        lastImported.delete(a.itemIdx);
        this.annotators.add(a.annotator, a.createdAt, a.durationMs);
      }
      if (a.audit && a.predicted !== null) this.pushAudit(a.predicted === a.label);
    }
    for (const { itemIdx, label } of this.store.currentLabels()) {
      const c = this.classIndex.get(label);
      if (c === undefined || itemIdx >= this.total) continue;
      this.labelOf[itemIdx] = c;
      this.byLabel[c]++;
      this.labeled++;
      if (lastAudit.get(itemIdx) === true) this.auditOf[itemIdx] = 1;
      if (lastImported.has(itemIdx)) {
        this.importedOf[itemIdx] = 1;
        this.importedCount++;
      }
    }
    for (const s of this.store.skips()) this.queue.markSkipped(s.itemIdx, s.annotator);
    this.iterationList = this.store.iterations();
    const last = this.iterationList.at(-1);
    if (last !== undefined) {
      this.lastRetrainAt = last.createdAt;
      // The latest model's test-then-train count so far: the labels stored since it was installed
      // that carry its prediction (so a restart does not lose them).
      const since = this.store.testThenTrainSince(last.createdAt);
      this.evalN = since.n;
      this.evalCorrect = since.correct;
    }
    const saved = this.store.latestModel();
    if (saved !== undefined) this.model = modelFromJSON(saved.model);

    // Cold start: a seeded random order until the first retrain comes back.
    const unl: number[] = [];
    for (let i = 0; i < this.total; i++) if (this.labelOf[i] < 0) unl.push(i);
    this.queue.setOrder(this.rng.shuffle(Int32Array.from(unl)));

    const all = Int32Array.from({ length: this.total }, (_, i) => i);
    this.stopSet = Int32Array.from(new Rng(STOP_SET_SEED).sample(all, Math.min(STOP_SET_SIZE, this.total))).sort();
    this.stopPred = this.loadStopPredictions();
    this.retrainer = new Retrainer({ dbPath: options.dbPath, rows: this.total, cols: this.meta.featureWidth, kind: this.meta.featureKind, stopSet: this.stopSet });
    this.sinceRetrain = this.retrainEvery; // retrain at once if the labels allow
    this.maybeRetrain();
  }

  /** The latest model's stop-set predictions as stored at its retrain (null if absent or stale). */
  private loadStopPredictions(): Int32Array | null {
    const text = this.store.stateValue(STOP_KEY);
    const last = this.iterationList.at(-1);
    if (text === undefined || last === undefined) return null;
    try {
      const v = JSON.parse(text) as { iteration?: unknown; n?: unknown; pred?: unknown };
      if (v.iteration !== last.iteration || v.n !== this.stopSet.length || typeof v.pred !== "string") return null;
      const bytes = Buffer.from(v.pred, "base64");
      if (bytes.length !== 4 * this.stopSet.length) return null;
      const pred = new Int32Array(this.stopSet.length);
      new Uint8Array(pred.buffer).set(bytes);
      return pred.every((c) => c >= 0 && c < this.meta.labels.length) ? pred : null;
    } catch {
      return null;
    }
  }

  private pushAudit(correct: boolean): void {
    this.auditWindow.push(correct);
    if (this.auditWindow.length > AUDIT_WINDOW) this.auditWindow.shift();
  }

  /** The item index of an id; unknown ids are a NotFoundError. */
  private idxOf(id: string): number {
    const idx = this.store.itemIdx(id);
    if (idx === undefined) throw new NotFoundError(`no item with id "${id}"`);
    return idx;
  }

  private view(idx: number, audit: boolean): ItemView {
    const item = this.store.item(idx);
    if (item === undefined) throw new NotFoundError(`no item at pool index ${idx}`);
    const hasModel = this.pred !== null && this.conf !== null;
    const suggestion = hasModel ? { label: this.meta.labels[this.pred![idx]], confidence: round(this.conf![idx], 4) } : null;
    const s = this.score?.[idx];
    const score = s === undefined || Number.isNaN(s) ? 0 : round(s, 6);
    let strategy = this.orderStrategy;
    let reason: string;
    if (audit) {
      strategy = "random";
      reason = "random audit pick: labels on items like this measure the model's accuracy without bias";
    } else if (!hasModel) {
      reason = "cold start: random order until the first model is trained (it needs labels of at least two classes)";
    } else if (s === undefined || Number.isNaN(s)) {
      strategy = "least_confidence";
      reason = `beyond ${this.orderStrategy.replace(/_/g, " ")}'s current batch: least confident first until the next retrain`;
    } else if (this.orderStrategy === "random") {
      reason = "random sampling";
    } else {
      const says = `${suggestion!.label} at ${Math.round(suggestion!.confidence * 100)}%`;
      reason = UNCERTAINTY.has(this.orderStrategy) ? `the model is unsure (${says})` : `${this.orderStrategy.replace(/_/g, " ")}: ${this.strategyDescription()} (the model says ${says})`;
    }
    return { id: item.id, data: this.typed(item.data), suggestion, score, strategy, reason };
  }

  /** What the project's strategy prefers, in its registry's words (cached per strategy). */
  private strategyDescription(): string {
    if (this.described?.name !== this.orderStrategy) {
      let text = "its pick";
      try {
        text = getStrategy(this.orderStrategy).description;
      } catch {
        // A strategy registered only in another process: its name alone has to do.
      }
      this.described = { name: this.orderStrategy, text };
    }
    return this.described.text;
  }

  /** Raw cells as the API shows them: missing values null, numeric fields numbers. */
  private typed(data: Record<string, Cell>): Record<string, Cell> {
    const out: Record<string, Cell> = {};
    for (const [name, v] of Object.entries(data)) {
      if (isMissing(v)) out[name] = null;
      else if (this.numericFields.has(name)) {
        const x = parseNumber(v);
        out[name] = Number.isNaN(x) ? v : x;
      } else out[name] = v;
    }
    return out;
  }

  /**
   * The next item for `annotator`, leased to them; null when nothing is left for them. With
   * `ahead`, the item after their current one (so a page can fetch it in advance).
   */
  next(annotator: string, now = Date.now(), ahead = false): ItemView | null {
    const pick = this.queue.next(annotator, now, this.rng, this.pred !== null, ahead);
    return pick === null ? null : this.view(pick.idx, pick.audit);
  }

  private labelIndex(label: string): number {
    const c = this.classIndex.get(label);
    if (c === undefined) throw new BadInputError(`unknown label "${label}"; the project's labels are ${this.meta.labels.map((l) => `"${l}"`).join(", ")}`, { field: "label" });
    return c;
  }

  /**
   * Stores a label (committed before returning). The same label from the same annotator on the
   * same item again stores nothing. A label on an item leased to someone else is a conflict.
   * @returns the number of labeled items
   */
  label(id: string, label: string, annotator: string, durationMs: number | null, now = Date.now()): number {
    const c = this.labelIndex(label);
    const idx = this.idxOf(id);
    const lease = this.queue.leaseOf(idx, now);
    if (lease !== undefined && lease.annotator !== annotator) throw new ConflictError(`item "${id}" is being labeled by ${lease.annotator}`);
    if (this.labelOf[idx] === c && this.store.lastAnnotation(idx, annotator)?.label === label) {
      if (lease !== undefined) this.queue.release(idx);
      return this.labeled;
    }
    const wasUnlabeled = this.labelOf[idx] < 0;
    const predicted = this.pred !== null && wasUnlabeled ? this.meta.labels[this.pred[idx]] : null;
    const audit = lease?.audit === true;
    this.store.addAnnotation({ itemIdx: idx, annotator, label, createdAt: now, durationMs, predicted, audit });
    // Committed: now the in-memory state.
    if (wasUnlabeled) this.labeled++;
    else this.byLabel[this.labelOf[idx]]--;
    this.byLabel[c]++;
    this.labelOf[idx] = c;
    this.auditOf[idx] = audit ? 1 : 0;
    if (this.importedOf[idx] === 1) {
      this.importedOf[idx] = 0;
      this.importedCount--;
    }
    this.annotators.add(annotator, now, durationMs);
    if (predicted !== null) {
      this.evalN++;
      if (predicted === label) this.evalCorrect++;
      if (audit) this.pushAudit(predicted === label);
    }
    if (lease !== undefined) this.queue.release(idx);
    this.sinceRetrain++;
    this.maybeRetrain();
    return this.labeled;
  }

  /** The annotator passes on an item: it is released and not offered to them again. */
  skip(id: string, annotator: string, now = Date.now()): void {
    const idx = this.idxOf(id);
    const lease = this.queue.leaseOf(idx, now);
    if (lease !== undefined && lease.annotator !== annotator) throw new ConflictError(`item "${id}" is being labeled by ${lease.annotator}`);
    this.store.addSkip(idx, annotator, now);
    this.queue.markSkipped(idx, annotator);
    if (lease !== undefined) this.queue.release(idx);
  }

  /**
   * Undoes `annotator`'s last label on the item. If the item is left unlabeled it goes back to
   * that annotator, first in line.
   * @returns the number of labeled items
   */
  undo(id: string, annotator: string, now = Date.now()): number {
    const idx = this.idxOf(id);
    const last = this.store.lastAnnotation(idx, annotator);
    if (last === undefined) throw new NotFoundError(`${annotator} has no label on item "${id}" to undo`);
    const lease = this.queue.leaseOf(idx, now);
    if (lease !== undefined && lease.annotator !== annotator) throw new ConflictError(`item "${id}" is being labeled by ${lease.annotator}`);
    this.store.deleteAnnotation(last.id);
    this.annotators.remove(annotator, last.durationMs);
    const current = this.store.currentAnnotation(idx);
    const before = this.labelOf[idx];
    if (before >= 0) this.byLabel[before]--;
    if (this.importedOf[idx] === 1) this.importedCount--;
    this.importedOf[idx] = 0;
    if (current === undefined) {
      this.labelOf[idx] = -1;
      this.auditOf[idx] = 0;
      this.labeled--;
      this.queue.putBack(idx, annotator, now);
    } else {
      const c = this.classIndex.get(current.label) ?? -1;
      this.labelOf[idx] = c;
      if (c >= 0) this.byLabel[c]++;
      this.auditOf[idx] = current.audit ? 1 : 0;
      if (current.annotator === IMPORT_ANNOTATOR) {
        this.importedOf[idx] = 1;
        this.importedCount++;
      }
    }
    this.sinceRetrain++;
    this.maybeRetrain();
    return this.labeled;
  }

  private maybeRetrain(): void {
    if (this.closed || this.retrainer.busy || this.sinceRetrain < this.retrainEvery) return;
    if (this.byLabel.filter((c) => c > 0).length < 2) return;
    this.sinceRetrain = 0;
    const labeled = new Int32Array(this.labeled);
    const y = new Int32Array(this.labeled);
    const audit = new Uint8Array(this.labeled);
    const imported = new Uint8Array(this.labeled);
    for (let i = 0, q = 0; i < this.total; i++) {
      if (this.labelOf[i] >= 0) {
        labeled[q] = i;
        y[q] = this.labelOf[i];
        imported[q] = this.importedOf[i];
        audit[q++] = this.auditOf[i];
      }
    }
    const started = Date.now();
    const job = this.retrainer.run({
      labeled,
      y,
      audit,
      imported,
      nClasses: this.meta.labels.length,
      model: this.meta.model,
      strategy: this.meta.strategy,
      // The strategy picks what annotators will label before the next retrain, with room to spare.
      batch: Math.max(50, 5 * this.retrainEvery),
      seed: this.rng.nextUint32(),
    });
    this.running = job.then((reply) => {
      if (this.closed) return;
      if (!reply.ok) {
        this.log(`retrain failed: ${reply.error}`);
        return;
      }
      const now = Date.now();
      // Close the outgoing model's test-then-train estimate, then install the new one.
      const prev = this.iterationList.at(-1);
      if (prev !== undefined && this.evalN > 0) {
        const acc = this.evalCorrect / this.evalN;
        this.store.updateIterationAccuracy(prev.iteration, acc, this.evalN);
        this.iterationList[this.iterationList.length - 1] = { ...prev, accuracy: acc, accuracyN: this.evalN };
      }
      this.evalN = 0;
      this.evalCorrect = 0;
      this.model = modelFromJSON(reply.model);
      this.pred = reply.pred;
      this.conf = reply.conf;
      const score = new Float64Array(this.total).fill(NaN);
      for (let t = 0; t < reply.order.length; t++) score[reply.order[t]] = reply.scores[t];
      this.score = score;
      this.orderStrategy = reply.by;
      this.randomCurve = reply.randomCurve;
      this.queue.setOrder(reply.order);
      const base: Iteration = {
        iteration: (prev?.iteration ?? 0) + 1,
        createdAt: now,
        labeled: labeled.length,
        accuracy: null,
        accuracyN: 0,
        holdoutAccuracy: reply.holdout?.accuracy ?? null,
        holdoutN: reply.holdout?.n ?? 0,
        trainMs: reply.trainMs,
        assessment: { criteria: [], kappa: null, randomCurve: reply.randomCurve, imported: reply.imported, importedCurve: reply.importedCurve },
      };
      // The stopping criteria, against the new model (cheap: the stop set is at most 1,000 items).
      const headline = accuracyReport({ latest: base, hard: null, labeled: this.labeled, total: this.total, importedLabels: this.importedCount }).headline;
      const stopLabeled = Uint8Array.from(this.stopSet, (i) => (this.labelOf[i] >= 0 ? 1 : 0));
      const checked = checkCriteria({
        labeled: labeled.length,
        spent: this.labeled - this.importedCount,
        nClasses: this.meta.labels.length,
        stopProba: reply.stopProba,
        previousPredictions: this.stopPred,
        stopLabeled,
        kappaHistory: kappaHistory(this.iterationList),
        headline,
        budget: this.meta.budget ?? null,
        target: this.meta.targetAccuracy ?? null,
      });
      this.stopPred = checked.stopPredictions;
      this.store.setStateValue(STOP_KEY, JSON.stringify({ iteration: base.iteration, n: this.stopSet.length, pred: Buffer.from(this.stopPred.buffer, this.stopPred.byteOffset, this.stopPred.byteLength).toString("base64") }));
      const assessment: Assessment = { ...base.assessment!, criteria: checked.criteria, kappa: checked.kappa };
      const it: Iteration = { ...base, assessment };
      this.iterationList.push(it);
      this.store.addIteration(it);
      // Snapshots are for restarts and /api/predict after one; at most one a minute keeps big
      // models (a wide TF-IDF vocabulary) from costing the request path a write per retrain.
      if (now - this.lastSnapshotAt >= SNAPSHOT_EVERY_MS) {
        this.store.saveModel(labeled.length, reply.model, now);
        this.lastSnapshotAt = now;
      }
      this.lastRetrainAt = now;
      this.log(`retrain ${it.iteration}: ${labeled.length} labels, fit ${reply.trainMs.toFixed(0)} ms, scored ${this.total} items in ${reply.scoreMs.toFixed(0)} ms (${now - started} ms in all)`);
      const fired = checked.criteria.filter((c) => c.state === "fired").map((c) => c.name);
      if (fired.length > 0) this.log(`retrain ${it.iteration}: stopping criteria fired: ${fired.join(", ")}`);
    }).finally(() => {
      this.running = null;
      this.maybeRetrain();
    });
  }

  /** Resolves when no retrain is running (tests and the benchmark). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Counts, metrics, the headline accuracy with the others, and the stopping advice. */
  stats(): {
    total: number;
    labeled: number;
    byLabel: Record<string, number>;
    iterations: number;
    lastRetrainAt: string | null;
    metrics: ReturnType<LabelingProject["metrics"]>;
    accuracy: AccuracyReport;
    advice: Advice;
  } {
    const accuracy = this.accuracy();
    return {
      total: this.total,
      labeled: this.labeled,
      byLabel: this.byLabelRecord(),
      iterations: this.iterationList.length,
      lastRetrainAt: this.lastRetrainAt === null ? null : new Date(this.lastRetrainAt).toISOString(),
      metrics: this.metrics(),
      accuracy,
      advice: this.advice(accuracy),
    };
  }

  private byLabelRecord(): Record<string, number> {
    return Object.fromEntries(this.meta.labels.map((l, i) => [l, this.byLabel[i]]));
  }

  /** Test-then-train counts pooled over the latest models (see advice.ts). */
  private hardCounts(): { correct: number; n: number } | null {
    return pooledTestThenTrain({ correct: this.evalCorrect, n: this.evalN }, this.iterationList);
  }

  /** The headline accuracy over the pool and the other figures (see advice.ts). */
  accuracy(): AccuracyReport {
    return accuracyReport({ latest: this.iterationList.at(-1), hard: this.hardCounts(), labeled: this.labeled, total: this.total, importedLabels: this.importedCount });
  }

  /** Keep labeling / you can stop now, with each criterion's state as of the last retrain. */
  advice(accuracy: AccuracyReport = this.accuracy()): Advice {
    const latest = this.iterationList.at(-1);
    const criteria: readonly CriterionState[] = latest?.assessment?.criteria ?? [];
    return stoppingAdvice({
      criteria,
      headline: accuracy.headline,
      randomCurve: this.randomCurve ?? latest?.assessment?.randomCurve ?? null,
      auditPicks: latest?.holdoutN ?? 0,
      spent: this.labeled - this.importedCount,
      labeled: this.labeled,
      total: this.total,
      budget: this.meta.budget ?? null,
      target: this.meta.targetAccuracy ?? null,
      retrains: this.iterationList.length,
    });
  }

  /**
   * - `accuracy`: test-then-train accuracy on the labels that arrived while the latest models were
   *   current (each label against the model current when it arrived), pooled newest first until 50
   *   labels. The items are mostly the ones the strategy picked, so this is pessimistic: they are
   *   harder than the average item.
   * - `auditAccuracy`: the same on the last 50 random audit picks only: an unbiased estimate of
   *   accuracy over the whole pool, but noisy (`auditN` says on how many).
   * Each with its 95% Wilson interval (null when there is no figure).
   */
  metrics(): {
    accuracy: number | null;
    accuracyN: number;
    accuracyInterval: [number, number] | null;
    auditAccuracy: number | null;
    auditN: number;
    auditInterval: [number, number] | null;
    estimate: string;
  } {
    const hard = this.hardCounts();
    const accuracy = hard === null || hard.n === 0 ? null : hard.correct / hard.n;
    const accuracyN = hard?.n ?? 0;
    const auditN = this.auditWindow.length;
    const auditRight = this.auditWindow.filter(Boolean).length;
    return {
      accuracy: accuracy === null ? null : round(accuracy, 4),
      accuracyN,
      accuracyInterval: accuracy === null ? null : interval(hard!.correct, accuracyN),
      auditAccuracy: auditN === 0 ? null : round(auditRight / auditN, 4),
      auditN,
      auditInterval: auditN === 0 ? null : interval(auditRight, auditN),
      estimate: "test-then-train: each label is compared with the prediction of the model current when it arrived, which was never trained on it",
    };
  }

  /** Project settings for the UI. */
  info(): { name: string; labels: string[]; textColumn: string | null; fields: string[]; strategy: string; model: string; total: number; retrainEvery: number; budget: number | null; targetAccuracy: number | null } {
    return {
      name: this.meta.name,
      labels: [...this.meta.labels],
      textColumn: this.meta.textColumn,
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
   * and the stopping advice. Everything comes from aggregates kept up to date as labels arrive
   * (no scan of the annotations per request).
   */
  dashboard(): {
    curve: CurvePoint[];
    curveSource: "audit" | "imported";
    curveMethod: string;
    hardCurve: CurvePoint[];
    auditAccuracy: number | null;
    auditN: number;
    auditInterval: [number, number] | null;
    byLabel: Record<string, number>;
    labelsSavedEstimate: number | null;
    labelsSavedRange: [number, number] | null;
    labeled: number;
    total: number;
    annotators: AnnotatorRow[];
    iterations: number;
    lastRetrainAt: string | null;
    accuracy: AccuracyReport;
    advice: Advice;
    accuracyMethod: string;
    labelsSavedMethod: string;
  } {
    const point = (labels: number, accuracy: number, n: number): CurvePoint => {
      const [low, high] = interval(Math.round(accuracy * n), n);
      return { labels, accuracy: round(accuracy, 4), n, low, high };
    };
    const accuracy = this.accuracy();
    let curve = this.iterationList.filter((it) => it.holdoutAccuracy !== null && it.holdoutN >= MIN_ESTIMATE_N).map((it) => point(it.labeled, it.holdoutAccuracy ?? 0, it.holdoutN));
    let curveSource: "audit" | "imported" = "audit";
    let curveMethod =
      "At each retrain: accuracy cross-validated on the random audit picks (every auditEvery-th item served is drawn uniformly from the pool; each scored by a model trained on every other label), with its 95% Wilson interval on n picks.";
    const importedCurve = this.iterationList.at(-1)?.assessment?.importedCurve;
    if (accuracy.headline.kind === "imported" && importedCurve != null && importedCurve.length > 0) {
      curve = importedCurve.map((p) => point(p.labels, p.accuracy, p.n));
      curveSource = "imported";
      curveMethod = "Every item is labeled, all by import: accuracy of models trained on m of the imported labels, tested on the others (random splits), with its 95% Wilson interval.";
    }
    const hardCurve = this.iterationList.filter((it) => it.accuracy !== null && it.accuracyN > 0).map((it) => point(it.labeled, it.accuracy ?? 0, it.accuracyN));
    const cur = this.iterationList.at(-1);
    if (cur !== undefined && cur.accuracy === null && this.evalN >= 5) hardCurve.push(point(cur.labeled, this.evalCorrect / this.evalN, this.evalN));
    curve = thin(curve);
    const m = this.metrics();
    // Against the headline accuracy (over the pool); the range follows its 95% interval.
    let saved: number | null = null;
    let savedRange: [number, number] | null = null;
    const h = accuracy.headline;
    if (this.randomCurve !== null && h.kind === "pool" && h.value !== null && h.low !== null && h.high !== null && h.n >= 20) {
      saved = labelsSaved(this.randomCurve, h.value, this.labeled, this.total);
      savedRange = [labelsSaved(this.randomCurve, h.low, this.labeled, this.total), labelsSaved(this.randomCurve, h.high, this.labeled, this.total)];
    }
    return {
      curve,
      curveSource,
      curveMethod,
      hardCurve: thin(hardCurve),
      auditAccuracy: m.auditAccuracy,
      auditN: m.auditN,
      auditInterval: m.auditInterval,
      byLabel: this.byLabelRecord(),
      labelsSavedEstimate: saved,
      labelsSavedRange: savedRange,
      labeled: this.labeled,
      total: this.total,
      annotators: this.annotators.list(),
      iterations: this.iterationList.length,
      lastRetrainAt: this.lastRetrainAt === null ? null : new Date(this.lastRetrainAt).toISOString(),
      accuracy,
      advice: this.advice(accuracy),
      accuracyMethod:
        "curve: at each retrain, 5-fold cross-validated accuracy on the random audit picks (every auditEvery-th item served is drawn uniformly from the pool; each fold scored by a model fitted on every label but that fold's audit picks): an estimate of the model's accuracy over the pool, on n items, with its 95% Wilson interval [low, high]; hardCurve: test-then-train accuracy on the labels that arrived while each model was current, mostly items the strategy chose because they were hard, so below the pool's accuracy",
      labelsSavedMethod: "random sampling's learning curve err(m) = b·m^-c is fitted on random audit picks (train on random subsets of them, test on the rest); labels it needs to reach the headline accuracy (cross-validated on the audit picks), minus the labels spent; labelsSavedRange: the same at either end of the accuracy's 95% interval; null until the curve exists (30 audit labels) and the accuracy rests on 20 picks",
    };
  }

  /**
   * Class probabilities of new records with the latest model.
   * @throws ConflictError when no model has been trained yet
   */
  predict(records: readonly Record<string, Cell>[]): { label: string; probabilities: Record<string, number> }[] {
    if (this.model === null) throw new ConflictError("no model yet: label items of at least two classes first");
    this.featurizer ??= TableFeaturizer.fromJSON(this.meta.featurizer as SavedFeaturizer);
    const ds = recordsToDataset("request", records, this.meta.fields, this.meta.textColumn);
    const X = this.featurizer.transform(ds);
    const k = this.meta.labels.length;
    const proba = this.model.predictProba(X);
    const pred = argmaxRows(proba, records.length, k);
    return records.map((_, r) => ({
      label: this.meta.labels[pred[r]],
      probabilities: Object.fromEntries(this.meta.labels.map((l, c) => [l, round(proba[r * k + c], 6)])),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.retrainer.close();
    await this.running;
    const last = this.iterationList.at(-1);
    if (this.model !== null && last !== undefined && last.createdAt > this.lastSnapshotAt && this.store.latestModel()?.createdAt !== last.createdAt) {
      this.store.saveModel(last.labeled, this.model.toJSON(), last.createdAt);
    }
    this.store.close();
  }
}

/** Most points a dashboard curve carries: a long project's curve is thinned evenly (first and last kept). */
const MAX_CURVE_POINTS = 300;

function thin<T>(points: T[]): T[] {
  if (points.length <= MAX_CURVE_POINTS) return points;
  const step = (points.length - 1) / (MAX_CURVE_POINTS - 1);
  return Array.from({ length: MAX_CURVE_POINTS }, (_, i) => points[Math.round(i * step)]);
}

/** The 95% Wilson interval of k in n, rounded to 4 decimals. */
function interval(k: number, n: number): [number, number] {
  const w = wilson(k, n);
  return [round(w.low, 4), round(w.high, 4)];
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
