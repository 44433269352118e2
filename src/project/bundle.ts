/**
 * A trained model as a standalone file: the model, the featurizer it was trained with, the label
 * names and the fields, so `predict` can score new files without the project.
 *
 * @example
 * const b = trainBundle(store); fs.writeFileSync("model.json", JSON.stringify(b));
 * const probs = predictRecords(readBundle("model.json"), [{ text: "cheap pills" }]);
 */
import fs from "node:fs";
import type { Cell } from "../data/jsonl.js";
import { BadInputError, ConflictError } from "../errors.js";
import { argmaxRows } from "../eval/metrics.js";
import { TableFeaturizer, type SavedFeaturizer } from "../features/featurizer.js";
import { modelFactory, modelFromJSON } from "../models/registry.js";
import type { SavedModel } from "../models/types.js";
import type { Store } from "../store/types.js";
import { loadPoolMatrix } from "./features.js";
import { recordsToDataset, type FieldSpec } from "./records.js";

export const BUNDLE_FORMAT = "activelearn-model/1";

export interface ModelBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly project: string;
  readonly labels: readonly string[];
  readonly fields: readonly FieldSpec[];
  readonly textColumn: string | null;
  readonly featurizer: SavedFeaturizer;
  readonly model: SavedModel;
  readonly trainedOn: number;
  readonly createdAt: string;
}

/**
 * Fits the project's model on every labeled item.
 * @throws ConflictError when fewer than two classes have labels
 */
export function trainBundle(store: Store): ModelBundle {
  const meta = store.meta();
  const classOf = new Map(meta.labels.map((l, i) => [l, i]));
  const cur = store.currentLabels().filter((c) => classOf.has(c.label)).sort((a, b) => a.itemIdx - b.itemIdx);
  const rows = Int32Array.from(cur, (c) => c.itemIdx);
  const y = Int32Array.from(cur, (c) => classOf.get(c.label) ?? 0);
  if (new Set(y).size < 2) throw new ConflictError(`cannot train: labels of at least two classes are needed (have ${cur.length} labels of ${new Set(y).size} class)`);
  const X = loadPoolMatrix(store, store.itemCount(), meta.featureWidth, meta.featureKind);
  const model = modelFactory(meta.model)(meta.labels.length).fit(X, y, { rows });
  return {
    format: BUNDLE_FORMAT,
    project: meta.name,
    labels: meta.labels,
    fields: meta.fields,
    textColumn: meta.textColumn,
    featurizer: meta.featurizer as SavedFeaturizer,
    model: model.toJSON(),
    trainedOn: rows.length,
    createdAt: new Date().toISOString(),
  };
}

/** Reads a model file written by `train`. */
export function readBundle(file: string): ModelBundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new BadInputError(`cannot read the model file: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const b = parsed as Partial<ModelBundle>;
  if (typeof b !== "object" || b === null || b.format !== BUNDLE_FORMAT) throw new BadInputError(`not an activelearn model file (expected "format": "${BUNDLE_FORMAT}")`, { file });
  return b as ModelBundle;
}

/** A loaded bundle, ready to predict. */
export interface Predictor {
  readonly bundle: ModelBundle;
  /** Probabilities (n x labels, row-major) and predicted label of each record. */
  predict(records: readonly Record<string, Cell>[], source: string, rowNumbers?: readonly number[]): { labels: string[]; proba: Float64Array };
}

export function predictor(bundle: ModelBundle): Predictor {
  const featurizer = TableFeaturizer.fromJSON(bundle.featurizer);
  const model = modelFromJSON(bundle.model);
  const k = bundle.labels.length;
  return {
    bundle,
    predict(records, source, rowNumbers) {
      const ds = recordsToDataset(source, records, bundle.fields, bundle.textColumn, rowNumbers);
      const proba = model.predictProba(featurizer.transform(ds));
      const pred = argmaxRows(proba, records.length, k);
      return { labels: Array.from(pred, (c) => bundle.labels[c]), proba };
    },
  };
}
