/**
 * `simulate`: replays active learning against known labels for several strategies and seeds,
 * on worker threads (one per core by default), and summarises the runs in the shape of the
 * reference results.
 *
 * @example
 * const ds = loadDataset("data/digits.csv", { label: "digit" });
 * const results = await simulate(ds, { strategies: ["random", "margin"], seeds: 5 });
 * results.strategies.margin.labels_to_match_random; // e.g. 140
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { BadOptionError } from "../errors.js";
import type { Dataset } from "../data/types.js";
import { modelNames } from "../models/registry.js";
import { coldStartMethods, type ColdStart } from "../loop/cold-start.js";
import { defaultStoppingCriteria } from "../loop/stopping.js";
import { getStrategy, normalizeStrategyName, strategyNames } from "../strategies/registry.js";
import { MIN_SEEDS_FOR_SPREAD, labelsSavedInterval } from "./bootstrap.js";
import { labelsToReach, pairedDifference, summarizeStrategy } from "./aggregate.js";
import { meanRanks, summarizeStopping } from "./aggregate-stopping.js";
import type { Job, JobReply, WorkerInit } from "./jobs.js";
import { encodeLabels } from "./labels.js";
import { mean } from "./metrics.js";
import { fullPoolAccuracy, prepareSplit, simulateRun, type ProtocolOptions, type RunResult } from "./run.js";
import { summarizeSlices, type SliceColumn } from "./slices.js";
import type { SimulationResults, StrategyResult } from "./types.js";

export interface SimulateOptions {
  /**
   * Strategy names (default random, least_confidence, margin, entropy); random is always run as
   * the baseline; "all" stands for every registered strategy.
   */
  readonly strategies?: readonly string[];
  /** Number of seeds, run as seeds firstSeed..firstSeed+seeds-1 (default 5). */
  readonly seeds?: number;
  /** The first seed (default 0, the reference protocol); lets tuning run on seeds apart from 0-4. */
  readonly firstSeed?: number;
  readonly initial?: number;
  readonly batch?: number;
  readonly budget?: number;
  readonly testFraction?: number;
  readonly model?: string;
  /** How the initial items are chosen (default "random", the reference protocol). */
  readonly coldStart?: ColdStart;
  /** Worker threads; 0 runs everything on the calling thread (default: one per core, at most 8). */
  readonly workers?: number;
  /** Called after every finished job. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Slice columns to monitor (`--slice`), with the slice value of every dataset row (see eval/slices.ts). */
  readonly slices?: readonly SliceColumn[];
}

export const defaultStrategies = ["random", "least_confidence", "margin", "entropy"] as const;

/** Checks options, reporting every problem at once; returns them completed with defaults. */
export function resolveSimulateOptions(o: SimulateOptions): Required<Omit<SimulateOptions, "onProgress" | "slices">> {
  const problems: string[] = [];
  const strategies = (o.strategies ?? defaultStrategies).map(normalizeStrategyName).flatMap((s) => (s === "all" ? strategyNames() : [s]));
  for (const s of strategies) {
    try {
      getStrategy(s);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (!strategies.includes("random")) strategies.unshift("random");
  const r: Required<Omit<SimulateOptions, "onProgress" | "slices">> = {
    strategies: [...new Set(strategies)],
    seeds: o.seeds ?? 5,
    firstSeed: o.firstSeed ?? 0,
    initial: o.initial ?? 10,
    batch: o.batch ?? 10,
    budget: o.budget ?? 300,
    testFraction: o.testFraction ?? 0.3,
    model: o.model ?? "logreg",
    coldStart: o.coldStart ?? "random",
    workers: o.workers ?? Math.min(8, os.availableParallelism()),
  };
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) problems.push(`--${name} must be a whole number >= ${min}, got ${v}`);
  };
  int("seeds", r.seeds, 1);
  int("first-seed", r.firstSeed, 0);
  int("initial", r.initial, 1);
  int("batch", r.batch, 1);
  int("budget", r.budget, 1);
  int("workers", r.workers, 0);
  if (r.budget < r.initial) problems.push(`--budget (${r.budget}) must be at least --initial (${r.initial})`);
  if (!(r.testFraction > 0 && r.testFraction < 1)) problems.push(`--test-fraction must be between 0 and 1 (exclusive), got ${r.testFraction}`);
  if (!(modelNames as readonly string[]).includes(r.model)) problems.push(`--model must be one of ${modelNames.join(", ")}, got "${r.model}"`);
  if (!(coldStartMethods as readonly string[]).includes(r.coldStart)) problems.push(`--cold-start must be one of ${coldStartMethods.join(", ")}, got "${r.coldStart}"`);
  if (problems.length > 0) throw new BadOptionError(problems);
  return r;
}

/** Runs the simulation; see SimulateOptions. */
export async function simulate(ds: Dataset, options: SimulateOptions = {}): Promise<SimulationResults> {
  const o = resolveSimulateOptions(options);
  const enc = encodeLabels(ds);
  const sliceColumns = options.slices ?? [];
  for (const c of sliceColumns) if (c.values.length !== ds.rows) throw new Error(`slice column "${c.column}": ${c.values.length} values for ${ds.rows} rows`);
  const protocol: ProtocolOptions = { initial: o.initial, batch: o.batch, budget: o.budget, testFraction: o.testFraction, model: o.model, coldStart: o.coldStart, ...(sliceColumns.length > 0 ? { slices: true } : {}) };
  const seeds = Array.from({ length: o.seeds }, (_, i) => o.firstSeed + i);
  // Fail fast on the calling thread (bad sizes, a model that cannot take these features).
  const first = prepareSplit(ds, enc, 0, protocol);
  if (o.initial > first.Xpool.rows) throw new BadOptionError([`--initial ${o.initial} is larger than the pool (${first.Xpool.rows} rows)`]);
  const jobs: Job[] = [];
  for (const seed of seeds) {
    jobs.push({ id: jobs.length, seed, strategy: null });
    for (const s of o.strategies) jobs.push({ id: jobs.length, seed, strategy: s });
  }
  const replies = o.workers === 0 ? runInline(ds, enc, protocol, jobs, options.onProgress) : await runOnWorkers(ds, protocol, jobs, o.workers, options.onProgress);
  const failed = replies.find((r) => !r.ok);
  if (failed !== undefined && !failed.ok) throw new Error(`simulation job failed: ${failed.error}`);
  const full: number[] = [];
  const runs = new Map<string, RunResult[]>(o.strategies.map((s) => [s, []]));
  for (const job of jobs) {
    const r = replies[job.id];
    if (!r.ok) continue;
    if (job.strategy === null) full.push(r.full ?? NaN);
    else if (r.run !== undefined) runs.get(job.strategy)?.push(r.run);
  }
  const partial = new Map(o.strategies.map((s) => [s, summarizeStrategy(seeds, runs.get(s) ?? [], Math.min(o.budget, first.Xpool.rows))]));
  const randomCurve = partial.get("random");
  const target = randomCurve === undefined ? NaN : randomCurve.mean_accuracy[randomCurve.mean_accuracy.length - 1];
  const ranks = meanRanks(Object.fromEntries([...partial].map(([name, p]) => [name, p.per_seed.map((x) => x.aulc)])));
  const spent = Math.min(o.budget, first.Xpool.rows);
  const criteria = defaultStoppingCriteria(Math.min(o.budget, first.Xpool.rows)).map((c) => c.name);
  const strategies: Record<string, StrategyResult> = {};
  for (const [name, p] of partial) {
    strategies[name] = {
      ...p,
      labels_to_match_random: labelsToReach(p.labels, p.mean_accuracy, target),
      ...(randomCurve === undefined || name === "random"
        ? {}
        : {
            vs_random: pairedDifference(p.per_seed.map((x) => x.aulc), randomCurve.per_seed.map((x) => x.aulc)),
            labels_saved: labelsSavedInterval(p.per_seed, randomCurve.per_seed, p.labels, spent),
          }),
      mean_rank: ranks[name],
      stopping: summarizeStopping(criteria, runs.get(name) ?? []),
      ...(sliceColumns.length > 0 ? summarizeSlices(sliceColumns, name, seeds, runs.get(name) ?? []) : {}),
    };
  }
  return {
    dataset: ds.source.split(/[\\/]/).pop() ?? ds.source,
    rows: ds.rows,
    classes: enc.classes.length,
    protocol: `${Math.round((1 - o.testFraction) * 100)}/${Math.round(o.testFraction * 100)} stratified; ${o.model === "logreg" ? "LR C=1 lbfgs" : "multinomial NB"}; init ${o.initial}; batch ${o.batch}; budget ${o.budget}; seeds ${o.firstSeed}-${o.firstSeed + o.seeds - 1}${o.coldStart === "random" ? "" : `; ${o.coldStart} cold start`}`,
    full_pool_accuracy: Math.round(mean(full) * 1e6) / 1e6,
    strategies,
    warnings: seeds.length < MIN_SEEDS_FOR_SPREAD ? [fewSeedsWarning(seeds.length)] : [],
    options: { label: ds.labelColumn ?? "", text: ds.textColumn, seeds, initial: o.initial, batch: o.batch, budget: o.budget, testFraction: o.testFraction, model: o.model, coldStart: o.coldStart, ...(sliceColumns.length > 0 ? { slices: sliceColumns.map((c) => c.column) } : {}) },
  };
}

/** The warning of a run with fewer than MIN_SEEDS_FOR_SPREAD seeds. */
export function fewSeedsWarning(seeds: number): string {
  return (
    `only ${seeds} ${seeds === 1 ? "seed" : "seeds"}: standard errors, the paired test against random and the labels-saved interval need at least ` +
    `${MIN_SEEDS_FOR_SPREAD} seeds, so they are n/a and no strategy is claimed to beat random sampling (run --seeds 5)`
  );
}

function runInline(ds: Dataset, enc: ReturnType<typeof encodeLabels>, protocol: ProtocolOptions, jobs: Job[], onProgress?: (d: number, t: number) => void): JobReply[] {
  const out: JobReply[] = [];
  let prep = prepareSplit(ds, enc, 0, protocol);
  let prepSeed = 0;
  for (const job of jobs) {
    if (job.seed !== prepSeed) {
      prep = prepareSplit(ds, enc, job.seed, protocol);
      prepSeed = job.seed;
    }
    out.push(
      job.strategy === null
        ? { id: job.id, ok: true, full: fullPoolAccuracy(prep, enc.classes.length, protocol.model) }
        : { id: job.id, ok: true, run: simulateRun(prep, enc.classes.length, getStrategy(job.strategy), job.seed, protocol) },
    );
    onProgress?.(out.length, jobs.length);
  }
  return out;
}

function runOnWorkers(ds: Dataset, protocol: ProtocolOptions, jobs: Job[], nWorkers: number, onProgress?: (d: number, t: number) => void): Promise<JobReply[]> {
  return new Promise((resolve, reject) => {
    const replies: JobReply[] = new Array<JobReply>(jobs.length);
    const init: WorkerInit = { dataset: ds, protocol };
    let next = 0;
    let done = 0;
    let settled = false;
    const workers: Worker[] = [];
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(replies);
    };
    const feed = (w: Worker): void => {
      if (next < jobs.length) w.postMessage(jobs[next++]);
    };
    const count = Math.max(1, Math.min(nWorkers, jobs.length));
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL("./worker.js", import.meta.url), { workerData: init });
      workers.push(w);
      w.on("message", (r: JobReply) => {
        replies[r.id] = r;
        done++;
        onProgress?.(done, jobs.length);
        if (!r.ok) finish(new Error(`simulation job failed: ${r.error}`));
        else if (done === jobs.length) finish();
        else feed(w);
      });
      w.on("error", (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
      feed(w);
    }
  });
}
