/** Printing column roles and the warnings about them (init, simulate --data). */
import type { ColumnFinding, RoleRow } from "../data/roles.js";
import { formatTable } from "./table.js";

/** The roles table: column, role, distinct values, missing, note. */
export function rolesTable(rows: readonly RoleRow[]): string {
  return formatTable(
    ["column", "role", "values", "missing", "note"],
    rows.map((r) => [r.column, r.role, r.distinct === null ? "—" : `${r.distinct}${r.distinctAtLeast === true ? "+" : ""}`, r.missing === null ? "—" : String(r.missing), r.note]),
  );
}

/**
 * One "warning: ..." line per finding; columns that only hold label names but do not predict the
 * labels (yes/no features of a yes/no task) share one "note:" line.
 */
export function findingLines(findings: readonly ColumnFinding[]): string {
  const lines = findings.filter((f) => f.kind !== "label-values").map((f) => `warning: ${f.message}\n`);
  const coincidences = findings.filter((f) => f.kind === "label-values");
  if (coincidences.length === 1) lines.push(`note: ${coincidences[0].message}\n`);
  else if (coincidences.length > 1) {
    const best = Math.max(...coincidences.map((f) => (f.rule === undefined ? 0 : f.rule.correct / f.rule.n)));
    const r = coincidences[0].rule;
    const base = r === undefined ? "" : ` (the best one-feature rule gets ${(100 * best).toFixed(1)}% of the ${r.n} labeled rows right, always the most common label ${((100 * r.majority) / r.n).toFixed(1)}%)`;
    lines.push(`note: ${coincidences.length} columns hold only label names but do not predict the labels${base}; kept as features: ${coincidences.map((f) => f.column).join(", ")}\n`);
  }
  return lines.join("");
}
