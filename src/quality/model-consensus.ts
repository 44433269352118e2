/**
 * Consensus that weighs annotators together with a classifier on the items' features.
 *
 * 1. Dawid-Skene EM on the annotations alone (dawid-skene.ts) gives posteriors T.
 * 2. A classifier (logistic regression, C = 1) is fitted on the current consensus labels
 *    argmax T and predicts every item out of fold (stratified K-fold, seeded): q_i.
 * 3. Dawid-Skene EM runs again from T with the classifier as one more annotator who labels every
 *    item softly (its probabilities q_i), with its own confusion matrix learned by EM, so the
 *    model counts as much as it is right, class by class, and no more.
 * Steps 2-3 repeat `rounds` times (default 3): a better consensus trains a better model.
 *
 * Defaults (one setting for every file): smoothing 0.01 (the pseudo-count of classic
 * Dawid-Skene, and of the `dawid-skene` method), 3 rounds, 5 folds. They were chosen on fresh
 * simulated crowds (`npm run bench:quality:tune`: seeds 1-3 of simulate-crowd.ts over the eight
 * shared datasets), not on the scored crowd files. Mean accuracy there: 0.9361 with smoothing
 * 0.01 and 2 rounds, 0.9372 with 0.01 and 3, 0.9377 with 1 (add-one) and 3 or 4 rounds. Add-one
 * smoothing is not the default although it scored 0.0005 higher: on a small file (a few labels
 * per annotator) its pseudo-counts outweigh the data and EM slides to the flat fixed point
 * (every posterior 1/K, every annotator at chance), which 0.01 does not.
 *
 * How it differs from CROWDLAB (cleanlab's multi-annotator consensus): CROWDLAB weighs the
 * model's probabilities and each annotator's votes by single accuracy-based weights fitted on
 * majority-vote labels; here every annotator and the model has a full confusion matrix (so a
 * systematic confusion "always says B for A" is undone, not just discounted), and the model is
 * retrained on the improved consensus. Where the features carry little signal the model's
 * confusion matrix comes out nearly flat and it changes little.
 *
 * @example
 * const r = modelConsensus(annotations, X, { seed: 0 }); r.consensus.label;
 */
import type { Matrix } from "../linalg/matrix.js";
import { LogisticRegression } from "../models/logistic.js";
import type { ClassifierFactory } from "../models/types.js";
import type { Annotations } from "./annotations.js";
import { dawidSkene, type DawidSkeneOptions, type DawidSkeneResult } from "./dawid-skene.js";
import { outOfFold } from "./cross-val.js";

export interface ModelConsensusOptions extends Pick<DawidSkeneOptions, "tol" | "maxIter"> {
  /** Dirichlet pseudo-count of every confusion and prior cell (default {@link MODEL_SMOOTHING}). */
  readonly smoothing?: number;
  /** Cross-validation folds (default 5). */
  readonly folds?: number;
  /** Seed of the fold assignment (default 0). */
  readonly seed?: number;
  /** Model refits on the improving consensus (default {@link MODEL_ROUNDS}). */
  readonly rounds?: number;
  /** The classifier (default logistic regression, C = 1). */
  readonly model?: ClassifierFactory;
}

/** Default smoothing of the model consensus (see the file comment). */
export const MODEL_SMOOTHING = 0.01;
/** Default model refits. */
export const MODEL_ROUNDS = 3;

export interface ModelConsensusResult extends DawidSkeneResult {
  /** The classifier's out-of-fold probabilities of the last round (items x labels). */
  readonly modelProbs: Float64Array;
}

/** Runs the combination above; X has one row per item of `a`, in its order. */
export function modelConsensus(a: Annotations, X: Matrix, options: ModelConsensusOptions = {}): ModelConsensusResult {
  const K = a.labels.length;
  const em: DawidSkeneOptions = {
    smoothing: options.smoothing ?? MODEL_SMOOTHING,
    ...(options.tol !== undefined ? { tol: options.tol } : {}),
    ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
  };
  const factory = options.model ?? ((k: number) => new LogisticRegression(k, { C: 1 }));
  const rounds = options.rounds ?? MODEL_ROUNDS;
  let res: DawidSkeneResult = dawidSkene(a, em);
  let q: Float64Array = new Float64Array(a.items.length * K);
  for (let r = 0; r < rounds; r++) {
    q = outOfFold(X, res.consensus.label, K, factory, { folds: options.folds ?? 5, seed: options.seed ?? 0 });
    res = dawidSkene(a, { ...em, init: res.consensus.probs, soft: q });
  }
  return { ...res, modelProbs: q };
}
