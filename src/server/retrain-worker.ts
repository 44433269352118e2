/**
 * The retraining worker: loads the pool's feature matrix from the project database once, then
 * for each job runs one round of the loop (loop/round.ts, the code ActiveLearner and simulate
 * run: a warm-started fit on the labeled rows, the project's strategy on the unlabeled ones),
 * predicts the whole pool and posts back the ranking of the unlabeled items (the strategy's picks,
 * then the rest least confident first), every item's prediction, the stop set's probabilities,
 * the accuracy estimates and the labeled items' out-of-fold probabilities (model-review.ts, for
 * the review queue).
 */
import { lowerThreadPriority } from "./thread-priority.js";
import { parentPort, workerData } from "node:worker_threads";
import { argmaxRows } from "../eval/metrics.js";
import { Rng } from "../linalg/rng.js";
import { fitLabeled, runRound } from "../loop/round.js";
import { stopSetProba } from "../loop/stop-monitor.js";
import { modelFactory } from "../models/registry.js";
import type { Classifier, ClassifierFactory } from "../models/types.js";
import { loadPoolMatrix } from "../project/features.js";
import { getStrategy } from "../strategies/registry.js";
import type { QueryStrategy } from "../strategies/types.js";
import { openStore } from "../store/open.js";
import { fitRandomCurve, subsetCurve } from "./learning-curve.js";
import { labeledOutOfFold } from "../quality/model-review.js";
import { poolClusters } from "../quality/slices-clusters.js";
import { completeOrder } from "./ranking.js";
import { MIN_ESTIMATE_N, type RetrainInit, type RetrainJob, type RetrainReply } from "./retrain-jobs.js";

const init = workerData as RetrainInit;

lowerThreadPriority(19); // background work: the request thread keeps the cores
const store = openStore(init.dbPath, { readonly: true });
const X = loadPoolMatrix(store, init.rows, init.cols, init.kind);
store.close();

/**
 * This worker's last model, kept across retrains as the library's ActiveLearner keeps its own:
 * the next fit of the same model kind and classes starts from it (warm start).
 */
let previous: { readonly key: string; readonly model: Classifier } | null = null;

function run(job: RetrainJob): RetrainReply {
  const n = X.rows;
  const t0 = performance.now();
  const newModel = modelFactory(job.model);
  const key = `${job.model}/${job.nClasses}`;
  const rng = new Rng(job.seed);
  // The loop's round (loop/round.ts), as simulate and the library run it: fit warm-started on the
  // labeled rows, the unlabeled rows, the strategy's picks.
  const round = runRound({
    X,
    nClasses: job.nClasses,
    newModel,
    labeled: job.labeled,
    labels: job.y,
    warmStart: previous?.key === key ? previous.model : null,
    strategy: strategyFor(job.strategy),
    rng,
    k: job.batch,
  });
  const { model, unlabeled, selection: sel } = round;
  previous = { key, model };
  const u = unlabeled.length;
  const proba = model.predictProba(X);
  const pred = argmaxRows(proba, n, job.nClasses);
  const conf = new Float32Array(n);
  for (let i = 0; i < n; i++) conf[i] = proba[i * job.nClasses + pred[i]];
  const { order, scores } = completeOrder(sel.indices, sel.scores, unlabeled, conf);
  const trainMs = round.fitSeconds * 1000;
  const scoreMs = performance.now() - t0 - trainMs;
  let na = 0;
  for (const a of job.audit) na += a;
  const auditRows = new Int32Array(na);
  const auditY = new Int32Array(na);
  for (let t = 0, q = 0; t < job.labeled.length; t++) {
    if (job.audit[t] === 1) {
      auditRows[q] = job.labeled[t];
      auditY[q++] = job.y[t];
    }
  }
  const randomCurve = fitRandomCurve(X, auditRows, auditY, job.nClasses, newModel, rng);
  const cv = crossValidation(job, job.audit, model, newModel);
  const holdout = cv === null ? null : { accuracy: cv.accuracy, n: cv.n };
  let imported: { accuracy: number; n: number } | null = null;
  let importedCurve: { labels: number; accuracy: number; n: number }[] | null = null;
  let ni = 0;
  for (const a of job.imported) ni += a;
  if ((holdout?.n ?? 0) < MIN_ESTIMATE_N && ni >= MIN_ESTIMATE_N) {
    const icv = crossValidation(job, job.imported, model, newModel);
    imported = icv === null ? null : { accuracy: icv.accuracy, n: icv.n };
    if (u === 0) {
      const rows = Int32Array.from(job.labeled.filter((_, t) => job.imported[t] === 1));
      const ys = Int32Array.from(job.y.filter((_, t) => job.imported[t] === 1));
      importedCurve = subsetCurve(X, rows, ys, job.nClasses, newModel, rng, 2).map((p) => ({ labels: p.labels, accuracy: p.correct / p.n, n: p.n }));
    }
  }
  // What the stopping criteria read, computed as simulate's StopMonitor computes it.
  const stopProba = stopSetProba(model, X, init.stopSet);
  // Its own generator (from the job's seed): the draws above stay as they were.
  const oof = labeledOutOfFold(X, job.nClasses, newModel, job.labeled, job.y, (job.seed ^ 0x6f6f66) >>> 0);
  return {
    id: job.id,
    ok: true,
    order,
    scores,
    by: sel.by ?? job.strategy,
    pred,
    conf,
    model: model.toJSON(),
    trainMs,
    scoreMs,
    randomCurve,
    holdout,
    auditScores: cv === null ? null : { items: cv.items, right: cv.right },
    ...clustersOnce(),
    stopProba,
    imported,
    importedCurve,
    oof,
  };
}

/**
 * One strategy instance per worker, kept across retrains, so a stateful strategy (the `auto`
 * bandit) learns from round to round as it does in simulation.
 */
const strategies = new Map<string, QueryStrategy>();
function strategyFor(name: string): QueryStrategy {
  let s = strategies.get(name);
  if (s === undefined) {
    s = getStrategy(name);
    strategies.set(name, s);
  }
  return s;
}

/**
 * Accuracy of the current model, estimated by k-fold cross-validation over the labeled items
 * flagged in `mask` (the random audit picks, or the imported labels) (k = min(5, their number)):
 * each fold's model is fitted on every label except that fold's flagged items and scored on them.
 * On the audit picks this estimates the accuracy over the pool. Every fold keeps the strategy's picks and most random
 * ones, so the estimate is close to unbiased for the current model. (Leaving all random picks out
 * at once is not: a model fitted on uncertainty-sampled items alone misses the easy regions only
 * the random items cover, and measured 0.87 where the current model had 0.99 on the demo.)
 */
function crossValidation(job: RetrainJob, mask: Uint8Array, model: Classifier, newModel: ClassifierFactory): { accuracy: number; n: number; items: Int32Array; right: Uint8Array } | null {
  const positions: number[] = [];
  for (let t = 0; t < job.labeled.length; t++) if (mask[t] === 1) positions.push(t);
  const na = positions.length;
  if (na === 0) return null;
  const k = Math.min(5, na);
  const fold = new Int8Array(job.labeled.length).fill(-1);
  positions.forEach((t, q) => (fold[t] = q % k));
  let right = 0;
  let scored = 0;
  const items: number[] = [];
  const rights: number[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let t = 0; t < job.labeled.length; t++) (fold[t] === f ? test : train).push(t);
    const y = Int32Array.from(train, (t) => job.y[t]);
    if (new Set(y).size < 2) continue;
    const m = fitLabeled({ X, nClasses: job.nClasses, newModel, labeled: Int32Array.from(train, (t) => job.labeled[t]), labels: y, warmStart: model });
    const pred = argmaxRows(m.predictProba(X, Int32Array.from(test, (t) => job.labeled[t])), test.length, job.nClasses);
    test.forEach((t, q) => {
      const ok = pred[q] === job.y[t];
      if (ok) right++;
      items.push(job.labeled[t]);
      rights.push(ok ? 1 : 0);
    });
    scored += test.length;
  }
  return scored === 0 ? null : { accuracy: right / scored, n: scored, items: Int32Array.from(items), right: Uint8Array.from(rights) };
}

/** Seed of the pool's clusters (fixed: the same clusters after a restart). */
const CLUSTER_SEED = 20_240_611;
let clustersSent = false;

/** The pool's clusters, computed and sent once per worker when the project watches slices. */
function clustersOnce(): { clusters?: { k: number; assignment: Int32Array } | null } {
  if (init.clusters !== true || clustersSent) return {};
  clustersSent = true;
  return { clusters: poolClusters(X, CLUSTER_SEED) };
}

parentPort?.on("message", (job: RetrainJob) => {
  let reply: RetrainReply;
  try {
    reply = run(job);
  } catch (e) {
    reply = { id: job.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  const transfer = reply.ok
    ? [reply.order.buffer, reply.scores.buffer, reply.pred.buffer, reply.conf.buffer, reply.stopProba.buffer, ...(reply.oof !== null ? [reply.oof.buffer] : []), ...(reply.auditScores === null ? [] : [reply.auditScores.items.buffer, reply.auditScores.right.buffer]), ...(reply.clusters == null ? [] : [reply.clusters.assignment.buffer])]
    : [];
  parentPort?.postMessage(reply, transfer as ArrayBuffer[]);
});
