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

/** Index of the newest entry of `who` in a reference stack, or -1. */
function lastIndexOf(stack: readonly { who: string }[], who: string): number {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i].who === who) return i;
  return -1;
}

/** A fresh store of `n` items (no labels) with the labeling operations over it. */
function setup(n: number): { store: ReturnType<typeof openStore>; state: LabelState; queue: ReadyQueue; ops: Labeling; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-labeling-"));
  const store = openStore(path.join(dir, "project.db"), { create: true });
  store.setMeta(META);
  store.insertItems(Array.from({ length: n }, (_, i) => ({ idx: i, id: `i${i}`, data: {} })));
  const state = LabelState.replay(store, META.labels, n);
  const queue = new ReadyQueue((i) => state.isLabeled(i), n, { leaseMs: 60_000, auditEvery: 0 });
  queue.setOrder(Int32Array.from({ length: n }, (_, i) => i));
  const ops = new Labeling({ store, meta: META, state, queue, predictions: () => null, changed: () => undefined });
  return {
    store,
    state,
    queue,
    ops,
    done: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

void test("seeded random labels, relabels, undos and skips give the current labels of a simple reference model", () => {
  const n = 12;
  const people = ["ana", "bo", "cy"];
  for (const seed of [1, 2, 3, 4, 5]) {
    const { store, state, queue, ops, done } = setup(n);
    try {
      // The reference: per item, the stack of live labels (who, label), newest last; an undo pops
      // the annotator's newest; the current label is the newest left. Skips: a set per annotator.
      const live: { who: string; label: string }[][] = Array.from({ length: n }, () => []);
      const skipped = new Set<string>();
      let records = 0;
      const rng = new Rng(seed);
      for (let step = 0; step < 300; step++) {
        const who = people[rng.int(3)];
        const idx = rng.int(n);
        const id = `i${idx}`;
        const now = 1000 + step;
        // No leases in the way: the reference has none (the lease rules have tests of their own).
        queue.release(idx);
        const r = rng.next();
        if (r < 0.5) {
          const label = META.labels[rng.int(3)];
          const mine = live[idx].filter((x) => x.who === who);
          const same = live[idx].at(-1)?.label === label && mine.at(-1)?.label === label;
          ops.label(id, label, who, null, now);
          if (!same) {
            live[idx].push({ who, label });
            records++;
          }
        } else if (r < 0.8) {
          const at = lastIndexOf(live[idx], who);
          if (at < 0) assert.throws(() => ops.undo(id, who, now), NotFoundError, "an undo with no own label is refused");
          else {
            ops.undo(id, who, now);
            live[idx].splice(at, 1);
            records++;
          }
        } else if (r < 0.92) {
          ops.skip(id, who, now);
          if (!skipped.has(`${who}:${idx}`)) records++;
          skipped.add(`${who}:${idx}`);
        } else if (skipped.has(`${who}:${idx}`)) {
          ops.unskip(id, who, now);
          skipped.delete(`${who}:${idx}`);
          records++;
        } else assert.throws(() => ops.unskip(id, who, now), NotFoundError);
      }
      const expected = live.map((s) => s.at(-1)?.label ?? null);
      assert.deepEqual(Array.from({ length: n }, (_, i) => store.currentLabel(i)), expected, `seed ${seed}: the store`);
      assert.deepEqual([...state.labelOf].map((c) => (c < 0 ? null : META.labels[c])), expected, `seed ${seed}: the live state`);
      const replay = LabelState.replay(store, META.labels, n);
      assert.deepEqual([...replay.labelOf], [...state.labelOf], `seed ${seed}: a replay of the store`);
      assert.deepEqual(new Map(store.currentLabels().map((c) => [c.itemIdx, c.label])), new Map(expected.flatMap((l, i) => (l === null ? [] : [[i, l]]))));
      assert.equal(store.annotationCount(), live.reduce((s, x) => s + x.length, 0), "the live label records");
      assert.equal(store.historyPage(0, 10_000).length, records, "every action that changed something is one record; nothing is deleted");
      assert.deepEqual(new Set(store.skips().map((s) => `${s.annotator}:${s.itemIdx}`)), skipped);
      for (const who of people) {
        for (let i = 0; i < n; i++) assert.equal(store.lastAnnotation(i, who)?.label, live[i][lastIndexOf(live[i], who)]?.label, `seed ${seed}: ${who}'s last live label on ${i}`);
      }
    } finally {
      done();
    }
  }
});

void test("undo after a relabel by the same annotator falls back to their earlier label; another annotator cannot undo it", () => {
  const { store, state, ops, done } = setup(3);
  try {
    ops.label("i0", "a", "ana", 100, 1);
    ops.label("i0", "b", "ana", 100, 2);
    assert.deepEqual([...store.annotations()].map((x) => x.kind), ["label", "relabel"]);
    assert.throws(() => ops.undo("i0", "bo", 3), /bo has no label on item "i0" to undo/);
    assert.equal(ops.undo("i0", "ana", 4), 1, "still labeled: the relabel is undone, the first label is back");
    assert.equal(store.currentLabel(0), "a");
    assert.equal(state.labelOf[0], 0);
    assert.equal(ops.undo("i0", "ana", 5), 0);
    assert.equal(store.currentLabel(0), null);
    assert.throws(() => ops.undo("i0", "ana", 6), NotFoundError);
    assert.deepEqual(
      store.historyPage(0, 100).map(({ record: r }) => [r.annotator, r.kind, r.label]),
      [["ana", "label", "a"], ["ana", "relabel", "b"], ["ana", "undo", "b"], ["ana", "undo", "a"]],
      "every label and undo is kept",
    );
  } finally {
    done();
  }
});

void test("skips are the skipper's own: one user skipping every item does not block another; an undone skip brings the item back to its skipper", () => {
  const n = 6;
  const { queue, ops, done } = setup(n);
  const rng = new Rng(3);
  try {
    // Mallory skips every item under the name "ana"; bo still gets every item.
    for (let i = 0; i < n; i++) ops.skip(`i${i}`, "ana", 10);
    assert.equal(queue.next("ana", 11, rng, false), null, "ana has skipped everything");
    const seen = new Set<number>();
    for (let k = 0; k < n; k++) {
      const pick = queue.next("bo", 12 + k, rng, false);
      assert.ok(pick !== null, `bo is offered item ${k + 1} of ${n}`);
      seen.add(pick.idx);
      ops.skip(`i${pick.idx}`, "bo", 12 + k);
    }
    assert.equal(seen.size, n);
    // Another annotator cannot take back ana's skip; ana can, and the item comes back to her first.
    assert.throws(() => ops.unskip("i4", "cy", 20), /cy has no skip of item "i4" to undo/);
    ops.unskip("i4", "ana", 21);
    assert.equal(queue.next("ana", 22, rng, false)?.idx, 4);
    assert.throws(() => ops.unskip("i4", "ana", 23), NotFoundError, "taken back already");
    assert.equal(queue.next("cy", 24, rng, false)?.idx !== 4, true, "held by ana now");
  } finally {
    done();
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
