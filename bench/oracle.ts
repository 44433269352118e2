/**
 * `npm run bench:oracle`: a diagnostic, not a strategy. How high can the AULC go under the
 * reference protocol when every pick may look at the test labels? Each batch is built greedily:
 * for each of its k slots, every candidate (the 60 lowest-margin unlabeled items and 60 seeded
 * random ones) is added with its true label, the model refitted (warm start), and the candidate
 * giving the highest test accuracy is taken. The result is optimistic (it selects on the test set)
 * and not an upper bound on every strategy (greedy), but it tells how much room a target leaves.
 *
 * Environment: SHARED (default ../shared), DATASETS (comma list, default vehicle), FIRST_SEED
 * (default 0), SEEDS (default 5).
 */
import path from "node:path";
import { formatTable } from "../src/cli/table.js";
import { loadDataset } from "../src/data/load.js";
import { labelOf, sharedDir } from "./datasets.js";
import { encodeLabels } from "../src/eval/labels.js";
import { accuracy, argmaxRows } from "../src/eval/metrics.js";
import { prepareSplit, simulateRun, type PreparedSplit, type ProtocolOptions } from "../src/eval/run.js";
import { getStrategy } from "../src/strategies/registry.js";
import { fitFresh } from "../src/strategies/helpers.js";
import { topK } from "../src/strategies/topk.js";
import type { QueryContext, QueryStrategy, Selection } from "../src/strategies/types.js";
import { marginScores } from "../src/strategies/uncertainty.js";

const shared = sharedDir;
const names = (process.env.DATASETS ?? "vehicle").split(",");
const firstSeed = Number(process.env.FIRST_SEED ?? 0);
const seeds = Number(process.env.SEEDS ?? 5);
const protocol: ProtocolOptions = { initial: 10, batch: 10, budget: 300, testFraction: 0.3, model: "logreg" };

function oracle(prep: PreparedSplit): QueryStrategy {
  return {
    name: "test_oracle",
    description: "greedy picks that maximise test accuracy (diagnostic)",
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const K = ctx.nClasses;
      const low = topK(marginScores(ctx.model.predictProba(ctx.X, ctx.unlabeled), n, K), Math.min(60, n));
      const pool = new Set<number>(Array.from(low, (p) => ctx.unlabeled[p]));
      for (const i of ctx.rng.sample(ctx.unlabeled, Math.min(60, n))) pool.add(i);
      const rows = Array.from(ctx.labeled);
      const ys = Array.from(ctx.labels);
      const picked: number[] = [];
      const scores: number[] = [];
      for (let slot = 0; slot < Math.min(k, n); slot++) {
        let best = -1;
        let bestAcc = -1;
        for (const c of pool) {
          const m = fitFresh(ctx, Int32Array.from([...rows, c]), [...ys, prep.yPool[c]]);
          const acc = accuracy(argmaxRows(m.predictProba(prep.Xtest), prep.Xtest.rows, K), prep.yTest);
          if (acc > bestAcc) [best, bestAcc] = [c, acc];
        }
        pool.delete(best);
        rows.push(best);
        ys.push(prep.yPool[best]);
        picked.push(best);
        scores.push(bestAcc);
      }
      return { indices: Int32Array.from(picked), scores: Float64Array.from(scores) };
    },
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows: string[][] = [];
for (const name of names) {
  const ds = loadDataset(path.join(shared, "datasets", `${name}.csv`), { label: labelOf(name) });
  const enc = encodeLabels(ds);
  const per: { oracle: number; margin: number; best: number }[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const prep = prepareSplit(ds, enc, seed, protocol);
    const run = (s: QueryStrategy): number => mean(simulateRun(prep, enc.classes.length, s, seed, protocol).accuracy);
    per.push({ oracle: run(oracle(prep)), margin: run(getStrategy("margin")), best: run(getStrategy("typical_variance")) });
    process.stderr.write(`${name} seed ${seed}: oracle ${per.at(-1)!.oracle.toFixed(4)}, margin ${per.at(-1)!.margin.toFixed(4)}, typical_variance ${per.at(-1)!.best.toFixed(4)}\n`);
  }
  rows.push([name, `${firstSeed}-${firstSeed + seeds - 1}`, mean(per.map((p) => p.oracle)).toFixed(4), mean(per.map((p) => p.margin)).toFixed(4), mean(per.map((p) => p.best)).toFixed(4)]);
}
process.stdout.write(formatTable(["dataset", "seeds", "test oracle AULC", "margin", "typical_variance"], rows) + "\n");
