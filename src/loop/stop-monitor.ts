/**
 * Feeds stopping criteria as learning goes on: draws the stop set once (a seeded sample of the
 * pool), predicts it with every new model, keeps the honest accuracy estimate, checks each
 * criterion and remembers where each first fired. Works the same in simulation and live.
 *
 * The accuracy estimate: before a batch of new labels is trained on, the current model's
 * predictions for those items are compared with their labels (`scoreBatch`). The estimate is the
 * accuracy over the last `accuracyWindow` batches pooled (default 5): honest (no item was
 * trained on), smoothed, and conservative under uncertainty sampling (queried items are hard ones).
 *
 * @example
 * const monitor = new StopMonitor({ X, nClasses, criteria: defaultStoppingCriteria(300), seed: 0 });
 * monitor.observe(learner.model, learner.labeled());
 * monitor.scoreBatch(predictedBeforeTraining, labels); learner.teach(batch, labels);
 * const fired = monitor.observe(learner.model, learner.labeled()); // criteria that fire now
 */
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import type { ProbabilisticModel } from "../models/types.js";
import type { StopState, StoppingCriterion } from "./stopping.js";

/** Default stop-set size (the whole pool if smaller). */
export const STOP_SET_SIZE = 1000;

/**
 * The stop set: a seeded uniform sample of min(size, nRows) pool rows, ascending. The same seed
 * gives the same set (the served project draws it with a fixed seed, so a restart keeps it).
 */
export function drawStopSet(nRows: number, seed: number, size = STOP_SET_SIZE): Int32Array {
  const all = Int32Array.from({ length: nRows }, (_, i) => i);
  return Int32Array.from(new Rng(seed).sample(all, Math.min(size, nRows))).sort();
}

/** The model's class probabilities on the stop set, (m x nClasses) row-major: what the criteria read. */
export function stopSetProba(model: ProbabilisticModel, X: Matrix, stopSet: Int32Array): Float64Array {
  return model.predictProba(X, stopSet);
}

export interface StopMonitorOptions {
  /** The pool. */
  readonly X: Matrix;
  readonly nClasses: number;
  readonly criteria: readonly StoppingCriterion[];
  /** Seeds the stop-set sample. */
  readonly seed: number;
  /** Stop-set size (default 1,000, or the whole pool if smaller). */
  readonly stopSetSize?: number;
  /** Batches pooled in the accuracy estimate (default 5). */
  readonly accuracyWindow?: number;
}

/** Where a criterion first fired. */
export interface StopEvent {
  readonly criterion: string;
  readonly labels: number;
  readonly reason: string;
}

/**
 * The state the criteria check, from the stop set's probabilities: each item's predicted class is
 * its most probable one (the first on a tie). simulate's monitor and the served project's live
 * advice both build it here.
 */
export function stopStateOf(o: Omit<StopState, "stopPredictions">): StopState {
  const k = o.nClasses;
  const m = o.stopLabeled.length;
  const pred = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (o.stopProba[r * k + c] > o.stopProba[r * k + best]) best = c;
    pred[r] = best;
  }
  return { ...o, stopPredictions: pred };
}

export class StopMonitor {
  /** Pool indices of the stop set, ascending. */
  readonly stopSet: Int32Array;
  private readonly X: Matrix;
  private readonly nClasses: number;
  private readonly criteria: readonly StoppingCriterion[];
  private readonly window: number;
  private previous: Int32Array | null = null;
  private readonly batches: { correct: number; items: number }[] = [];
  private readonly first = new Map<string, StopEvent>();

  constructor(o: StopMonitorOptions) {
    this.X = o.X;
    this.nClasses = o.nClasses;
    this.criteria = o.criteria;
    this.window = o.accuracyWindow ?? 5;
    this.stopSet = drawStopSet(o.X.rows, o.seed, o.stopSetSize ?? STOP_SET_SIZE);
  }

  /** Records the current model's predictions on items about to be trained on, with their labels. */
  scoreBatch(predicted: ArrayLike<number>, labels: ArrayLike<number>): void {
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
    this.batches.push({ correct, items: labels.length });
    if (this.batches.length > this.window) this.batches.shift();
  }

  /** The honest accuracy estimate (see the module comment), or null before any batch was scored. */
  accuracyEstimate(): { value: number; items: number } | null {
    let c = 0;
    let n = 0;
    for (const b of this.batches) {
      c += b.correct;
      n += b.items;
    }
    return n === 0 ? null : { value: c / n, items: n };
  }

  /** Checks every criterion against the new model; returns those firing now (each with its reason). */
  observe(model: ProbabilisticModel, labeled: ArrayLike<number>): StopEvent[] {
    const proba = stopSetProba(model, this.X, this.stopSet);
    const isLabeled = new Set<number>(Array.from(labeled));
    const stopLabeled = Uint8Array.from(this.stopSet, (i) => (isLabeled.has(i) ? 1 : 0));
    const state = stopStateOf({ labeled: labeled.length, nClasses: this.nClasses, stopProba: proba, previousPredictions: this.previous, stopLabeled, accuracyEstimate: this.accuracyEstimate() });
    const fired: StopEvent[] = [];
    for (const c of this.criteria) {
      const d = c.check(state);
      if (!d.stop) continue;
      const e = { criterion: c.name, labels: labeled.length, reason: d.reason };
      fired.push(e);
      if (!this.first.has(c.name)) this.first.set(c.name, e);
    }
    this.previous = state.stopPredictions;
    return fired;
  }

  /** Where each criterion first fired (criteria that never fired are absent). */
  firstFired(): StopEvent[] {
    return this.criteria.map((c) => this.first.get(c.name)).filter((e): e is StopEvent => e !== undefined);
  }
}
