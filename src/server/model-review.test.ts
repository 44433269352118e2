import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { fitLabeled } from "../loop/round.js";
import { modelFactory } from "../models/registry.js";
import { initProject, projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import { LabelState } from "./label-state.js";
import { Overlap } from "./overlap.js";
import { ReviewQueue } from "./reviews.js";
import { writeSyntheticCsv } from "./testing.js";
import { enoughForReview, labeledOutOfFold, MIN_CLASS_LABELS, modelSuspects } from "../quality/model-review.js";

/**
 * 60 points of two classes (feature 0 says the class, with noise); items 0, 2, 4 and 6 are labeled
 * wrong, and item 0 has a feature of its own (column 2). A model fitted on item 0 learns its own
 * feature and echoes the wrong label; the out-of-fold model never saw it.
 */
const WRONG = [0, 2, 4, 6];

function data(): { X: ReturnType<typeof denseFromRows>; labeled: Int32Array; y: Int32Array } {
  const rng = new Rng(3);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const c = i % 2;
    rows.push([(c === 1 ? 1 : -1) * (1 + rng.next()), rng.next() - 0.5, i === 0 ? 6 : 0]);
    y.push(WRONG.includes(i) ? 1 : c); // class 0 by their features
  }
  return { X: denseFromRows(rows), labeled: Int32Array.from({ length: 60 }, (_, i) => i), y: Int32Array.from(y) };
}

void test("out-of-fold, only wrong labels are suspects; in-sample the model would echo one", () => {
  const { X, labeled, y } = data();
  const newModel = modelFactory("logreg");
  const p = labeledOutOfFold(X, 2, newModel, labeled, y, 7);
  assert.ok(p !== null && p.length === 120);
  assert.deepEqual(labeledOutOfFold(X, 2, newModel, labeled, y, 7), p, "seeded");
  assert.ok(p[0] > 0.7, `out-of-fold P(class 0) of item 0: ${p[0]}`);
  const inSample = fitLabeled({ X, nClasses: 2, newModel, labeled, labels: y, warmStart: null }).predictProba(X, labeled);
  assert.ok(inSample[0] < p[0] - 0.2, `in-sample P(class 0) ${inSample[0]} is far below the out-of-fold ${p[0]}`);
  const s = modelSuspects(p, y, ["a", "b"]);
  // Confident learning flags as many as its noise estimate says (here fewer than the 4), every one a wrong label.
  assert.ok(s.length >= 1, "some suspect");
  for (const x of s) {
    assert.ok(WRONG.includes(x.t) && x.given === 1 && x.suggested === 0, JSON.stringify(x));
    assert.ok(Math.abs(x.probability - p[x.t * 2]) < 1e-12 && Math.abs(x.quality - p[x.t * 2 + 1]) < 1e-12);
  }
  assert.deepEqual(s.map((x) => x.quality), s.map((x) => x.quality).sort((a, b) => a - b), "lowest label quality first");
});

void test("no flags before two labels have enough training labels; a rare label's items are never flagged", () => {
  const { X, labeled, y } = data();
  const newModel = modelFactory("logreg");
  // 9 labels of class 1 (one short) and plenty of class 0: no out-of-fold run, no suspects.
  const ones = labeled.filter((t) => y[t] === 1).slice(0, MIN_CLASS_LABELS - 1);
  const few = Int32Array.from(labeled.filter((t) => y[t] === 0 || ones.includes(t)));
  const yFew = Int32Array.from(few, (t) => y[t]);
  assert.equal(yFew.filter((c) => c === 1).length, MIN_CLASS_LABELS - 1);
  assert.equal(enoughForReview(yFew, 2), false);
  assert.equal(labeledOutOfFold(X, 2, newModel, few, yFew, 7), null);
  assert.deepEqual(modelSuspects(new Float64Array(yFew.length * 2).fill(0.5), yFew, ["a", "b"]), []);
  // Three classes: two with 20 labels, a third with 3, one of them plainly wrong. Only the common classes' wrong labels are flagged.
  const K = 3;
  const given: number[] = [];
  const p: number[] = [];
  const row = (g: number, truth: number): void => {
    given.push(g);
    for (let c = 0; c < K; c++) p.push(c === truth ? 0.9 : 0.05);
  };
  for (let i = 0; i < 20; i++) row(0, i < 2 ? 1 : 0); // two wrong labels of class 0
  for (let i = 0; i < 20; i++) row(1, 1);
  for (let i = 0; i < 3; i++) row(2, i === 0 ? 0 : 2); // the rare class's wrong label
  const s = modelSuspects(Float64Array.from(p), Int32Array.from(given), ["a", "b", "c"]);
  assert.deepEqual(s.map((x) => [x.t, x.given, x.suggested]), [[0, 0, 1], [1, 0, 1]]);
});

void test("the queue: a flagged item is not added twice; once resolved it is not flagged again while unchanged, nor by the model that flagged it", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-model-review-"));
  const dir = path.join(root, "proj");
  await initProject({ dir, data: writeSyntheticCsv(root, 30, 0), labels: ["spam", "ham"], text: "text", id: "id", ignore: ["seed_label"] });
  const store = openStore(projectDbPath(dir));
  try {
    const meta = store.meta();
    // 12 items labeled spam, 12 ham; item 0's label (spam) is the one the out-of-fold model doubts.
    const y = Int32Array.from({ length: 24 }, (_, i) => (i < 12 ? 0 : 1));
    let now = 1000;
    for (let i = 0; i < 24; i++) store.addAnnotation({ itemIdx: i, annotator: "ana", label: meta.labels[y[i]], createdAt: now++, durationMs: null, predicted: null, audit: false, kind: "label" });
    const state = LabelState.replay(store, meta.labels, 30);
    const queue = new ReviewQueue({ store, meta, overlap: Overlap.replay(store, meta, 0, state, () => null), seed: 0, leaseMs: 60_000 });
    const set = { labeled: Int32Array.from({ length: 24 }, (_, i) => i), y, audit: new Uint8Array(24), imported: new Uint8Array(24) };
    const oof = new Float64Array(48);
    for (let t = 0; t < 24; t++) oof.set(t === 0 ? [0.02, 0.98] : y[t] === 0 ? [0.9, 0.1] : [0.1, 0.9], 2 * t);
    const current = (idx: number): number => y[idx];
    assert.equal(queue.afterRetrain(set, oof, current, 3, now++), 1);
    const [r] = queue.list("open", 0, 10, now).reviews;
    assert.deepEqual([r.itemId, r.reason, r.details], ["item-0", "model", { label: "spam", modelLabel: "ham", probability: 0.98, quality: 0.02, iteration: 3 }]);
    assert.equal(r.why, "the model is 98% sure this is ham (given: spam)");
    assert.equal(queue.afterRetrain(set, oof, current, 4, now++), 0, "in open review: not added twice");
    // The reviewer confirms spam.
    queue.resolve(r.id, "spam", store.itemVersion(0), "rita", now++);
    assert.equal(queue.afterRetrain(set, oof, current, 5, now++), 0, "confirmed and unchanged since: not flagged again");
    // Another label on the item: changed since the decision, but the model that flagged it is not new evidence.
    store.addAnnotation({ itemIdx: 0, annotator: "bo", label: "spam", createdAt: now++, durationMs: null, predicted: null, audit: false, kind: "label" });
    assert.equal(queue.afterRetrain(set, oof, current, 3, now++), 0, "not for the model iteration that flagged it");
    assert.equal(queue.afterRetrain(set, oof, (idx) => (idx === 0 ? 1 : y[idx]), 6, now++), 0, "a training label changed since the retrain: skipped");
    assert.equal(queue.afterRetrain(set, oof, current, 6, now++), 1, "changed since the decision, a new model still doubts it");
  } finally {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
