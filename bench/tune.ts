/**
 * `npm run bench:tune`: chosen strategies on digits, vehicle and mlc_churn under the reference
 * protocol but on a separate set of seeds, for choosing settings without looking at the protocol
 * seeds 0-4. Prints each strategy's AULC per dataset, its paired difference from margin (mean over
 * seeds of the per-seed AULC difference, ± its standard error) and the reference target
 * (best modAL AULC + 0.005).
 *
 * Environment: SHARED (default ../shared), FIRST_SEED (default 5), SEEDS (count, default 20),
 * STRATEGIES (comma list, default margin,representative), DATASETS (comma list), CURVES=1 to also
 * print each strategy's mean accuracy at every third point of the curve, PER_SEED=1 its AULC per seed.
 * Writes out/bench/tune-<first>-<last>.txt.
 */
import fs from "node:fs";
import path from "node:path";
import { formatTable } from "../src/cli/table.js";
import { loadDataset } from "../src/data/load.js";
import { labelOf, sharedDir } from "./datasets.js";
import { simulate } from "../src/eval/simulate.js";
import { pairedDifference } from "../src/eval/aggregate.js";
import { getStrategy, registerStrategy, strategyNames } from "../src/strategies/registry.js";
import { createAuto } from "../src/strategies/auto.js";
import type { QueryStrategy } from "../src/strategies/types.js";
import { balancedMargin, believerMargin, diverseMargin, kcenterMargin, knnDensityMargin } from "../src/strategies/diverse.js";
import { epsilonMargin, powerEntropy, powerMargin, softrankMargin } from "../src/strategies/stochastic.js";
import type { ReferenceResults } from "../src/eval/types.js";
import { phased, typicalMargin } from "../src/strategies/typical.js";
import { expectedErrorReduction } from "../src/strategies/error-reduction.js";
import { baggedMargin } from "../src/strategies/committee.js";
import { varianceReduction } from "../src/strategies/variance.js";

const shared = sharedDir;
const firstSeed = Number(process.env.FIRST_SEED ?? 5);
const seeds = Number(process.env.SEEDS ?? 20);
const only = process.env.DATASETS?.split(",");
const asked = (process.env.STRATEGIES ?? "margin,representative").split(",");
const strategies = asked.includes("margin") ? asked : ["margin", ...asked];

/**
 * Parameter variants for tuning, by name: "power_margin:4" (beta), "power_entropy:4",
 * "softrank_margin:1", "epsilon_margin:0.1", "kcenter_margin:10" (factor), "knn_density_margin:<factor>:<neighbours>:<beta>", "believer_margin:<candidates>",
 * "diverse_margin:<factor>:<nearest|uncertain>[:<beta of a power prefilter>]". They are
 * registered on this thread only, so a run with variants has no worker threads.
 */
function variant(name: string): QueryStrategy | undefined {
  const [base, ...args] = name.split(":");
  const a = Number(args[0]);
  if (base === "power_margin") return powerMargin(a, name);
  if (base === "power_entropy") return powerEntropy(a, name);
  if (base === "softrank_margin") return softrankMargin(a, name);
  if (base === "epsilon_margin") return epsilonMargin(a, name);
  if (base === "kcenter_margin") return kcenterMargin(a, name);
  if (base === "believer_margin") return believerMargin(a, name);
  if (base === "knn_density_margin") return knnDensityMargin(a, Number(args[1]), Number(args[2]), name);
  if (base === "typical_margin") return typicalMargin(a, name);
  if (base === "eer01") return expectedErrorReduction("zero_one", name);
  if (base === "bagged_margin") return baggedMargin;
  if (base === "variance") // variance:<candidates>:<probability|logit>:<focus>:<maxParams>
    return varianceReduction({
      name,
      maxCandidates: args[0] === undefined || args[0] === "" ? undefined : a,
      target: args[1] === "logit" ? "logit" : "probability",
      focus: args[2] === undefined ? 0 : Number(args[2]),
      maxParams: args[3] === undefined ? undefined : Number(args[3]),
    });
  if (base === "balanced_margin") return balancedMargin(a, name);
  if (base === "switch") {
    // switch:<perClass>:<first>:<then>: strategy <first> below perClass labels per class, then <then>.
    return phased(a, getStrategy(args[1]), getStrategy(args[2]), name);
  }
  if (base === "switch3") {
    // switch3:<a>:<first>:<b>:<second>:<then>: <first> below a labels per class, <second> below b, then <then>.
    // A variant inside is written with "~" for ":" (variance~30) and must be listed before.
    const get = (n: string): QueryStrategy => getStrategy(n.replace(/~/g, ":"));
    return phased(a, get(args[1]), phased(Number(args[2]), get(args[3]), get(args[4]), name), name);
  }
  if (base === "auto_typical" || base === "auto_tv") {
    // auto over random, margin and typical_margin (auto_tv: typical_variance); args: uniform share, warm-up.
    const arms = [getStrategy("random"), getStrategy("margin"), getStrategy(base === "auto_tv" ? "typical_variance" : "typical_margin")];
    return { ...createAuto({ arms, uniformShare: Number.isFinite(a) ? a : 0.2, warmup: args[1] === undefined ? 2 : Number(args[1]) }), name };
  }
  if (base === "auto_arms") {
    // auto_arms:<arm+arm+...>:<uniform share>:<warm-up>
    const arms = args[0].split("+").map((n) => getStrategy(n));
    return { ...createAuto({ arms, uniformShare: Number(args[1] ?? 0.2), warmup: Number(args[2] ?? 2) }), name };
  }
  if (base === "typical_diverse") return typicalMargin(a, name, diverseMargin({ name: "diverse_margin", factor: 20, pick: "nearest" }));
  if (base === "diverse_margin") {
    const pick = args[1] === "uncertain" ? "uncertain" : "nearest";
    return args[2] === undefined ? diverseMargin({ name, factor: a, pick }) : diverseMargin({ name, factor: a, pick, candidates: "power", beta: Number(args[2]) });
  }
  return undefined;
}
const known = new Set(strategyNames());
const variants = strategies.filter((s) => !known.has(s));
for (const v of variants) {
  const s = variant(v);
  if (s === undefined) throw new Error(`unknown strategy or variant "${v}"`);
  // Stateful variants (auto_*) get a fresh instance per learner, as the registry's factories do.
  registerStrategy(v, v.startsWith("auto_") ? () => variant(v) ?? s : () => s);
}

function referenceTarget(name: string): number {
  const file = path.join(shared, "reference", `modal-${name}.json`);
  if (!fs.existsSync(file)) return NaN;
  const ref = JSON.parse(fs.readFileSync(file, "utf8")) as ReferenceResults;
  return Math.max(...Object.values(ref.strategies).map((s) => s.aulc)) + 0.005;
}

async function main(): Promise<void> {
  // The datasets with reference curves unless DATASETS names others.
  const names = only ?? ["digits", "vehicle", "mlc_churn"];
  const rows: string[][] = [];
  const t0 = performance.now();
  for (const name of names) {
    process.stderr.write(`${name}...\n`);
    const ds = loadDataset(path.join(shared, "datasets", `${name}.csv`), { label: labelOf(name) });
    const res = await simulate(ds, { strategies, seeds, firstSeed, ...(variants.length > 0 ? { workers: 0 } : {}) });
    const base = res.strategies.margin.per_seed.map((s) => s.aulc);
    const target = referenceTarget(name);
    for (const s of strategies) {
      const r = res.strategies[s];
      const { mean: m, se, above: wins, seeds: count } = pairedDifference(r.per_seed.map((p) => p.aulc), base);
      if (process.env.PER_SEED === "1") process.stderr.write(`${name} ${s.padEnd(40)} ${r.per_seed.map((p) => p.aulc.toFixed(4)).join(" ")}\n`);
      if (process.env.CURVES === "1") {
        const c = r.mean_accuracy.filter((_, i) => i % 3 === 0).map((a) => a.toFixed(3));
        process.stderr.write(`${name} ${s.padEnd(40)} ${c.join(" ")}\n`);
      }
      rows.push([name, s, r.aulc.toFixed(4), `${m >= 0 ? "+" : ""}${m.toFixed(4)} ± ${se === null ? "n/a" : se.toFixed(4)}`, `${wins}/${count}`, Number.isFinite(target) ? target.toFixed(4) : "—", r.mean_rank?.toFixed(2) ?? "—"]);
    }
  }
  const out = [
    `activelearn bench:tune: seeds ${firstSeed}-${firstSeed + seeds - 1} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    "",
    formatTable(["dataset", "strategy", "AULC", "− margin (paired, ± se)", "seeds above margin", "ref target", "mean rank"], rows),
  ].join("\n");
  process.stdout.write(out + "\n");
  fs.mkdirSync(path.join("out", "bench"), { recursive: true });
  fs.writeFileSync(path.join("out", "bench", `tune-${firstSeed}-${firstSeed + seeds - 1}.txt`), out + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
