/**
 * One simulated active-learning run (one dataset, one seed, one strategy) under the comparison
 * protocol: stratified pool/test split (scikit-learn's, see split.ts), featurizer fitted on the
 * pool only, `initial` random pool items labeled (the same items for every strategy of a seed),
 * then batches queried and answered from ground truth until the budget, test accuracy after every
 * batch.
 */
import { BadInputError, BadOptionError } from "../errors.js";
import type { Dataset } from "../data/types.js";
import { TableFeaturizer } from "../features/featurizer.js";
import type { Matrix } from "../linalg/matrix.js";
import { Pcg64 } from "../linalg/pcg64.js";
import { Rng } from "../linalg/rng.js";
import { coldStart, type ColdStart } from "../loop/cold-start.js";
import { ActiveLearner } from "../loop/learner.js";
import { StopMonitor } from "../loop/stop-monitor.js";
import { defaultStoppingCriteria } from "../loop/stopping.js";
import { modelFactory, modelNeedsNonNegative } from "../models/registry.js";
import type { QueryStrategy } from "../strategies/types.js";
import { accuracy, argmaxRows } from "./metrics.js";
import { stratifiedSplit } from "./split.js";
import { clusterCoverage, poolClusters, type ClusterCoverage, type PoolClusters } from "../quality/slices-clusters.js";

export interface ProtocolOptions {
  readonly initial: number;
  readonly batch: number;
  readonly budget: number;
  readonly testFraction: number;
  readonly model: string;
  /** How the initial items are chosen (default "random", the reference protocol). */
  readonly coldStart?: ColdStart;
  /** Also return what slice monitoring needs (the final labeled rows, test correctness, cluster coverage). */
  readonly slices?: boolean;
}

/** A labeled dataset encoded for simulation: class names and one class index per row. */
export interface EncodedLabels {
  readonly classes: readonly string[];
  readonly y: Int32Array;
}

/** Pool and test matrices of one seed's split, with the pool's class indices. */
export interface PreparedSplit {
  readonly Xpool: Matrix;
  readonly Xtest: Matrix;
  readonly yPool: Int32Array;
  readonly yTest: Int32Array;
  /** Dataset rows of the test part (the pool is every other row). */
  readonly testRows: Int32Array;
  /** Dataset rows of the pool part, in pool order. */
  readonly poolRows: Int32Array;
}

/** Splits by seed and featurizes (fitted on the pool only). */
export function prepareSplit(ds: Dataset, enc: EncodedLabels, seed: number, opts: ProtocolOptions): PreparedSplit {
  const counts = new Int32Array(enc.classes.length);
  for (const c of enc.y) counts[c]++;
  const thin = enc.classes.filter((_, c) => counts[c] === 1);
  if (thin.length > 0) {
    const rows = thin.map((name) => ds.rowNumbers[enc.y.findIndex((c) => enc.classes[c] === name)]);
    throw new BadInputError(`${thin.map((t) => `class "${t}"`).join(", ")} ${thin.length === 1 ? "has" : "have"} only one row (row ${rows.join(", ")}); a stratified pool/test split needs at least two rows per class`, { file: ds.source, column: ds.labelColumn ?? undefined });
  }
  const split = stratifiedSplit(enc.y, enc.classes.length, opts.testFraction, seed, enc.classes);
  const f = new TableFeaturizer({ numeric: modelNeedsNonNegative(opts.model) ? "minmax" : "standardize" }).fit(ds, split.pool);
  return {
    Xpool: f.transform(ds, split.pool),
    Xtest: f.transform(ds, split.test),
    yPool: Int32Array.from(split.pool, (i) => enc.y[i]),
    yTest: Int32Array.from(split.test, (i) => enc.y[i]),
    testRows: split.test,
    poolRows: split.pool,
  };
}

export interface RunResult {
  readonly labels: number[];
  readonly accuracy: number[];
  /** Seconds of each iteration: select + retrain. */
  readonly iterationSeconds: number[];
  /** Where each default stopping criterion first fired, with the test accuracy there. */
  readonly stops?: RunStop[];
  /** With `slices`: the end of the run as slice monitoring reads it. */
  readonly slices?: RunSlices;
}

/** The end of a run: which rows were labeled, which test rows the final model got right, cluster coverage. */
export interface RunSlices {
  /** Dataset rows labeled at the budget. */
  readonly labeledRows: Int32Array;
  /** Dataset rows of the test set, and 1 where the final model predicted them right. */
  readonly testRows: Int32Array;
  readonly testCorrect: Uint8Array;
  /** Coverage of the pool's clusters (seeded by the seed: the same clusters for every strategy); null for a pool too small. */
  readonly clusters: ClusterCoverage | null;
}

/** The pool's clusters of a prepared split, computed once per split. */
const clusterCache = new WeakMap<PreparedSplit, PoolClusters | null>();

function runSlices(prep: PreparedSplit, labeled: Int32Array, pred: Int32Array, seed: number): RunSlices {
  let clusters = clusterCache.get(prep);
  if (clusters === undefined) {
    clusters = poolClusters(prep.Xpool, seed * 6007 + 11);
    clusterCache.set(prep, clusters);
  }
  const flags = new Uint8Array(prep.Xpool.rows);
  for (const i of labeled) flags[i] = 1;
  return {
    labeledRows: Int32Array.from(labeled, (i) => prep.poolRows[i]),
    testRows: prep.testRows,
    testCorrect: Uint8Array.from(pred, (p, t) => (p === prep.yTest[t] ? 1 : 0)),
    clusters: clusters === null ? null : clusterCoverage(clusters.assignment, clusters.k, flags),
  };
}

/** A stopping criterion that fired during a run. */
export interface RunStop {
  readonly criterion: string;
  readonly labels: number;
  /** Test accuracy of the model at that point. */
  readonly accuracy: number;
  readonly reason: string;
}

/** Runs the loop for one seed and strategy on a prepared split. */
export function simulateRun(prep: PreparedSplit, nClasses: number, strategy: QueryStrategy, seed: number, opts: ProtocolOptions): RunResult {
  const nPool = prep.Xpool.rows;
  if (opts.initial > nPool) throw new BadOptionError([`--initial ${opts.initial} is larger than the pool (${nPool} rows)`], "initial");
  const budget = Math.min(opts.budget, nPool);
  // A random start is drawn as NumPy's `default_rng(seed).choice(pool, initial, replace=False)`,
  // so that with the scikit-learn split it starts from the reference protocol's very items.
  const method = opts.coldStart ?? "random";
  const initial = method === "random" ? new Pcg64(seed).choice(nPool, opts.initial) : coldStart(prep.Xpool, opts.initial, method, new Rng(seed * 7919 + 17));
  const learner = new ActiveLearner({ X: prep.Xpool, nClasses, model: modelFactory(opts.model), strategy, seed: seed * 104729 + 3 });
  // The same stop set for every strategy of a seed.
  const monitor = new StopMonitor({ X: prep.Xpool, nClasses, criteria: defaultStoppingCriteria(budget), seed: seed * 31337 + 5 });
  learner.teach(initial, Array.from(initial, (i) => prep.yPool[i]));
  const labels: number[] = [];
  const acc: number[] = [];
  const iterationSeconds: number[] = [];
  let pred: Int32Array = new Int32Array(0);
  const evaluate = (): void => {
    labels.push(learner.labeledCount);
    pred = argmaxRows(learner.model.predictProba(prep.Xtest), prep.Xtest.rows, nClasses);
    acc.push(accuracy(pred, prep.yTest));
    monitor.observe(learner.model, learner.labeled());
  };
  evaluate();
  while (learner.labeledCount < budget) {
    const k = Math.min(opts.batch, budget - learner.labeledCount);
    const t0 = performance.now();
    const sel = learner.query(k);
    const truth = Array.from(sel.indices, (i) => prep.yPool[i]);
    const seconds = (performance.now() - t0) / 1000;
    monitor.scoreBatch(argmaxRows(learner.model.predictProba(prep.Xpool, sel.indices), sel.indices.length, nClasses), truth);
    const t1 = performance.now();
    learner.teach(sel.indices, truth);
    iterationSeconds.push(seconds + (performance.now() - t1) / 1000);
    evaluate();
  }
  const stops = monitor.firstFired().map((e) => ({ ...e, accuracy: acc[labels.indexOf(e.labels)] }));
  return { labels, accuracy: acc, iterationSeconds, stops, ...(opts.slices === true ? { slices: runSlices(prep, learner.labeled(), pred, seed) } : {}) };
}

/** Test accuracy of the model trained on the whole labeled pool. */
export function fullPoolAccuracy(prep: PreparedSplit, nClasses: number, model: string): number {
  const m = modelFactory(model)(nClasses).fit(prep.Xpool, prep.yPool);
  return accuracy(argmaxRows(m.predictProba(prep.Xtest), prep.Xtest.rows, nClasses), prep.yTest);
}
