/**
 * Worker thread of the simulation: receives the dataset once, prepares each seed's split once, and
 * runs jobs (one seed, one strategy, or the full-pool model) sent by the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Dataset } from "../data/types.js";
import { getStrategy } from "../strategies/registry.js";
import { encodeLabels } from "./labels.js";
import { fullPoolAccuracy, prepareSplit, simulateRun, type EncodedLabels, type PreparedSplit } from "./run.js";
import type { Job, JobReply, WorkerInit } from "./jobs.js";

const init = workerData as WorkerInit;
const ds: Dataset = init.dataset;
const enc: EncodedLabels = encodeLabels(ds);
const splits = new Map<number, PreparedSplit>();

function split(seed: number): PreparedSplit {
  let s = splits.get(seed);
  if (s === undefined) {
    if (splits.size > 4) splits.clear();
    s = prepareSplit(ds, enc, seed, init.protocol);
    splits.set(seed, s);
  }
  return s;
}

parentPort?.on("message", (job: Job) => {
  let reply: JobReply;
  try {
    const prep = split(job.seed);
    if (job.strategy === null) {
      reply = { id: job.id, ok: true, full: fullPoolAccuracy(prep, enc.classes.length, init.protocol.model) };
    } else {
      reply = { id: job.id, ok: true, run: simulateRun(prep, enc.classes.length, getStrategy(job.strategy), job.seed, init.protocol) };
    }
  } catch (e) {
    reply = { id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
