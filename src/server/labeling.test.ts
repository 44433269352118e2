import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { ConflictError, NotFoundError } from "../errors.js";
import { Rng } from "../linalg/rng.js";
import { openStore } from "../store/open.js";
import type { ProjectMeta } from "../store/types.js";
import { LabelState } from "./label-state.js";
import { Labeling } from "./labeling.js";
import { ReadyQueue } from "./queue.js";

const META = { name: "t", labels: ["a", "b", "c"], fields: [], textColumn: null, labelColumn: null, idColumn: null, strategy: "random", model: "logreg", retrainEvery: 5, source: "x.csv", createdAt: 0, featurizer: null, featureKind: "dense", featureWidth: 1 } satisfies ProjectMeta;

void test("the label state kept up by labels, relabels, undos and skips equals a replay of the store", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-labeling-"));
  const store = openStore(path.join(dir, "project.db"), { create: true });
  try {
    const n = 30;
    store.setMeta(META);
    store.insertItems(Array.from({ length: n }, (_, i) => ({ idx: i, id: `i${i}`, data: {} })));
    store.addAnnotations([0, 1, 2, 3].map((i) => ({ itemIdx: i, annotator: "import", label: META.labels[i % 3], createdAt: 1, durationMs: null, predicted: null, audit: false })));
    const state = LabelState.replay(store, META.labels, n);
    assert.equal(state.importedCount, 4);
    const queue = new ReadyQueue((i) => state.isLabeled(i), n, { leaseMs: 60_000, auditEvery: 3 });
    queue.setOrder(Int32Array.from({ length: n }, (_, i) => i).filter((i) => !state.isLabeled(i)));
    let changes = 0;
    const ops = new Labeling({ store, meta: META, state, queue, predictions: () => null, changed: () => changes++ });
    const rng = new Rng(7);
    const people = ["ana", "bo", "cy"];
    let expectChanges = 0;
    for (let step = 0; step < 400; step++) {
      const who = people[rng.int(3)];
      const now = 1000 + step;
      const r = rng.next();
      if (r < 0.45) {
        const pick = queue.next(who, now, rng, true);
        if (pick !== null) {
          const before = state.labeled;
          assert.equal(ops.label(`i${pick.idx}`, META.labels[rng.int(3)], who, rng.int(5000), now), before + 1);
          expectChanges++;
        }
      } else if (r < 0.6) {
        // A relabel of any item (imported ones included), unless it is leased to someone else.
        const idx = rng.int(n);
        const c = rng.int(3);
        const same = state.labelOf[idx] === c && store.lastAnnotation(idx, who)?.label === META.labels[c];
        try {
          ops.label(`i${idx}`, META.labels[c], who, null, now);
          if (!same) expectChanges++;
        } catch (e) {
          assert.ok(e instanceof ConflictError);
        }
      } else if (r < 0.85) {
        const idx = rng.int(n);
        try {
          ops.undo(`i${idx}`, who, now);
          expectChanges++;
        } catch (e) {
          assert.ok(e instanceof NotFoundError || e instanceof ConflictError, String(e));
        }
      } else {
        const pick = queue.next(who, now, rng, true);
        if (pick !== null) ops.skip(`i${pick.idx}`, who, now);
      }
      assert.equal(changes, expectChanges);
    }
    const replay = LabelState.replay(store, META.labels, n);
    assert.deepEqual([...state.labelOf], [...replay.labelOf]);
    assert.deepEqual(state.byLabel, replay.byLabel);
    assert.equal(state.labeled, replay.labeled);
    assert.equal(state.importedCount, replay.importedCount);
    assert.deepEqual(state.trainingSet(), replay.trainingSet());
    assert.deepEqual(state.byLabelRecord(), replay.byLabelRecord());
    const labels = (s: LabelState): Record<string, number> => Object.fromEntries(s.annotators.list().map((a) => [a.name, a.labels]));
    assert.deepEqual(labels(state), labels(replay));
    assert.ok(state.labeled > 4 && state.trainingSet().audit.some((x) => x === 1), "the run labeled items, audit picks among them");
    assert.throws(() => ops.label("nope", "a", "ana", null, 0), NotFoundError);
    assert.throws(() => ops.label("i5", "zzz", "ana", null, 0), /unknown label "zzz"/);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test("a label and its label.created event commit together: an event that cannot be written stores no label", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-labeling-"));
  const store = openStore(path.join(dir, "project.db"), { create: true });
  try {
    const n = 4;
    store.setMeta(META);
    store.insertItems(Array.from({ length: n }, (_, i) => ({ idx: i, id: `i${i}`, data: {} })));
    const state = LabelState.replay(store, META.labels, n);
    const queue = new ReadyQueue((i) => state.isLabeled(i), n, { leaseMs: 60_000, auditEvery: 0 });
    const events: unknown[] = [];
    let fail = true;
    const ops = new Labeling({
      store, meta: META, state, queue, predictions: () => null, changed: () => undefined,
      emit: (event, data) => {
        if (fail) throw new Error("outbox full");
        events.push({ event, data });
      },
    });
    assert.throws(() => ops.label("i1", "a", "ana", 500, 1000), /outbox full/);
    assert.equal(store.annotationCount(), 0, "the label was rolled back with its event");
    assert.equal(state.labeled, 0);
    fail = false;
    assert.equal(ops.label("i1", "a", "ana", 500, 1000), 1);
    assert.equal(store.annotationCount(), 1);
    const id = store.lastAnnotation(1, "ana")?.id;
    assert.deepEqual(events, [{ event: "label.created", data: { itemId: "i1", label: "a", annotator: "ana", annotationId: id, createdAt: new Date(1000).toISOString(), audit: false, durationMs: 500 } }]);
    ops.label("i1", "a", "ana", 500, 1001);
    assert.equal(events.length, 1, "the same label again stores nothing and sends nothing");
  } finally {
    store.close();
  }
});
