/**
 * The dashboard's slice section (projects made with `init --slice COL`): per slice column a table
 * of each value's share of the pool against its share of the labels and the accuracy on its random
 * audit picks with the 95% interval, flagged cells marked, the flags in words below; then how many
 * of the pool's clusters hold a label. Hidden for projects without slices.
 */
import type { Dashboard } from "./api.js";
import { clear, el } from "./dom.js";
import { formatInt } from "./format.js";

type Slices = NonNullable<Dashboard["slices"]>;
type Table = Slices["columns"][number];

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function table(t: Table): HTMLElement {
  const rows = t.rows.map((r) => {
    const under = r.flags.includes("under-labeled");
    const below = r.flags.includes("accuracy below the whole");
    const acc = r.accuracy === null ? "—" : `${pct(r.accuracy)} (${pct(r.low ?? 0)}–${pct(r.high ?? 1)}, n = ${formatInt(r.n)})`;
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, r.value),
      el("td", {}, `${pct(r.pool_share)} (${formatInt(r.pool)})`),
      el("td", under ? { class: "flag", title: "under-labeled: under half its share of the pool" } : {}, `${pct(r.label_share)} (${formatInt(r.labels)})${under ? " ⚑" : ""}`),
      el("td", below ? { class: "flag", title: "accuracy below the whole" } : {}, `${acc}${below ? " ⚑" : ""}`),
    );
  });
  const whole = t.accuracy === null ? "—" : `${pct(t.accuracy)} (${pct(t.low ?? 0)}–${pct(t.high ?? 1)}, n = ${formatInt(t.n)})`;
  return el(
    "div",
    { class: "slice" },
    el("h3", { class: "figures-title" }, `By ${t.column}${t.kind === "quartiles" ? " (quartiles)" : ""}`),
    el(
      "table",
      { class: "annotators slices" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t.column), el("th", { scope: "col" }, "Share of the pool"), el("th", { scope: "col" }, "Share of the labels"), el("th", { scope: "col" }, "Accuracy on random picks, 95%"))),
      el("tbody", {}, ...rows, el("tr", {}, el("th", { scope: "row" }, "all"), el("td", {}, `100% (${formatInt(t.pool)})`), el("td", {}, `100% (${formatInt(t.labels)})`), el("td", {}, whole))),
    ),
    t.findings.length === 0 ? el("p", { class: "caption" }, "No value flagged.") : el("ul", { class: "findings" }, ...t.findings.map((f) => el("li", {}, `${f}.`))),
  );
}

/** Fills `box` (its section is hidden when the dashboard has no slices). */
export function renderSlices(section: HTMLElement, box: HTMLElement, slices: Slices | undefined): void {
  section.hidden = slices === undefined;
  clear(box);
  if (slices === undefined) return;
  for (const t of slices.columns) box.appendChild(table(t));
  const c = slices.clusters;
  box.appendChild(
    el(
      "p",
      { class: "caption" },
      c === null
        ? "Cluster coverage appears after the first retrain."
        : `Cluster coverage: labels in ${formatInt(c.covered)} of the pool's ${formatInt(c.k)} clusters (holding ${pct(c.covered_pool_share)} of the pool); ${formatInt(c.under_labeled)} under-labeled.`,
    ),
  );
  box.appendChild(el("p", { class: "caption" }, slices.method));
}
