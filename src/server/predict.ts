/**
 * Predictions for new records (`POST /api/predict`): the project's saved featurizer, then the
 * latest model's class probabilities.
 *
 * @example
 * new Predictor(meta).predict(model, [{ text: "cheap pills" }]); // [{ label: "spam", probabilities: { spam: 0.93, ham: 0.07 } }]
 */
import type { Cell } from "../data/jsonl.js";
import { argmaxRows } from "../eval/metrics.js";
import { TableFeaturizer, type SavedFeaturizer } from "../features/featurizer.js";
import type { Classifier } from "../models/types.js";
import { recordsToDataset } from "../project/records.js";
import type { ProjectMeta } from "../store/types.js";
import { round } from "./figures.js";

export interface Prediction {
  label: string;
  probabilities: Record<string, number>;
}

export class Predictor {
  private featurizer: TableFeaturizer | null = null;

  constructor(private readonly meta: ProjectMeta) {}

  /** Class probabilities of `records` (fields as at init) with `model`, rounded to 6 decimals. */
  predict(model: Classifier, records: readonly Record<string, Cell>[]): Prediction[] {
    this.featurizer ??= TableFeaturizer.fromJSON(this.meta.featurizer as SavedFeaturizer);
    const ds = recordsToDataset("request", records, this.meta.fields, this.meta.textColumn);
    const X = this.featurizer.transform(ds);
    const labels = this.meta.labels;
    const k = labels.length;
    const proba = model.predictProba(X);
    const pred = argmaxRows(proba, records.length, k);
    return records.map((_, r) => ({
      label: labels[pred[r]],
      probabilities: Object.fromEntries(labels.map((l, c) => [l, round(proba[r * k + c], 6)])),
    }));
  }
}
