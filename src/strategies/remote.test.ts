import assert from "node:assert/strict";
import test from "node:test";
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { denseFromRows } from "../linalg/matrix.js";
import { modelFactory } from "../models/registry.js";
import type { ClassifierFactory } from "../models/types.js";
import { getStrategy, strategyNames } from "./registry.js";
import { checkRemoteStrategies, remoteStrategies, remoteSupport } from "./remote.js";
import { fixedModel } from "./testing.js";
import type { QueryContext } from "./types.js";

/** A context over 40 items whose X and newModel record every use (and then work as usual). */
function poisoned(L: number): { ctx: QueryContext; touched: string[] } {
  const touched: string[] = [];
  const n = 40;
  const features = denseFromRows(Array.from({ length: n }, (_, i) => [Math.cos(i), Math.sin(i * 1.7), (i % 5) / 5]));
  const X = new Proxy(features, {
    get(t, key, r) {
      touched.push(`X.${String(key)}`);
      return Reflect.get(t, key, r) as unknown;
    },
  }) as Matrix;
  const logreg = modelFactory("logreg");
  const newModel: ClassifierFactory = (k) => {
    touched.push("newModel");
    return logreg(k);
  };
  const proba = Array.from({ length: n }, (_, i) => {
    const p = (i * 37) % 41 / 41;
    return [p, (1 - p) / 2, (1 - p) / 2];
  });
  const labeled = Int32Array.from({ length: L }, (_, i) => i);
  const ctx: QueryContext = {
    model: fixedModel(proba),
    X,
    unlabeled: Int32Array.from({ length: n - L }, (_, i) => i + L),
    labeled,
    labels: Int32Array.from({ length: L }, (_, i) => (i * 7 + (i >> 2)) % 3),
    nClasses: 3,
    rng: new Rng(1),
    newModel,
  };
  return { ctx, touched };
}

void test("every registered strategy is classified; the probability-only ones select without touching X or refitting, the others do touch them", () => {
  const ok = new Set(remoteStrategies());
  assert.deepEqual([...ok].sort(), ["entropy", "least_confidence", "margin", "power_margin", "random", "rare_class"]);
  for (const name of strategyNames()) {
    // 6 labels (cold-start phases: typiclust below 5 per class) and 16 (past the phases and the
    // 10-label minimum of error_prediction): a strategy needs vectors if either touches them.
    const touched: string[] = [];
    for (const L of [6, 16]) {
      const p = poisoned(L);
      assert.equal(getStrategy(name).select(p.ctx, 4).indices.length, 4, `${name} with ${L} labels`);
      touched.push(...p.touched);
    }
    if (ok.has(name)) {
      assert.deepEqual(touched, [], `${name} runs on probabilities alone`);
      assert.equal(remoteSupport(name).ok, true);
    } else {
      assert.ok(touched.length > 0, `${name} is listed as needing vectors or refits, so it must touch X or newModel`);
      const r = remoteSupport(name);
      assert.equal(r.ok, false, name);
      if (!r.ok) {
        assert.equal(r.need === "refits", touched.includes("newModel"), `${name}: refits iff it made a model (${touched.slice(0, 3).join(", ")})`);
        assert.match(r.message, /needs feature vectors: give --features or use the built-in model/);
      }
    }
  }
});

void test("unknown and kebab-case names; the check lists every refused strategy", () => {
  assert.equal(remoteSupport("least-confidence").ok, true);
  const plug = remoteSupport("my_plugin");
  assert.equal(plug.ok, false);
  if (!plug.ok) assert.match(plug.message, /"my_plugin" is not known to run on probabilities alone/);
  assert.doesNotThrow(() => checkRemoteStrategies(["margin", "rare-class"]));
  assert.throws(
    () => checkRemoteStrategies(["margin", "typiclust", "eer"]),
    (e: Error) => /typiclust" measures the items' feature vectors/.test(e.message) && /eer" trains models of its own/.test(e.message) && e.message.split("\n").length === 2,
  );
});
