/** Model names for the CLI and saved files: "logreg" and "nb". */
import { BadOptionError, didYouMean } from "../errors.js";
import { LogisticRegression } from "./logistic.js";
import { MultinomialNB } from "./naive-bayes.js";
import type { Classifier, ClassifierFactory, SavedModel } from "./types.js";

export const modelNames = ["logreg", "nb"] as const;
export type ModelName = (typeof modelNames)[number];

/** A factory for the named model; unknown names are an error listing the known ones. */
export function modelFactory(name: string, options: { C?: number } = {}): ClassifierFactory {
  if (name === "logreg") return (k) => new LogisticRegression(k, { C: options.C ?? 1 });
  if (name === "nb") return (k) => new MultinomialNB(k);
  throw new BadOptionError([`unknown model "${name}"${didYouMean(name, modelNames)}; known: ${modelNames.join(", ")}`], "model");
}

/** True if the named model needs non-negative features. */
export function modelNeedsNonNegative(name: string): boolean {
  return name === "nb";
}

/** Restores a model saved with toJSON(). */
export function modelFromJSON(saved: SavedModel): Classifier {
  if (saved.kind === "logreg") return LogisticRegression.fromJSON(saved);
  if (saved.kind === "nb") return MultinomialNB.fromJSON(saved);
  throw new BadOptionError([`unknown saved model kind "${saved.kind}"`]);
}
