/**
 * Retraining of a served project: after every `retrainEvery` label changes (labels and undos)
 * while none is running, the labeled set goes to the retraining worker (retrainer.ts); when the
 * reply comes back, the new model and ranking are installed, the outgoing model's test-then-train
 * accuracy is closed, the stopping criteria are checked on the stop set, and the iteration, the
 * stop-set predictions and (at most once a minute) a model snapshot are stored in one transaction.
 * It holds the current model and its predictions, which {@link ItemExplainer} and
 * {@link Predictor} read.
 *
 * @example
 * const loop = new RetrainLoop({ store, meta, state, queue, rng, dbPath, retrainEvery: 10, log });
 * loop.start(); // retrains at once if the labels allow
 * loop.changed(); // after each label or undo
 */
import type { Rng } from "../linalg/rng.js";
import { modelFromJSON } from "../models/registry.js";
import type { Classifier } from "../models/types.js";
import type { Assessment, Iteration, ProjectMeta, Store } from "../store/types.js";
import type { Emit } from "../webhooks/events.js";
import { accuracyReport, checkCriteria, kappaHistory } from "./advice.js";
import { retrainEvents } from "./retrain-events.js";
import type { Ranking } from "./explain.js";
import type { LabelState, TrainingSet } from "./label-state.js";
import type { ReadyQueue } from "./queue.js";
import type { AuditScores, PowerLaw, RetrainReply } from "./retrain-jobs.js";
import { Retrainer } from "./retrainer.js";
import { StopSet } from "./stop-set.js";

/** Least time between two stored model snapshots. */
const SNAPSHOT_EVERY_MS = 60_000;

export interface RetrainLoopOptions {
  readonly store: Store;
  readonly meta: ProjectMeta;
  readonly state: LabelState;
  readonly queue: ReadyQueue;
  /** The project's seeded generator (each retrain draws its seed from it). */
  readonly rng: Rng;
  readonly dbPath: string;
  readonly retrainEvery: number;
  readonly log: (line: string) => void;
  /** Webhook events (model.retrained, stopping.advice), written in the retrain's transaction. */
  readonly emit?: Emit;
  /** The labeled set a retrain trains on (default: every labeled item's current label; overlap: the consensus). */
  readonly trainingSet?: () => TrainingSet;
  /**
   * Called in the install transaction with the set the model was fitted on and its items'
   * out-of-fold probabilities (the review queue flags the labels confident learning finds suspect).
   */
  readonly afterInstall?: (set: TrainingSet, oof: Float64Array | null, iteration: number, now: number) => void;
}

type Installed = Extract<RetrainReply, { ok: true }>;

/** The stored form of the audit picks' scores: the items scored and the wrong ones. */
function auditPicksOf(s: AuditScores): { items: number[]; wrong: number[] } {
  const wrong: number[] = [];
  s.items.forEach((idx, q) => {
    if (s.right[q] === 0) wrong.push(idx);
  });
  return { items: Array.from(s.items), wrong };
}

/** An iteration without its audit-pick scores (kept in memory for the latest retrain only). */
function withoutAuditPicks(it: Iteration): Iteration {
  if (it.assessment?.auditPicks === undefined) return it;
  const rest: Assessment = { ...it.assessment };
  delete (rest as { auditPicks?: unknown }).auditPicks;
  return { ...it, assessment: rest };
}

export class RetrainLoop implements Ranking {
  /** Every retrain so far, oldest first (restored from the store). */
  readonly iterations: Iteration[];
  /** The current model (the latest snapshot after a restart, until the first retrain). */
  model: Classifier | null = null;
  pred: Int32Array | null = null;
  conf: Float32Array | null = null;
  score: Float64Array | null = null;
  orderStrategy = "random";
  randomCurve: PowerLaw | null = null;
  lastRetrainAt: number | null = null;
  /** The pool's clusters (projects that watch slices; from the worker's first reply). */
  clusters: { readonly k: number; readonly assignment: Int32Array } | null = null;

  private readonly o: RetrainLoopOptions;
  private readonly total: number;
  private readonly stop: StopSet;
  /** The current model's predictions on the stop set (null before the first retrain, unless restored). */
  private stopPred: Int32Array | null;
  private readonly retrainer: Retrainer;
  private sinceRetrain = 0;
  private closed = false;
  private running: Promise<void> | null = null;
  private lastSnapshotAt = -Infinity;

  constructor(o: RetrainLoopOptions) {
    this.o = o;
    this.total = o.state.total;
    // Only the latest retrain's audit-pick scores are read: older ones are not kept in memory.
    this.iterations = o.store.iterations().map((it, i, all) => (i < all.length - 1 ? withoutAuditPicks(it) : it));
    const last = this.iterations.at(-1);
    if (last !== undefined) {
      this.lastRetrainAt = last.createdAt;
      // The latest model's test-then-train count so far: the labels stored since it was installed
      // that carry its prediction (so a restart does not lose them).
      const since = o.store.testThenTrainSince(last.createdAt);
      o.state.evalN = since.n;
      o.state.evalCorrect = since.correct;
    }
    const saved = o.store.latestModel();
    if (saved !== undefined) this.model = modelFromJSON(saved.model);
    this.stop = new StopSet(o.store, this.total, o.meta.labels.length);
    this.stopPred = this.stop.load(last?.iteration);
    const slices = (o.meta.slices ?? []).length > 0;
    this.retrainer = new Retrainer({ dbPath: o.dbPath, rows: this.total, cols: o.meta.featureWidth, kind: o.meta.featureKind, stopSet: this.stop.indices, ...(slices ? { clusters: true } : {}) });
  }

  /** Retrains at once if the labels allow (at start). */
  start(): void {
    this.sinceRetrain = this.o.retrainEvery;
    this.maybeRetrain();
  }

  /** One label changed (a label or an undo): retrains when enough have. */
  changed(): void {
    this.sinceRetrain++;
    this.maybeRetrain();
  }

  private maybeRetrain(): void {
    if (this.closed || this.retrainer.busy || this.sinceRetrain < this.o.retrainEvery) return;
    if (this.o.state.classesPresent() < 2) return;
    this.sinceRetrain = 0;
    const set = this.o.trainingSet?.() ?? this.o.state.trainingSet();
    const started = Date.now();
    const job = this.retrainer.run({
      ...set,
      nClasses: this.o.meta.labels.length,
      model: this.o.meta.model,
      strategy: this.o.meta.strategy,
      // The strategy picks what annotators will label before the next retrain, with room to spare.
      batch: Math.max(50, 5 * this.o.retrainEvery),
      seed: this.o.rng.nextUint32(),
    });
    this.running = job
      .then((reply) => {
        if (this.closed) return;
        if (!reply.ok) {
          this.o.log(`retrain failed: ${reply.error}`);
          return;
        }
        this.install(reply, set, started);
      })
      .finally(() => {
        this.running = null;
        this.maybeRetrain();
      });
  }

  /** Installs a retrain's model and ranking, and stores what it measured. */
  private install(reply: Installed, set: TrainingSet, started: number): void {
    const { store, state, meta } = this.o;
    const trained = set.labeled.length;
    const now = Date.now();
    // Close the outgoing model's test-then-train estimate, then install the new one.
    const prev = this.iterations.at(-1);
    const closing = prev !== undefined && state.evalN > 0 ? { iteration: prev.iteration, accuracy: state.evalCorrect / state.evalN, n: state.evalN } : null;
    state.evalN = 0;
    state.evalCorrect = 0;
    this.model = modelFromJSON(reply.model);
    this.pred = reply.pred;
    this.conf = reply.conf;
    const score = new Float64Array(this.total).fill(NaN);
    for (let t = 0; t < reply.order.length; t++) score[reply.order[t]] = reply.scores[t];
    this.score = score;
    this.orderStrategy = reply.by;
    this.randomCurve = reply.randomCurve;
    if (reply.clusters !== undefined) this.clusters = reply.clusters;
    this.o.queue.setOrder(reply.order);
    if (prev !== undefined) this.iterations[this.iterations.length - 1] = withoutAuditPicks(closing !== null ? { ...prev, accuracy: closing.accuracy, accuracyN: closing.n } : prev);
    const base: Iteration = {
      iteration: (prev?.iteration ?? 0) + 1,
      createdAt: now,
      labeled: trained,
      accuracy: null,
      accuracyN: 0,
      holdoutAccuracy: reply.holdout?.accuracy ?? null,
      holdoutN: reply.holdout?.n ?? 0,
      trainMs: reply.trainMs,
      assessment: {
        criteria: [],
        kappa: null,
        randomCurve: reply.randomCurve,
        imported: reply.imported,
        importedCurve: reply.importedCurve,
        ...((meta.slices ?? []).length > 0 && reply.auditScores !== null ? { auditPicks: auditPicksOf(reply.auditScores) } : {}),
      },
    };
    // The stopping criteria, against the new model (cheap: the stop set is at most 1,000 items).
    const headline = accuracyReport({ latest: base, hard: null, labeled: state.labeled, total: this.total, importedLabels: state.importedCount }).headline;
    const checked = checkCriteria({
      labeled: trained,
      spent: state.spent,
      nClasses: meta.labels.length,
      stopProba: reply.stopProba,
      previousPredictions: this.stopPred,
      stopLabeled: Uint8Array.from(this.stop.indices, (i) => (state.isLabeled(i) ? 1 : 0)),
      kappaHistory: kappaHistory(this.iterations),
      headline,
      budget: meta.budget ?? null,
      target: meta.targetAccuracy ?? null,
    });
    this.stopPred = checked.stopPredictions;
    const assessment: Assessment = { ...base.assessment!, criteria: checked.criteria, kappa: checked.kappa };
    const it: Iteration = { ...base, assessment };
    this.iterations.push(it);
    // Snapshots are for restarts and /api/predict after one; at most one a minute keeps big
    // models (a wide TF-IDF vocabulary) from costing the request path a write per retrain.
    const snapshot = now - this.lastSnapshotAt >= SNAPSHOT_EVERY_MS;
    const stopPred = checked.stopPredictions;
    // The closed estimate, the new iteration, its stop-set predictions and the snapshot land together.
    store.transaction(() => {
      if (closing !== null) store.updateIterationAccuracy(closing.iteration, closing.accuracy, closing.n);
      this.stop.save(it.iteration, stopPred);
      store.addIteration(it);
      if (snapshot) store.saveModel(trained, reply.model, now);
      if (this.o.emit !== undefined) retrainEvents({ store, state, meta, iterations: this.iterations, randomCurve: reply.randomCurve, emit: this.o.emit }, it, now);
      this.o.afterInstall?.(set, reply.oof, it.iteration, now);
    });
    if (snapshot) this.lastSnapshotAt = now;
    this.lastRetrainAt = now;
    this.o.log(`retrain ${it.iteration}: ${trained} labels, fit ${reply.trainMs.toFixed(0)} ms, scored ${this.total} items in ${reply.scoreMs.toFixed(0)} ms (${now - started} ms in all)`);
    const fired = checked.criteria.filter((c) => c.state === "fired").map((c) => c.name);
    if (fired.length > 0) this.o.log(`retrain ${it.iteration}: stopping criteria fired: ${fired.join(", ")}`);
  }

  /** Resolves when no retrain is running. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Stops the worker, waits for a running install, and stores a snapshot of a model not yet stored. */
  async close(): Promise<void> {
    this.closed = true;
    await this.retrainer.close();
    await this.running;
    const last = this.iterations.at(-1);
    if (this.model !== null && last !== undefined && last.createdAt > this.lastSnapshotAt && this.o.store.latestModel()?.createdAt !== last.createdAt) {
      this.o.store.saveModel(last.labeled, this.model.toJSON(), last.createdAt);
    }
  }
}
