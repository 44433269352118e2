/**
 * `npm run bench:scale1`: the engine on one machine at its limit (issue "One machine at its
 * limit"). Each part is a function of its own module that prints its figures and returns rows for
 * the targets table printed last ("target / measured / met?"):
 * - pool scoring (bench/scale1-scoring.ts): dense and CSR scoring against scikit-learn and a
 *   memory-bandwidth floor, peak memory against the pool, the margin query at 10^6 rows.
 */
import { formatTable } from "../src/cli/table.js";
import { scoringScale, type TargetRow } from "./scale1-scoring.js";

const targets: TargetRow[] = [];

console.log("== pool scoring ==");
targets.push(...scoringScale());

console.log("");
console.log(formatTable(["target", "goal", "measured", "met?"], targets.map((t) => [t.what, t.target, t.measured, t.met ? "yes" : "NO"])));
