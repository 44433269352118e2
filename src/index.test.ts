import assert from "node:assert/strict";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { ActiveLearner, getStrategy, loadDataset, modelFactory, TableFeaturizer } from "./index.js";

const digits = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../data/digits.csv");

void test("the README's library example runs as written", () => {
  const ds = loadDataset(digits, { label: "digit" });
  const X = new TableFeaturizer().fit(ds).transform(ds);
  const classes = [...new Set(ds.labels as string[])].sort();
  const y = (ds.labels as string[]).map((l) => classes.indexOf(l));
  const learner = new ActiveLearner({ X, nClasses: classes.length, model: modelFactory("logreg"), strategy: getStrategy("margin"), seed: 0 });
  const start = Array.from({ length: 20 }, (_, i) => i);
  learner.teach(start, start.map((i) => y[i]));
  const { indices, scores } = learner.query(10);
  assert.equal(indices.length, 10);
  for (let t = 1; t < scores.length; t++) assert.ok(scores[t - 1] >= scores[t]);
  for (const i of indices) assert.ok(i >= 20);
});
