/**
 * `npm run bench:scale1`: the engine on one machine at its limit (issue "One machine at its
 * limit"). Each part is a function of its own module that prints its figures and its own targets
 * table ("target / measured / met?"):
 * - pool scoring (bench/scale1-scoring.ts): dense and CSR scoring against scikit-learn and a
 *   memory-bandwidth floor, peak memory against the pool, the margin query at 10^6 rows;
 * - TF-IDF (bench/scale1-tfidf.ts): 10^6 short texts beside scikit-learn's TfidfVectorizer, then
 *   10^7 texts streamed (LARGE=0 skips them);
 * - init (bench/scale1-init.ts): 10^6 × 50 numbers beside pandas + sqlite3, the pool load and the
 *   server's first retrain on that project (BIG=1 adds the 10^7-row import, about 4 minutes).
 * Each part can also run alone: `npm run bench:scale1:tfidf`, `npm run bench:scale1:init`.
 * Environment: PARTS (comma list of scoring,tfidf,init; default all), LARGE, BIG, RUNS.
 */
import { formatTable } from "../src/cli/table.js";
import { runScale1Init } from "./scale1-init.js";
import { scoringScale, type TargetRow } from "./scale1-scoring.js";
import { benchScale1Tfidf } from "./scale1-tfidf.js";

const parts = new Set((process.env.PARTS ?? "scoring,tfidf,init").split(","));
const runs = process.env.RUNS !== undefined ? Number(process.env.RUNS) : undefined;

if (parts.has("scoring")) {
  console.log("== pool scoring ==");
  const targets: TargetRow[] = scoringScale();
  console.log("");
  console.log(formatTable(["target", "goal", "measured", "met?"], targets.map((t) => [t.what, t.target, t.measured, t.met ? "yes" : "NO"])));
}
if (parts.has("tfidf")) {
  console.log("\n== TF-IDF ==");
  await benchScale1Tfidf({ runs, large: process.env.LARGE !== undefined ? Number(process.env.LARGE) : undefined });
}
if (parts.has("init")) {
  console.log("\n== init and the first retrain ==");
  await runScale1Init({ runs, big: process.env.BIG === "1" });
}
