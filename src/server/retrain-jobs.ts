/** Messages between the server's main thread and its retraining worker. */
import type { SavedModel } from "../models/types.js";

export interface RetrainInit {
  readonly dbPath: string;
  readonly rows: number;
  readonly cols: number;
  readonly kind: "dense" | "csr";
  /** Pool indices of the stop set (a fixed seeded sample) whose probabilities every reply carries. */
  readonly stopSet: Int32Array;
  /** Cut the pool into k-means clusters once (for slice monitoring's cluster coverage) and send them with the first reply. */
  readonly clusters?: boolean;
}

export interface RetrainJob {
  readonly id: number;
  /** Pool indices of the labeled items, in labeling order. */
  readonly labeled: Int32Array;
  /** Class index of each labeled item. */
  readonly y: Int32Array;
  /** 1 where the labeled item was a random audit pick (used for the random-sampling curve). */
  readonly audit: Uint8Array;
  /** 1 where the labeled item's label was imported at init. */
  readonly imported: Uint8Array;
  readonly nClasses: number;
  readonly model: string;
  readonly strategy: string;
  /** How many items the strategy itself picks; the rest of the pool follows in least-confidence order. */
  readonly batch: number;
  /** Seeds this round's strategy (as an ActiveLearner's seed does its first query) and the learning curves. */
  readonly seed: number;
}

/** Cross-validated right/wrong of each audit pick: what the slice figures rest on. */
export interface AuditScores {
  readonly items: Int32Array;
  readonly right: Uint8Array;
}

/** Fewest items an accuracy is measured on before it is shown as a figure. */
export const MIN_ESTIMATE_N = 10;

/** err(m) ≈ b · m^(-c): random sampling's error after m labels, fitted on the audit items. */
export interface PowerLaw {
  readonly b: number;
  readonly c: number;
  /** Audit labels the fit used. */
  readonly n: number;
  /** The fit's centre (mean log m, mean log err), the exponent's standard error and the points fitted. */
  readonly logM?: number;
  readonly logErr?: number;
  readonly cSe?: number;
  readonly points?: number;
}

export type RetrainReply =
  | {
      readonly id: number;
      readonly ok: true;
      /** Unlabeled pool indices, best first (all of them). */
      readonly order: Int32Array;
      /** The strategy's score of each entry of `order`. */
      readonly scores: Float64Array;
      /** The registered strategy that chose the batch (a phase of the project's strategy, or itself). */
      readonly by: string;
      /** Predicted class of every pool item. */
      readonly pred: Int32Array;
      /** Probability of the predicted class of every pool item. */
      readonly conf: Float32Array;
      readonly model: SavedModel;
      readonly trainMs: number;
      readonly scoreMs: number;
      readonly randomCurve: PowerLaw | null;
      /**
       * Cross-validated accuracy on the random audit picks (each scored by a model fitted on every
       * label but its fold's audit picks): an estimate of the current model's accuracy over the
       * pool, and on how many items; null when there are no audit picks yet.
       */
      readonly holdout: { readonly accuracy: number; readonly n: number } | null;
      /** The audit picks that cross-validation scored (pool indices) and 1 where their fold's model was right; null without audit picks. */
      readonly auditScores: AuditScores | null;
      /** With `clusters` in the init: the pool's clusters (quality/slices-clusters.ts), in the worker's first reply only. */
      readonly clusters?: { readonly k: number; readonly assignment: Int32Array } | null;
      /** The model's class probabilities on the stop set, (m x nClasses) row-major. */
      readonly stopProba: Float64Array;
      /**
       * The same cross-validation on the imported labels, while audit picks are fewer than
       * MIN_ESTIMATE_N (null otherwise, or with fewer imported labels than that).
       */
      readonly imported: { readonly accuracy: number; readonly n: number } | null;
      /**
       * Out-of-fold class probabilities of the labeled items, (labeled x nClasses) row-major in
       * the job's order (model-review.ts); null before two labels have enough training labels.
       */
      readonly oof: Float64Array | null;
      /** With no item left to label: accuracy of models trained on m imported labels, tested on the rest. */
      readonly importedCurve: { readonly labels: number; readonly accuracy: number; readonly n: number }[] | null;
    }
  | { readonly id: number; readonly ok: false; readonly error: string };
