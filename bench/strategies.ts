/**
 * `npm run bench:strategies`: every registered strategy (`--strategies all`, auto included) on
 * every shared dataset under the reference protocol (init 10, batch 10, budget 300, seeds 0-4).
 * Per dataset it prints the best strategy and its AULC against the best reference AULC (target:
 * + 0.005, where a reference exists), auto's AULC against random's (target: >= random - 0.005),
 * and where the stopping criteria fired for auto and the best strategy.
 *
 * Environment: SHARED (default ../shared), DATASETS (comma list), SEEDS (default 5),
 * COLD_START (random | cluster, default random), STRATEGIES (default all).
 * Writes out/bench/strategies.txt.
 */
import fs from "node:fs";
import path from "node:path";
import { formatTable } from "../src/cli/table.js";
import { loadDataset } from "../src/data/load.js";
import { labelColumns, sharedDir } from "./datasets.js";
import type { ColdStart } from "../src/loop/cold-start.js";
import { simulate } from "../src/eval/simulate.js";
import { tiedWithBest } from "../src/eval/aggregate.js";
import type { ReferenceResults, SimulationResults } from "../src/eval/types.js";

const shared = sharedDir;
const seeds = Number(process.env.SEEDS ?? 5);
const only = process.env.DATASETS?.split(",");
const coldStart = (process.env.COLD_START ?? "random") as ColdStart;
const strategies = (process.env.STRATEGIES ?? "all").split(",");

const signed = (x: number): string => (Number.isFinite(x) ? (x >= 0 ? "+" : "") + x.toFixed(4) : "—");

function readReference(name: string): ReferenceResults | undefined {
  const file = path.join(shared, "reference", `modal-${name}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ReferenceResults) : undefined;
}

/** "criterion 3/5 @180 (lost +0.0120)" for every criterion of one strategy but the budget. */
function stopsLine(res: SimulationResults, strategy: string): string {
  const stopping = res.strategies[strategy]?.stopping ?? {};
  return Object.entries(stopping)
    .filter(([name]) => name !== "budget")
    .map(([name, s]) => `${name} ${s.fired_in_seeds}/${res.options.seeds.length}${s.fired_in_seeds > 0 ? ` @${Math.round(s.mean_labels)} (lost ${signed(s.accuracy_lost_vs_budget)})` : ""}`)
    .join("; ");
}

async function main(): Promise<void> {
  const names = Object.keys(labelColumns).filter((n) => (only === undefined || only.includes(n)) && fs.existsSync(path.join(shared, "datasets", `${n}.csv`)));
  if (names.length === 0) throw new Error(`no shared datasets found under ${shared} (set SHARED)`);
  const summary: (string | number)[][] = [];
  const stopLines: string[] = [];
  const aulcs = new Map<string, Map<string, number>>();
  let autoMet = 0;
  let bestMet = 0;
  const tiedLines: string[] = [];
  let withRef = 0;
  const t0 = performance.now();
  for (const name of names) {
    process.stderr.write(`${name}...\n`);
    const ds = loadDataset(path.join(shared, "datasets", `${name}.csv`), { label: labelColumns[name] });
    const res = await simulate(ds, { strategies, seeds, coldStart });
    aulcs.set(name, new Map(Object.entries(res.strategies).map(([k, v]) => [k, v.aulc])));
    const ranked = Object.keys(res.strategies).sort((a, b) => res.strategies[b].aulc - res.strategies[a].aulc);
    const best = ranked[0];
    const ref = readReference(name);
    const refBest = ref === undefined ? undefined : Object.entries(ref.strategies).sort((a, b) => b[1].aulc - a[1].aulc)[0];
    const bestAulc = res.strategies[best].aulc;
    const auto = res.strategies.auto?.aulc ?? NaN;
    const random = res.strategies.random.aulc;
    const autoOk = auto >= random - 0.005 - 1e-9;
    if (autoOk) autoMet++;
    if (refBest !== undefined) {
      withRef++;
      if (bestAulc >= refBest[1].aulc + 0.005 - 1e-9) bestMet++;
    }
    summary.push([
      name,
      res.classes,
      best,
      bestAulc.toFixed(4),
      refBest === undefined ? "—" : `${refBest[0]} ${refBest[1].aulc.toFixed(4)}`,
      refBest === undefined ? "—" : signed(bestAulc - refBest[1].aulc),
      refBest === undefined ? "—" : bestAulc >= refBest[1].aulc + 0.005 - 1e-9 ? "yes" : "NO",
      auto.toFixed(4),
      random.toFixed(4),
      signed(auto - random),
      autoOk ? "yes" : "NO",
      `${ranked.indexOf("auto") + 1}/${ranked.length}`,
    ]);
    const tied = tiedWithBest(res.strategies);
    tiedLines.push(`${name}: ${best} ${bestAulc.toFixed(4)}; ${tied === undefined || tied.tied.length === 0 ? "no other" : tied.tied.join(", ")}`);
    stopLines.push(`${name}, auto: ${stopsLine(res, "auto")}`);
    if (best !== "auto") stopLines.push(`${name}, ${best}: ${stopsLine(res, best)}`);
  }
  const out = [
    `activelearn bench:strategies: ${strategies.join(",")} strategies, reference protocol, seeds 0-${seeds - 1}, ${coldStart} cold start (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    "",
    formatTable(
      ["dataset", "classes", "best", "AULC", "best reference", "Δ", "≥ ref+0.005", "auto", "random", "auto−random", "≥ −0.005", "auto rank"],
      summary,
    ),
    "",
    "Strategies the seeds cannot tell from the best (paired t-test on per-seed AULC, 5%):",
    ...tiedLines.map((l) => `  ${l}`),
    "",
    "Stopping criteria: fired in seeds @ mean labels at stop (test accuracy lost against the full budget); seeds where one never fired count as the budget:",
    ...stopLines.map((l) => `  ${l}`),
    "",
    "AULC of every strategy (rows by mean AULC over the datasets):",
    "",
    formatTable(
      ["strategy", ...names],
      [...(aulcs.get(names[0])?.keys() ?? [])]
        .map((st) => ({ st, values: names.map((n) => aulcs.get(n)?.get(st) ?? NaN) }))
        .sort((a, b) => b.values.reduce((x, y) => x + y, 0) - a.values.reduce((x, y) => x + y, 0))
        .map(({ st, values }) => [st, ...values.map((v) => v.toFixed(4))]),
    ),
    "",
    `auto >= random - 0.005: ${autoMet}/${names.length}; best >= best reference + 0.005: ${bestMet}/${withRef}`,
  ].join("\n");
  process.stdout.write(out + "\n");
  fs.mkdirSync(path.join("out", "bench"), { recursive: true });
  fs.writeFileSync(path.join("out", "bench", "strategies.txt"), out + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
