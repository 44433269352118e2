import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { openStore } from "../store/open.js";
import type { CriterionState, Iteration, ProjectMeta } from "../store/types.js";
import type { EventName } from "../webhooks/events.js";
import { LabelState } from "./label-state.js";
import { ADVICE_STATE_KEY, retrainEvents } from "./retrain-events.js";

const META = { name: "t", labels: ["a", "b"], fields: [], textColumn: null, labelColumn: null, idColumn: null, strategy: "random", model: "logreg", retrainEvery: 5, source: "x.csv", createdAt: 0, featurizer: null, featureKind: "dense", featureWidth: 1 } satisfies ProjectMeta;

const iteration = (i: number, fired: boolean): Iteration => ({
  iteration: i,
  createdAt: i,
  labeled: 10 * i,
  accuracy: null,
  accuracyN: 0,
  holdoutAccuracy: null,
  holdoutN: 0,
  trainMs: 5,
  assessment: {
    criteria: ["stabilizing_predictions", "overall_uncertainty"].map((name): CriterionState => ({ name, state: fired ? "fired" : "waiting", reason: "r" })),
    kappa: null,
    randomCurve: null,
    imported: null,
    importedCurve: null,
  },
});

void test("model.retrained after every retrain; stopping.advice only when the verdict or sentence changed, remembered across a restart", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-retrain-events-"));
  const file = path.join(dir, "project.db");
  let store = openStore(file, { create: true });
  try {
    store.setMeta(META);
    store.insertItems(Array.from({ length: 20 }, (_, i) => ({ idx: i, id: `i${i}`, data: {} })));
    const state = LabelState.replay(store, META.labels, 20);
    const sent: { event: EventName; data: unknown }[] = [];
    const emit = (event: EventName, data: unknown): void => {
      sent.push({ event, data });
    };
    const its = [iteration(1, false)];
    const run = (): void => retrainEvents({ store, state, meta: META, iterations: its, randomCurve: null, emit }, its[its.length - 1], 1000);
    run();
    assert.deepEqual(sent.map((s) => s.event), ["model.retrained", "stopping.advice"]);
    const first = sent[1].data as { stop: boolean; previousStop: boolean | null; sentence: string };
    assert.equal(first.stop, false);
    assert.equal(first.previousStop, null);
    run();
    assert.deepEqual(sent.map((s) => s.event), ["model.retrained", "stopping.advice", "model.retrained"], "the same advice is not announced again");
    store.close();
    store = openStore(file);
    const again: EventName[] = [];
    retrainEvents({ store, state, meta: META, iterations: its, randomCurve: null, emit: (e) => again.push(e) }, its[0], 1000);
    assert.deepEqual(again, ["model.retrained"], "nor after a restart");
    // Two model-based criteria fire: the verdict turns to stop.
    its.push(iteration(2, true));
    retrainEvents({ store, state, meta: META, iterations: its, randomCurve: null, emit: (e, d) => sent.push({ event: e, data: d }) }, its[1], 2000);
    const last = sent.at(-1);
    assert.equal(last?.event, "stopping.advice");
    assert.deepEqual([(last?.data as { stop: boolean }).stop, (last?.data as { previousStop: boolean }).previousStop], [true, false]);
    assert.equal((JSON.parse(store.stateValue(ADVICE_STATE_KEY) ?? "{}") as { stop?: boolean }).stop, true);
  } finally {
    store.close();
  }
});
