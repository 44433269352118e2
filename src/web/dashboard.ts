/**
 * The dashboard: whether to keep labeling (the stopping advice and each criterion), how good the
 * model is (one headline accuracy with its interval, the other figures labeled for what they
 * are), how far the labeling has come and what it bought. Learning curve with its interval band,
 * label distribution, labels saved against random sampling, per-annotator throughput and (with
 * overlap) accuracy estimated by Dawid-Skene, with the consensus method in use; refreshed
 * every few seconds (a failed refresh keeps the last data on screen and says so).
 */
import { Api, ApiError, loginPath, type Advice, type AccuracyReport, type Dashboard, type Project, type ReviewFigures } from "./api.js";
import { barChart, learningCurve, PALETTE } from "./charts.js";
import { append, byId, clear, el } from "./dom.js";
import { renderGold } from "./gold.js";
import { formatAgo, formatDuration, formatInt, toMillis } from "./format.js";
import { showSession } from "./session.js";
import { renderSlices } from "./slices.js";

const REFRESH_MS = 5_000;
const api = new Api({ onUnauthorized: () => location.assign(loginPath()) });

const ui = {
  projectName: byId("project-name", HTMLElement),
  advice: byId("advice", HTMLElement),
  adviceTitle: byId("advice-title", HTMLElement),
  adviceGoals: byId("advice-goals", HTMLElement),
  adviceSentence: byId("advice-sentence", HTMLElement),
  criteria: byId("criteria", HTMLTableElement),
  accuracyLabel: byId("kpi-accuracy-label", HTMLElement),
  accuracy: byId("kpi-accuracy", HTMLElement),
  accuracyNote: byId("kpi-accuracy-note", HTMLElement),
  others: byId("accuracy-others", HTMLElement),
  importedNote: byId("imported-note", HTMLElement),
  labeled: byId("kpi-labeled", HTMLElement),
  labeledNote: byId("kpi-labeled-note", HTMLElement),
  labeledBar: byId("kpi-labeled-bar", HTMLElement),
  saved: byId("kpi-saved", HTMLElement),
  savedNote: byId("kpi-saved-note", HTMLElement),
  model: byId("kpi-model", HTMLElement),
  modelNote: byId("kpi-model-note", HTMLElement),
  curve: byId("curve", HTMLElement),
  curveCaption: byId("curve-caption", HTMLElement),
  bars: byId("bars", HTMLElement),
  annotators: byId("annotators", HTMLElement),
  reviewsSummary: byId("reviews-summary", HTMLElement),
  reviews: byId("reviews", HTMLElement),
  slicesBox: byId("slices-box", HTMLElement),
  slices: byId("slices", HTMLElement),
  gold: byId("gold", HTMLElement),
  goldBody: byId("gold-body", HTMLElement),
  updated: byId("updated", HTMLElement),
};

let project: Project | null = null;
let lastOk = 0;

/** Criterion names in words. */
const CRITERIA: Record<string, string> = {
  budget: "Budget",
  target_accuracy: "Target accuracy",
  stabilizing_predictions: "Stabilizing predictions",
  overall_uncertainty: "Overall uncertainty",
  max_uncertainty: "Max uncertainty",
  classification_change: "Classification change",
};
const STATES: Record<string, string> = { fired: "fired", waiting: "not yet", off: "off" };
const pct1 = (x: number): string => `${(100 * x).toFixed(1)}%`;

function renderAdvice(a: Advice | undefined): void {
  if (a === undefined) {
    ui.advice.hidden = true;
    return;
  }
  ui.advice.hidden = false;
  ui.advice.dataset.stop = String(a.stop);
  ui.adviceTitle.textContent = a.stop ? "You can stop now" : "Keep labeling";
  const rest = a.sentence.replace(/^(Keep labeling|You can stop now): /, "");
  ui.adviceSentence.textContent = rest.charAt(0).toUpperCase() + rest.slice(1);
  clear(ui.adviceGoals);
  if (a.budget !== null) {
    ui.adviceGoals.appendChild(
      el("span", { class: `goal${a.budget.reached ? " reached" : ""}`, id: "goal-budget" }, a.budget.reached ? `Budget of ${formatInt(a.budget.limit)} labels reached` : `Budget: ${formatInt(a.budget.spent)} of ${formatInt(a.budget.limit)} labels`),
    );
  }
  if (a.target !== null) {
    ui.adviceGoals.appendChild(el("span", { class: `goal${a.target.reached ? " reached" : ""}`, id: "goal-target" }, `Target ${pct1(a.target.accuracy)}: ${a.target.reached ? "reached" : "not yet"}`));
  }
  clear(ui.criteria);
  ui.criteria.hidden = a.criteria.length === 0;
  ui.criteria.appendChild(
    el(
      "tbody",
      {},
      ...a.criteria.map((c) =>
        el(
          "tr",
          { "data-criterion": c.name, "data-state": c.state },
          el("th", { scope: "row" }, CRITERIA[c.name] ?? c.name.replace(/_/g, " ")),
          el("td", { class: "state" }, el("span", { class: `badge ${c.state}` }, STATES[c.state] ?? c.state)),
          el("td", {}, c.reason),
        ),
      ),
    ),
  );
}

function renderAccuracy(r: AccuracyReport | undefined): void {
  clear(ui.others);
  if (r === undefined) {
    ui.accuracy.textContent = "—";
    ui.accuracyNote.textContent = "";
    ui.importedNote.textContent = "";
    return;
  }
  const h = r.headline;
  ui.accuracyLabel.textContent = h.kind === "imported" ? "Accuracy (cross-validated on imported labels)" : "Accuracy over the whole pool";
  ui.accuracy.textContent = h.value === null ? "—" : pct1(h.value);
  ui.accuracyNote.textContent =
    h.value === null || h.low === null || h.high === null
      ? `${h.text.charAt(0).toUpperCase()}${h.text.slice(1)}.`
      : `95% interval ${pct1(h.low)}–${pct1(h.high)}, on ${formatInt(h.n)} ${h.kind === "imported" ? "imported labels" : "random picks"}`;
  ui.accuracy.title = h.method;
  const cap = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);
  ui.others.appendChild(el("li", { "data-kind": h.kind }, el("strong", {}, `${cap(h.label)} (the headline): `), h.text, ". ", el("span", { class: "method" }, cap(h.method))));
  for (const f of r.others) ui.others.appendChild(el("li", { "data-kind": f.kind }, el("strong", {}, `${cap(f.label)}: `), f.text, ". ", el("span", { class: "method" }, cap(f.method))));
  ui.importedNote.textContent = r.importedLabels;
}

function render(d: Dashboard): void {
  const share = d.total > 0 ? d.labeled / d.total : 0;
  ui.labeled.textContent = formatInt(d.labeled);
  ui.labeledNote.textContent = `of ${formatInt(d.total)} items (${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)}%)`;
  ui.labeledBar.style.width = `${Math.min(100, share * 100).toFixed(2)}%`;

  if (d.labelsSavedEstimate === null || !Number.isFinite(d.labelsSavedEstimate)) {
    ui.saved.textContent = "—";
    ui.savedNote.textContent = "Not enough labels yet to compare with random sampling.";
  } else if (d.labelsSavedRange != null && d.labelsSavedRange[0] <= 0) {
    // The interval reaches no saving at all: no saving is claimed (as simulate claims none the
    // paired test cannot tell from random sampling).
    ui.saved.textContent = "—";
    ui.savedNote.textContent =
      `Not clear yet: between ${formatInt(d.labelsSavedRange[0])} and ${formatInt(d.labelsSavedRange[1])} labels saved against random sampling ` +
      `(95% interval of today's accuracy; point estimate ${formatInt(d.labelsSavedEstimate)}), so no saving is claimed.`;
  } else {
    ui.saved.textContent = `≈ ${formatInt(d.labelsSavedEstimate)}`;
    const range = d.labelsSavedRange;
    ui.savedNote.textContent =
      "fewer labels than random sampling would need for today's accuracy (estimate" +
      (range != null ? `; ${formatInt(range[0])} to ${formatInt(range[1])} within its 95% interval).` : ").");
  }

  ui.model.textContent = d.iterations > 0 ? `v${formatInt(d.iterations)}` : "—";
  const at = toMillis(d.lastRetrainAt);
  ui.modelNote.textContent =
    d.iterations === 0 ? "Not trained yet: it trains after the first labels." : `retrained ${at === null ? "" : formatAgo(at, Date.now())}${project ? ` · every ${formatInt(project.retrainEvery)} labels` : ""}`;

  renderAdvice(d.advice);
  renderAccuracy(d.accuracy);

  clear(ui.curve);
  if (d.curve.length === 0) {
    ui.curve.appendChild(el("p", { class: "empty" }, "The curve appears once 10 random picks are labeled."));
  } else {
    ui.curve.appendChild(learningCurve(d.curve, { target: d.advice?.target?.accuracy ?? project?.targetAccuracy ?? null }));
  }
  const last = d.curve[d.curve.length - 1];
  const method =
    d.curveMethod ??
    "Accuracy after each retrain, measured on randomly chosen items the annotators labeled (every 10th item served is random), each by a model trained on all other labels (cross-validation).";
  const band = last?.low !== undefined && last.high !== undefined ? ` (95% interval ${pct1(last.low)}–${pct1(last.high)})` : "";
  ui.curveCaption.textContent = last
    ? `${method} The band is the 95% interval. Latest: ${pct1(last.accuracy)}${band} at ${formatInt(last.labels)} labels${last.n !== undefined ? `, on ${formatInt(last.n)} ${d.curveSource === "imported" ? "imported labels" : "random items"}` : ""}.`
    : `${method} The curve appears once 10 random items are labeled.`;

  const names = project?.labels ?? Object.keys(d.byLabel);
  const extra = Object.keys(d.byLabel).filter((k) => !names.includes(k));
  const bars = [...names, ...extra].map((label, i) => ({ label, value: d.byLabel[label] ?? 0, color: PALETTE[i % PALETTE.length] }));
  clear(ui.bars);
  ui.bars.appendChild(bars.length > 0 ? barChart(bars) : el("p", { class: "empty" }, "No labels yet."));

  renderSlices(ui.slicesBox, ui.slices, d.slices);
  renderGold(ui.gold, ui.goldBody, d.gold);

  renderAnnotators(d);
}

/** An annotator's Dawid-Skene estimate in a cell: the accuracy, or why there is none. */
function estimateCell(e: NonNullable<Dashboard["consensus"]>["annotators"][number] | undefined): HTMLTableCellElement {
  if (e === undefined) return el("td", { class: "estimate", title: "no labels on items others labeled too" }, "no overlap yet");
  if (e.estimatedAccuracy === null) return el("td", { class: "estimate", title: e.note ?? "" }, e.note ?? "—");
  return el("td", { class: "estimate" }, pct1(e.estimatedAccuracy));
}

/**
 * The annotators table: throughput, and with overlap each one's accuracy as Dawid-Skene estimates
 * it (with the labels it rests on), or in words why there is no estimate; below it, the consensus
 * method in use and why.
 */
function renderAnnotators(d: Dashboard): void {
  clear(ui.annotators);
  if (d.annotators.length === 0) {
    ui.annotators.appendChild(el("p", { class: "empty" }, "Nobody has labeled yet."));
    return;
  }
  const c = d.consensus;
  const estimates = new Map((c?.annotators ?? []).map((a) => [a.name, a]));
  const rows = [...d.annotators].sort((a, b) => b.labels - a.labels);
  const head = [
    el("th", { scope: "col" }, "Annotator"),
    el("th", { scope: "col" }, "Labels"),
    el("th", { scope: "col", title: "labels per hour of labeling time (the time each item was on screen)" }, "Per hour of labeling"),
    el("th", { scope: "col" }, "Median time per label"),
  ];
  if (c !== undefined) {
    head.push(el("th", { scope: "col", title: c.estimateMethod }, "Estimated accuracy (Dawid-Skene)"));
    head.push(el("th", { scope: "col", title: "their labels on items with two or more annotator labels: what the estimate rests on" }, "On shared labels"));
  }
  ui.annotators.appendChild(
    el(
      "table",
      { class: "annotators", id: "annotator-table" },
      el("thead", {}, el("tr", {}, ...head)),
      el(
        "tbody",
        {},
        ...rows.map((a) => {
          const cells: HTMLElement[] = [el("th", { scope: "row" }, a.name), el("td", {}, formatInt(a.labels)), el("td", {}, a.perHour === null ? "—" : formatInt(a.perHour)), el("td", {}, formatDuration(a.medianMs))];
          if (c !== undefined) {
            const e = estimates.get(a.name);
            cells.push(estimateCell(e), el("td", {}, formatInt(e?.labels ?? 0)));
          }
          return el("tr", { "data-annotator": a.name }, ...cells);
        }),
      ),
    ),
  );
  if (c !== undefined) {
    const method = c.inUse === "dawid-skene" ? "Dawid-Skene" : "majority vote";
    const chosen = c.method === c.inUse ? "" : ` (Dawid-Skene chosen; it needs ${formatInt(c.minItems)} items with two or more labels, ${formatInt(c.itemsWithOverlap)} so far)`;
    ui.annotators.appendChild(
      el(
        "p",
        { class: "caption", id: "consensus-note" },
        `Items train on the consensus of their annotators: ${method}${chosen}. ${c.reason.charAt(0).toUpperCase()}${c.reason.slice(1)}. ` +
          (c.annotators.some((a) => a.estimatedAccuracy !== null) ? "Estimated accuracy is the chance a label of theirs is right, from how their labels agree with the others' on shared items." : "Too little overlap yet to estimate any annotator's accuracy."),
      ),
    );
  }
}

/** The review queue: open reviews, and per annotator the share of their labels a reviewer overturned (with n and its interval). */
function renderReviews(r: ReviewFigures): void {
  clear(ui.reviewsSummary);
  append(ui.reviewsSummary, el("strong", { id: "reviews-open" }, formatInt(r.open)), ` open review${r.open === 1 ? "" : "s"} · ${formatInt(r.resolved)} resolved`, r.open > 0 ? " · " : "", r.open > 0 ? el("a", { href: "/review" }, "Review them") : null);
  clear(ui.reviews);
  if (r.overturned.length === 0) {
    ui.reviews.appendChild(el("p", { class: "empty" }, "No review resolved yet."));
    return;
  }
  append(
    ui.reviews,
    el(
      "table",
      { class: "annotators", id: "overturned" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Annotator"), el("th", { scope: "col", title: "their labels on items a reviewer settled" }, "Labels reviewed"), el("th", { scope: "col" }, "Overturned"), el("th", { scope: "col" }, "Share (95% interval)"))),
      el(
        "tbody",
        {},
        ...r.overturned.map((a) =>
          el(
            "tr",
            {},
            el("th", { scope: "row" }, a.name),
            el("td", {}, formatInt(a.reviewed)),
            el("td", {}, formatInt(a.overturned)),
            el("td", {}, a.share === null ? "—" : `${pct1(a.share)}${a.interval === null ? "" : ` (${pct1(a.interval[0])}–${pct1(a.interval[1])})`}`),
          ),
        ),
      ),
    ),
    el("p", { class: "caption" }, "Items enter review when their annotators disagree, when confident learning finds the label likely wrong (the model, trained without it, gives another label), or as a random spot check: flagged items over-represent errors, so only spot checks estimate an annotator's error rate without that bias."),
  );
}

function renderUpdated(error: string | null): void {
  clear(ui.updated);
  const time = lastOk > 0 ? new Date(lastOk).toLocaleTimeString() : "never";
  if (error !== null) {
    ui.updated.appendChild(el("span", { class: "stale", role: "alert" }, `Cannot refresh: ${error}. `));
    ui.updated.appendChild(document.createTextNode(`Showing data from ${time}.`));
  } else {
    ui.updated.textContent = `Updated ${time} · refreshes every ${REFRESH_MS / 1000} s`;
  }
}

async function refresh(): Promise<void> {
  try {
    if (project === null) {
      project = await api.project();
      ui.projectName.textContent = project.name;
      document.title = `Dashboard · ${project.name} · activelearn`;
    }
    const d = await api.dashboard();
    render(d);
    renderReviews(d.reviews);
    lastOk = Date.now();
    document.body.dataset.loaded = "true";
    renderUpdated(null);
  } catch (e) {
    renderUpdated(e instanceof ApiError ? e.message : String(e));
  } finally {
    setTimeout(() => void refresh(), REFRESH_MS);
  }
}

void showSession(api, byId("who-name", HTMLElement), byId("who", HTMLElement)).then(() => refresh());
