/**
 * Label-error detection on a labeled table: out-of-sample probabilities by stratified K-fold
 * cross-validation, confident learning on them (confident-learning.ts), and the rows ranked by
 * label quality.
 *
 * What differs from confident learning as cleanlab ships it (measured on shared/quality with
 * `npm run bench:quality:issues`, one default for every file):
 *  - the probabilities are the average over `repeats` cross-validations with different fold
 *    draws (seeds seed, seed+1, ...), which steadies them on small data: by default 3 up to
 *    20,000 rows (every file of the benchmark), 1 above, where one fold draw is steady already
 *    and the time matters more (100,000 rows x 50 features in a few seconds);
 *  - logistic regression is regularised more strongly (C = 0.1 instead of scikit-learn's 1): a
 *    model fitted to noisy labels should not follow them closely, and less confident
 *    probabilities rank the damaged rows better;
 *  - prune by noise rate decides *how many* rows are issues; *which* rows are the issues is then
 *    decided by label quality over the whole table: the rows of lowest self-confidence (the
 *    probability of the given label) among those whose given label is not the most probable one.
 *    Pruning picks per cell of the joint and so spreads the issues over the classes as the joint
 *    does; the joint's errors in a hard pair of classes then cost precision.
 * `quality` is the self-confidence, in [0, 1]; `suggested` is the most probable class.
 *
 * @example
 * const r = findLabelIssues(X, y, ["ham", "spam"], { seed: 0 });
 * r.issue[12]; // 1 if row 12's label is probably wrong; r.suggested[12] the likely class
 */
import type { Matrix } from "../linalg/matrix.js";
import { LogisticRegression } from "../models/logistic.js";
import { MultinomialNB } from "../models/naive-bayes.js";
import type { ClassifierFactory } from "../models/types.js";
import { BadOptionError } from "../errors.js";
import { crossValProba, stratifiedFolds } from "./cross-val.js";
import {
  argmaxRow,
  calibrateJoint,
  classCounts,
  confidentJoint,
  estimatedIssues,
  noiseRates,
  perClassThresholds,
  pruneByNoiseRate,
  selfConfidence,
} from "./confident-learning.js";

export interface LabelIssuesOptions {
  /** Cross-validation folds (default 5). */
  readonly folds?: number;
  /** "logreg" (default) or "nb" (needs non-negative features). */
  readonly model?: "logreg" | "nb";
  /** Seed of the fold draws (default 0). */
  readonly seed?: number;
  /** Cross-validations averaged (default 3 up to {@link STEADY_ROWS} rows, else 1). */
  readonly repeats?: number;
  /** Logistic regression's C (default 0.1). */
  readonly C?: number;
}

export const LABEL_ISSUES_DEFAULTS = { folds: 5, model: "logreg", seed: 0, C: 0.1 } as const;

/** Rows above which one cross-validation is the default (see the module comment). */
export const STEADY_ROWS = 20_000;

/** The default number of cross-validations averaged for `n` rows. */
export function defaultRepeats(n: number): number {
  return n <= STEADY_ROWS ? 3 : 1;
}

export interface LabelIssues {
  readonly classes: readonly string[];
  /** Out-of-sample probabilities, n x K row-major. */
  readonly probabilities: Float64Array;
  /** Per-class thresholds t_j. */
  readonly thresholds: Float64Array;
  /** Confident joint counts, K x K [given][confident class]. */
  readonly joint: Float64Array;
  /** Calibrated joint Q (sums to 1). */
  readonly calibrated: Float64Array;
  /** Estimated share of wrong labels among the rows given each class. */
  readonly noiseRates: Float64Array;
  /** Rows prune by noise rate flags (the number of issues). */
  readonly pruned: number;
  /** n times the off-diagonal mass of Q. */
  readonly estimated: number;
  /** Most probable class of every row. */
  readonly suggested: Int32Array;
  /** Self-confidence of every row, in [0, 1]. */
  readonly quality: Float64Array;
  /** 1 where the given label is probably wrong. */
  readonly issue: Uint8Array;
  readonly flagged: number;
}

function factoryOf(model: string, C: number): ClassifierFactory {
  if (model === "logreg") return (k) => new LogisticRegression(k, { C, tol: 1e-6 });
  if (model === "nb") return (k) => new MultinomialNB(k);
  throw new BadOptionError([`option --model must be logreg or nb, got "${model}"`], "model");
}

/** Averaged out-of-fold probabilities of `repeats` stratified cross-validations. */
export function outOfSampleProba(X: Matrix, y: Int32Array, classes: readonly string[], options: LabelIssuesOptions = {}): Float64Array {
  const d = LABEL_ISSUES_DEFAULTS;
  const o = { folds: options.folds ?? d.folds, model: options.model ?? d.model, seed: options.seed ?? d.seed, C: options.C ?? d.C, repeats: options.repeats ?? defaultRepeats(X.rows) };
  const problems: string[] = [];
  if (!(Number.isInteger(o.repeats) && o.repeats >= 1)) problems.push(`repeats must be a whole number >= 1, got ${o.repeats}`);
  if (!(o.C > 0)) problems.push(`C must be > 0, got ${o.C}`);
  if (!Number.isInteger(o.seed)) problems.push(`option --seed must be a whole number, got ${o.seed}`);
  if (problems.length > 0) throw new BadOptionError(problems);
  const K = classes.length;
  const factory = factoryOf(o.model, o.C);
  const p = new Float64Array(X.rows * K);
  for (let r = 0; r < o.repeats; r++) {
    const q = crossValProba(X, y, K, factory, stratifiedFolds(y, K, o.folds, o.seed + r, classes));
    for (let i = 0; i < p.length; i++) p[i] += q[i] / o.repeats;
  }
  return p;
}

/** Confident learning on given probabilities, issues chosen as the module comment says. */
export function issuesFromProba(p: Float64Array, y: Int32Array, classes: readonly string[]): LabelIssues {
  const K = classes.length;
  const n = y.length;
  const thresholds = perClassThresholds(p, y, K);
  const { counts } = confidentJoint(p, y, K, thresholds);
  const calibrated = calibrateJoint(counts, classCounts(y, K));
  const pruned = pruneByNoiseRate(p, y, K, calibrated).reduce((a, b) => a + b, 0);
  const quality = selfConfidence(p, y, K);
  const suggested = Int32Array.from({ length: n }, (_, r) => argmaxRow(p, r, K));
  const candidates: number[] = [];
  for (let r = 0; r < n; r++) if (suggested[r] !== y[r]) candidates.push(r);
  candidates.sort((a, b) => quality[a] - quality[b] || a - b);
  const issue = new Uint8Array(n);
  const flagged = Math.min(pruned, candidates.length);
  for (let t = 0; t < flagged; t++) issue[candidates[t]] = 1;
  return {
    classes,
    probabilities: p,
    thresholds,
    joint: counts,
    calibrated,
    noiseRates: noiseRates(calibrated, K),
    pruned,
    estimated: estimatedIssues(calibrated, K, n),
    suggested,
    quality,
    issue,
    flagged,
  };
}

/**
 * Finds the rows of X whose given label `y` (indices into `classes`) is probably wrong.
 * @throws BadOptionError for bad options or a class with fewer rows than folds
 */
export function findLabelIssues(X: Matrix, y: Int32Array, classes: readonly string[], options: LabelIssuesOptions = {}): LabelIssues {
  return issuesFromProba(outOfSampleProba(X, y, classes, options), y, classes);
}
