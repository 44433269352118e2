import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { BadOptionError, ConflictError, TooManyLeasesError } from "../errors.js";
import { Rng } from "../linalg/rng.js";
import { exportLabels } from "../project/export.js";
import { initProject, projectDbPath } from "../project/init.js";
import { labeledDataset } from "../project/labeled.js";
import type { OverlapOptions } from "../project/overlap-settings.js";
import { STATUS_OF } from "./http.js";
import { openStore } from "../store/open.js";
import { LabelState } from "./label-state.js";
import { adaptiveSlots, majority, Overlap, unitHash } from "./overlap.js";
import { LabelingProject } from "./project.js";
import { defaultLeaseCap, ReadyQueue } from "./queue.js";
import { syntheticTruth, writeSyntheticCsv } from "./testing.js";

/** A project of `n` synthetic items, none labeled, with the given overlap options. */
async function overlapProject(n: number, o: OverlapOptions): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-overlap-"));
  const data = writeSyntheticCsv(dir, n, 0);
  const proj = path.join(dir, "proj");
  await initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", id: "id", ignore: ["seed_label"], retrainEvery: 1000, ...o });
  return projectDbPath(proj);
}

const other = (l: string): string => (l === "spam" ? "ham" : "spam");

void test("overlap options: every problem at once, each naming its flag; good ones are stored in the meta", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-overlap-"));
  const data = writeSyntheticCsv(dir, 5, 0);
  await assert.rejects(
    initProject({ dir: path.join(dir, "p"), data, labels: ["spam", "ham"], text: "text", overlap: 0, overlapShare: 2, overlapOn: "sure", adaptiveOverlap: 1.5 }),
    (e: unknown) => {
      assert.ok(e instanceof BadOptionError);
      const text = e.problems.join("\n");
      for (const flag of ["--overlap must", "--overlap-share must", "--overlap-on must be one of random, uncertain", "--adaptive-overlap must"]) assert.ok(text.includes(flag), `${flag} in ${text}`);
      return true;
    },
  );
  await assert.rejects(initProject({ dir: path.join(dir, "q"), data, labels: ["spam", "ham"], text: "text", overlapShare: 0.5, adaptiveOverlap: 3 }), /--overlap-share needs --overlap 2 or more[\s\S]*--adaptive-overlap needs --overlap 2/);
  await assert.rejects(initProject({ dir: path.join(dir, "r"), data, labels: ["spam", "ham"], text: "text", overlap: 3, adaptiveOverlap: 3 }), /--adaptive-overlap must be above --overlap \(3\)/);
  assert.equal(fs.existsSync(path.join(dir, "p")), false, "a refused init leaves nothing");
  const db = await overlapProject(5, { overlap: 2, overlapShare: 0.3, overlapOn: "uncertain", adaptiveOverlap: 4 });
  const p = new LabelingProject({ dbPath: db });
  try {
    assert.deepEqual(p.meta.overlap, { annotators: 2, share: 0.3, on: "uncertain", adaptiveMax: 4 });
    assert.equal(p.stats().overlap?.annotators, 2);
  } finally {
    await p.close();
  }
  const plain = new LabelingProject({ dbPath: await overlapProject(5, {}) });
  try {
    assert.equal(plain.meta.overlap, null);
    assert.equal("overlap" in plain.stats(), false, "no overlap: the stats are as before");
  } finally {
    await plain.close();
  }
});

void test("--overlap 2 --overlap-share 1: two annotators each label every item once, blind; a third gets nothing", async () => {
  const n = 12;
  const p = new LabelingProject({ dbPath: await overlapProject(n, { overlap: 2, overlapShare: 1 }), auditEvery: 0 });
  try {
    const seen = { ana: new Set<string>(), bo: new Set<string>() };
    let now = 1000;
    for (let round = 0; round < 3 * n; round++) {
      for (const who of ["ana", "bo"] as const) {
        const view = p.next(who, now++);
        if (view === null) continue;
        assert.equal(seen[who].has(view.id), false, `${who} is never served ${view.id} twice`);
        seen[who].add(view.id);
        // Blind: the item as served carries its fields and the model's suggestion only (no model yet: none).
        assert.deepEqual(Object.keys(view).sort(), ["data", "id", "reason", "score", "strategy", "suggestion"]);
        assert.deepEqual(Object.keys(view.data).sort(), ["length", "text"]);
        assert.equal(view.suggestion, null, "the other annotator's label is never the suggestion");
        // ana labels right, bo wrong on every third item: disagreements must not leak either.
        const truth = syntheticTruth(view.id);
        p.label(view.id, who === "bo" && Number(view.id.slice(5)) % 3 === 0 ? other(truth) : truth, who, 100, now++);
      }
    }
    assert.equal(seen.ana.size, n);
    assert.equal(seen.bo.size, n);
    assert.equal(p.next("cy", now), null, "every slot is labeled");
    const s = p.stats().overlap;
    assert.ok(s !== undefined);
    assert.equal(s.overlapping, n);
    assert.equal(s.complete, n);
    assert.equal(s.disputed, 4, "items 0, 3, 6, 9: one label each way");
    assert.deepEqual(p.consensus("item-3"), { label: null, disputed: true });
    assert.deepEqual(p.consensus("item-4"), { label: "spam", disputed: false });
    assert.equal(p.dashboard().overlap?.disputed, 4);
  } finally {
    await p.close();
  }
});

void test("an item with 2 slots is leased to two annotators at once, never a third; the third cannot label it", async () => {
  const p = new LabelingProject({ dbPath: await overlapProject(4, { overlap: 2 }), auditEvery: 0 });
  try {
    const a = p.next("ana", 1)?.id;
    assert.equal(p.next("bo", 2)?.id, a, "the second slot of ana's item");
    const c = p.next("cy", 3)?.id;
    assert.notEqual(c, a);
    assert.ok(a !== undefined);
    assert.throws(() => p.label(a, "spam", "cy", null, 4), (e: unknown) => e instanceof ConflictError && /being labeled by ana/.test(e.message));
    p.label(a, "spam", "ana", null, 5);
    assert.throws(() => p.label(a, "spam", "cy", null, 6), ConflictError, "bo still holds the last slot");
    p.label(a, "spam", "bo", null, 7);
    p.label(a, "ham", "ana", null, 8); // a relabel of one's own label is no new slot
    assert.deepEqual(p.consensus(a), { label: null, disputed: true });
    p.undo(a, "ana", 9);
    assert.deepEqual(p.consensus(a), { label: "spam", disputed: false }, "ana's vote falls back to her first label");
  } finally {
    await p.close();
  }
});

void test("adaptive overlap adds a third annotator only when the labels disagree", async () => {
  const p = new LabelingProject({ dbPath: await overlapProject(2, { overlap: 2, adaptiveOverlap: 3 }), auditEvery: 0 });
  try {
    let now = 1;
    const first = p.next("ana", now++);
    const second = p.next("bo", now++);
    assert.ok(first !== null && second !== null);
    assert.equal(first.id, second.id);
    p.label(first.id, "spam", "ana", null, now++);
    p.label(first.id, "spam", "bo", null, now++); // agreement: complete with two
    const other2 = p.next("ana", now++);
    assert.ok(other2 !== null && other2.id !== first.id);
    assert.equal(p.next("bo", now++)?.id, other2.id);
    p.label(other2.id, "spam", "ana", null, now++);
    p.label(other2.id, "ham", "bo", null, now++); // disagreement: one more slot
    assert.equal(p.stats().overlap?.disputed, 1);
    assert.equal(p.next("cy", now++)?.id, other2.id, "cy gets the disagreed item, not the agreed one");
    p.label(other2.id, "ham", "cy", null, now++);
    assert.equal(p.next("dee", now++), null, "three labels, a majority: no fourth slot");
    const s = p.stats().overlap;
    assert.deepEqual([s?.complete, s?.disputed, s?.extended], [2, 0, 1]);
    assert.deepEqual(p.consensus(other2.id), { label: "ham", disputed: false });
  } finally {
    await p.close();
  }
  assert.equal(adaptiveSlots(2, 4, [0, 1]), 3);
  assert.equal(adaptiveSlots(2, 4, [0, 1, 0]), 4, "still not unanimous: one more, up to the maximum");
  assert.equal(adaptiveSlots(2, 4, [0, 0]), 2);
  assert.equal(adaptiveSlots(2, 2, [0, 1]), 2, "not adaptive");
  assert.equal(majority([0, 1, 1]), 1);
  assert.equal(majority([0, 1]), -1);
});

void test("a disputed item is not in the training set sent to the retrain worker; the votes survive a restart", async () => {
  const n = 10;
  const db = await overlapProject(n, { overlap: 2 });
  const p = new LabelingProject({ dbPath: db, auditEvery: 0 });
  let now = 1;
  try {
    for (let i = 0; i < n; i++) {
      const truth = syntheticTruth(`item-${i}`);
      p.label(`item-${i}`, truth, "ana", null, now++);
      p.label(`item-${i}`, i < 2 ? other(truth) : truth, "bo", null, now++);
    }
    assert.equal(p.stats().overlap?.disputed, 2);
  } finally {
    await p.close();
  }
  // Reopened with retrains after every label: the first retrain takes the whole labeled set.
  const q = new LabelingProject({ dbPath: db, auditEvery: 0, retrainEvery: 1 });
  // The retrain worker is unref'd (a server keeps the process alive); here a timer does.
  const alive = setInterval(() => undefined, 1000);
  try {
    await q.idle();
    assert.equal(q.stats().overlap?.disputed, 2, "votes replayed from the store");
    assert.equal(q.stats().labeled, n);
    const it = q.store.iterations().at(-1);
    assert.ok(it !== undefined);
    assert.equal(it.labeled, n - 2, "the 2 disputed items are left out of training");
  } finally {
    await q.close();
    clearInterval(alive);
  }
});

void test("which items overlap is deterministic under the project's seed", async () => {
  const overlapping = async (seed: number): Promise<string[]> => {
    const p = new LabelingProject({ dbPath: await overlapProject(30, { overlap: 2, overlapShare: 0.5 }), auditEvery: 0, seed });
    try {
      let now = 1;
      for (let v = p.next("ana", now++); v !== null; v = p.next("ana", now++)) p.label(v.id, syntheticTruth(v.id), "ana", null, now++);
      // What bo is served now: the overlapping items' second slots.
      const out: string[] = [];
      for (let v = p.next("bo", now++); v !== null; v = p.next("bo", now++)) {
        out.push(v.id);
        p.label(v.id, syntheticTruth(v.id), "bo", null, now++);
      }
      assert.equal(p.stats().overlap?.overlapping, out.length);
      return out.sort();
    } finally {
      await p.close();
    }
  };
  const a = await overlapping(3);
  assert.deepEqual(await overlapping(3), a);
  assert.notDeepEqual(await overlapping(4), a);
  assert.ok(a.length > 5 && a.length < 25, `about half of 30 overlap, got ${a.length}`);
  // Over many items the share is what was asked: binomial(5000, 0.2), within 4.5 standard deviations.
  let k = 0;
  for (let i = 0; i < 5000; i++) if (unitHash(11, i) < 0.2) k++;
  assert.ok(Math.abs(k - 1000) < 4.5 * Math.sqrt(5000 * 0.2 * 0.8), `${k} of 5000`);
});

void test("lease caps: made-up annotator names cannot lease the whole pool; past the cap next is a 429", async () => {
  // The reliability probe's attack on a queue: 2,500 names against a pool of 3,000 items.
  const pool = 3000;
  const q = new ReadyQueue(() => false, pool, { leaseMs: 60_000, auditEvery: 0, maxLeases: defaultLeaseCap(pool) });
  q.setOrder(Int32Array.from({ length: pool }, (_, i) => i));
  const rng = new Rng(1);
  let leased = 0;
  let refused = 0;
  for (let i = 0; i < 2500; i++) {
    for (const ahead of [false, true]) {
      try {
        if (q.next(`fake-${i}`, 1, rng, false, ahead) !== null) leased++;
      } catch (e) {
        assert.ok(e instanceof TooManyLeasesError);
        refused++;
      }
    }
  }
  assert.equal(defaultLeaseCap(pool), 300);
  assert.equal(defaultLeaseCap(50), 100);
  assert.equal(leased, 300, "max(100, 10% of the pool) at once");
  assert.equal(q.leaseCount(1), 300);
  assert.equal(refused, 5000 - 300);
  assert.equal(q.next("fake-0", 2, rng, false)?.idx, 0, "a holder still gets their current item");
  assert.ok(q.next("late", 60_002, rng, false) !== null, "once leases expire, new ones are granted");

  const p = new LabelingProject({ dbPath: await overlapProject(6, {}), auditEvery: 0, maxLeases: 3 });
  try {
    const a = p.next("a", 1);
    p.next("a", 1, true);
    assert.ok(a !== null);
    assert.equal(p.next("a", 2, true)?.id, p.next("a", 2, true)?.id, "an annotator holds at most two: asking ahead again gives the same");
    p.next("b", 3);
    assert.throws(() => p.next("c", 4), (e: unknown) => e instanceof TooManyLeasesError && STATUS_OF[e.code] === 429 && /3 items are being labeled at once/.test(e.message));
    p.label(a.id, "spam", "a", null, 5);
    assert.ok(p.next("c", 6) !== null, "a label frees a lease");
  } finally {
    await p.close();
  }
});

void test("export and train take the consensus: a disputed item exports with an empty label and disputed=true, and does not train", async () => {
  const db = await overlapProject(4, { overlap: 2 });
  const p = new LabelingProject({ dbPath: db, auditEvery: 0 });
  try {
    p.label("item-0", "spam", "ana", null, 1);
    p.label("item-0", "ham", "bo", null, 2); // dispute
    p.label("item-1", "ham", "ana", null, 3);
    p.label("item-1", "ham", "bo", null, 4);
    p.label("item-2", "spam", "ana", null, 5); // one of two: trains on it
    const csv = [...exportLabels(p.store, "csv")].join("").split("\r\n");
    assert.equal(csv[0], "id,text,length,label,annotator,labeled_at,disputed");
    assert.match(csv[1], /^item-0,.*,,ana;bo,1970-01-01T00:00:00\.002Z,true$/);
    assert.match(csv[2], /^item-1,.*,ham,ana;bo,1970-01-01T00:00:00\.004Z,false$/);
    assert.match(csv[3], /^item-2,.*,spam,ana,.*,false$/);
    const rows = [...exportLabels(p.store, "jsonl")].join("").trim().split("\n").map((l) => JSON.parse(l) as { id: string; label: string | null; disputed: boolean });
    assert.deepEqual(rows.map((r) => [r.id, r.label, r.disputed]), [["item-0", null, true], ["item-1", "ham", false], ["item-2", "spam", false]]);
    const ds = labeledDataset(p.store, db);
    assert.deepEqual(ds.dataset.ids, ["item-1", "item-2"]);
    assert.deepEqual(ds.dataset.labels, ["ham", "spam"]);
  } finally {
    await p.close();
  }
});

void test("the retrain that a disputing label starts already leaves the disputed item out", async () => {
  const p = new LabelingProject({ dbPath: await overlapProject(6, { overlap: 2 }), auditEvery: 0, retrainEvery: 4 });
  const alive = setInterval(() => undefined, 1000);
  try {
    let now = 1;
    // Two classes at the second label: the first retrain (counting from the start) runs then.
    p.label("item-2", "spam", "ana", null, now++);
    p.label("item-3", "ham", "ana", null, now++);
    await p.idle();
    assert.equal(p.store.iterations().length, 1);
    // Four more: the fourth puts item-0 in dispute and starts the next retrain at once.
    p.label("item-2", "spam", "bo", null, now++);
    p.label("item-0", "spam", "ana", null, now++);
    p.label("item-1", "ham", "ana", null, now++);
    p.label("item-0", "ham", "bo", null, now++);
    await p.idle();
    const its = p.store.iterations();
    assert.equal(its.length, 2);
    assert.equal(its[1].labeled, 3, "items 1, 2 and 3: item 0 is disputed");
    // bo's next is the second slot of an item only ana labeled (started items first, oldest first):
    // blind, the suggestion is the model's.
    const view = p.next("bo", now++);
    assert.equal(view?.id, "item-3");
    const data = p.store.item(3)?.data;
    assert.ok(view !== null && data !== undefined && view.suggestion !== null);
    assert.equal(view.suggestion.label, p.predict([data])[0].label);
    assert.equal(JSON.stringify(view).includes("ana"), false);
  } finally {
    await p.close();
    clearInterval(alive);
  }
});

void test("--overlap-on uncertain: the least confident share of the strategy's batch overlaps; the choice is kept across a restart", async () => {
  const db = await overlapProject(20, { overlap: 2, overlapShare: 0.25, overlapOn: "uncertain" });
  const conf = Float32Array.from({ length: 20 }, (_, i) => 0.5 + i / 40); // item 0 least confident
  const store = openStore(db);
  try {
    const meta = store.meta();
    const state = LabelState.replay(store, meta.labels, 20);
    const ov = Overlap.replay(store, meta, 0, state, () => conf);
    ov.setRanking(Int32Array.from({ length: 8 }, (_, i) => i));
    assert.deepEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => ov.overlaps(i)), [0, 1], "2 of the batch of 8");
    for (const idx of [0, 5]) {
      store.addAnnotation({ itemIdx: idx, annotator: "ana", label: "spam", createdAt: 1, durationMs: null, predicted: null, audit: false });
      state.applyLabel(idx, 0, { annotator: "ana", at: 1, durationMs: null, predicted: null, audit: false });
      ov.setVote(idx, "ana", 0);
    }
    assert.equal(ov.remaining(0), 1);
    assert.equal(ov.remaining(5), 0);
    // After a restart the model sees it the other way round; the labeled items keep their choice.
    const again = Overlap.replay(store, meta, 0, LabelState.replay(store, meta.labels, 20), () => conf.slice().reverse());
    again.setRanking(Int32Array.from({ length: 8 }, (_, i) => 19 - i));
    assert.equal(again.overlaps(0), true);
    assert.equal(again.overlaps(5), false);
    assert.equal(again.overlaps(19), true, "now among the least confident");
    assert.equal(again.overlaps(1), false, "unlabeled: chosen afresh");
  } finally {
    store.close();
  }
});
