import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import type { Matrix } from "../linalg/matrix.js";
import { ActiveLearner } from "../loop/learner.js";
import { drawStopSet, StopMonitor, stopSetProba } from "../loop/stop-monitor.js";
import { modelFactory } from "../models/registry.js";
import { loadPoolMatrix } from "../project/features.js";
import { getStrategy } from "../strategies/registry.js";
import { SqliteStore } from "../store/sqlite.js";
import type { ProjectMeta } from "../store/types.js";
import type { RetrainReply } from "./retrain-jobs.js";
import { Retrainer } from "./retrainer.js";
import { syntheticProject } from "./testing.js";

type Ok = Extract<RetrainReply, { ok: true }>;

const POOL = 400;
const K = 8;

async function pool(): Promise<{ dir: string; dbPath: string; X: Matrix; meta: ProjectMeta; truth: (i: number) => number }> {
  const { dir, dbPath } = await syntheticProject(POOL, 0);
  const store = SqliteStore.open(dbPath, { readonly: true });
  try {
    const meta = store.meta();
    const X = loadPoolMatrix(store, store.itemCount(), meta.featureWidth, meta.featureKind);
    const classOf = new Map(meta.labels.map((l, c) => [l, c]));
    const ids = Array.from({ length: X.rows }, (_, i) => store.item(i)!.id);
    // Synthetic items: even ids are spam.
    const truth = (i: number): number => classOf.get(Number(ids[i].slice(ids[i].lastIndexOf("-") + 1)) % 2 === 0 ? "spam" : "ham")!;
    return { dir, dbPath, X, meta, truth };
  } finally {
    store.close();
  }
}

function ok(reply: RetrainReply): Ok {
  if (!reply.ok) throw new Error(reply.error);
  return reply;
}

/**
 * Drives the library's ActiveLearner and the server's retraining worker (its real thread, via
 * Retrainer) over the same labeled sets with the same model, strategy and seed, and compares each
 * round's picks, scores and model.
 */
async function compare(strategy: string, rounds: number, seed: number): Promise<void> {
  const { dir, dbPath, X, meta, truth } = await pool();
  const stopSet = drawStopSet(X.rows, 20090601);
  const retrainer = new Retrainer({ dbPath, rows: X.rows, cols: meta.featureWidth, kind: meta.featureKind, stopSet });
  // The worker thread is unref'd (it never keeps a server alive): hold the event loop open.
  const hold = setInterval(() => undefined, 60_000);
  try {
    const nClasses = meta.labels.length;
    const learner = new ActiveLearner({ X, nClasses, model: modelFactory(meta.model), strategy: getStrategy(strategy), seed });
    const initial = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    learner.teach(initial, initial.map(truth));
    for (let r = 0; r < rounds; r++) {
      const reply = ok(
        await retrainer.run({
          labeled: learner.labeled(),
          y: learner.labels(),
          audit: new Uint8Array(learner.labeledCount),
          imported: new Uint8Array(learner.labeledCount),
          nClasses,
          model: meta.model,
          strategy,
          batch: K,
          seed,
        }),
      );
      const sel = learner.query(K);
      const where = `${strategy}, round ${r + 1}`;
      assert.deepEqual(reply.model, learner.model.toJSON(), `${where}: the same model`);
      assert.deepEqual(Array.from(reply.order.subarray(0, K)), Array.from(sel.indices), `${where}: the same picks in the same order`);
      assert.deepEqual(Array.from(reply.scores.subarray(0, K)), Array.from(sel.scores), `${where}: the same scores`);
      assert.equal(reply.by, sel.by ?? strategy);
      // The stopping criteria read the same probabilities as simulate's StopMonitor.
      assert.deepEqual(Array.from(reply.stopProba), Array.from(stopSetProba(learner.model, X, stopSet)), `${where}: the same stop-set probabilities`);
      assert.equal(reply.order.length, X.rows - learner.labeledCount, "the ranking covers every unlabeled item");
      learner.teach(sel.indices, Array.from(sel.indices, truth));
    }
  } finally {
    clearInterval(hold);
    await retrainer.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

void test("the server's retrain picks what ActiveLearner.query picks, round after round (warm start included)", async () => {
  // Deterministic strategies: every round matches (the worker warm-starts from its previous
  // model as the learner does, so the models stay equal).
  for (const s of ["margin", "least_confidence", "entropy"]) await compare(s, 3, 5);
});

void test("with the same seed, seeded strategies pick the same items on the server and in the library", async () => {
  // One round: the server draws a fresh seed per retrain, the library one stream per learner.
  for (const s of ["random", "typical_variance", "auto"]) await compare(s, 1, 11);
});

void test("the served project's stop set is drawn as simulate's StopMonitor draws it", async () => {
  const { dir, X } = await pool();
  try {
    const monitor = new StopMonitor({ X, nClasses: 2, criteria: [], seed: 20090601 });
    assert.deepEqual(Array.from(drawStopSet(X.rows, 20090601)), Array.from(monitor.stopSet));
    assert.equal(monitor.stopSet.length, X.rows, "a pool under 1,000 rows is the whole stop set");
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
