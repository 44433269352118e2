/**
 * The dashboard: how far the labeling has come and what it bought. Learning curve, label
 * distribution, labels saved against random sampling, per-annotator throughput; refreshed every
 * few seconds (a failed refresh keeps the last data on screen and says so).
 */
import { Api, ApiError, type Dashboard, type Project } from "./api.js";
import { barChart, learningCurve, PALETTE } from "./charts.js";
import { byId, clear, el } from "./dom.js";
import { formatAgo, formatDuration, formatInt, toMillis } from "./format.js";

const REFRESH_MS = 5_000;
const api = new Api();

const ui = {
  projectName: byId("project-name", HTMLElement),
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
  updated: byId("updated", HTMLElement),
};

let project: Project | null = null;
let lastOk = 0;

function render(d: Dashboard): void {
  const share = d.total > 0 ? d.labeled / d.total : 0;
  ui.labeled.textContent = formatInt(d.labeled);
  ui.labeledNote.textContent = `of ${formatInt(d.total)} items (${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)}%)`;
  ui.labeledBar.style.width = `${Math.min(100, share * 100).toFixed(2)}%`;

  if (d.labelsSavedEstimate === null || !Number.isFinite(d.labelsSavedEstimate)) {
    ui.saved.textContent = "—";
    ui.savedNote.textContent = "Not enough labels yet to compare with random sampling.";
  } else {
    ui.saved.textContent = `≈ ${formatInt(d.labelsSavedEstimate)}`;
    ui.savedNote.textContent = "fewer labels than random sampling would need to reach today's accuracy (estimate).";
  }

  ui.model.textContent = d.iterations > 0 ? `v${formatInt(d.iterations)}` : "—";
  const at = toMillis(d.lastRetrainAt);
  ui.modelNote.textContent =
    d.iterations === 0 ? "Not trained yet: it trains after the first labels." : `retrained ${at === null ? "" : formatAgo(at, Date.now())}${project ? ` · every ${formatInt(project.retrainEvery)} labels` : ""}`;

  clear(ui.curve);
  if (d.curve.length === 0) {
    ui.curve.appendChild(el("p", { class: "empty" }, "The curve appears after the first retrains."));
  } else {
    ui.curve.appendChild(learningCurve(d.curve));
  }
  const last = d.curve[d.curve.length - 1];
  const method = "Accuracy after each retrain, measured on randomly chosen items the annotators labeled (every 10th item served is random), each by a model trained on all other labels (cross-validation).";
  ui.curveCaption.textContent = last
    ? `${method} Latest: ${(last.accuracy * 100).toFixed(1)}% at ${formatInt(last.labels)} labels${last.n !== undefined ? `, on ${formatInt(last.n)} random items` : ""}.`
    : `${method} The curve appears once some random items are labeled.`;

  const names = project?.labels ?? Object.keys(d.byLabel);
  const extra = Object.keys(d.byLabel).filter((k) => !names.includes(k));
  const bars = [...names, ...extra].map((label, i) => ({ label, value: d.byLabel[label] ?? 0, color: PALETTE[i % PALETTE.length] }));
  clear(ui.bars);
  ui.bars.appendChild(bars.length > 0 ? barChart(bars) : el("p", { class: "empty" }, "No labels yet."));

  clear(ui.annotators);
  if (d.annotators.length === 0) {
    ui.annotators.appendChild(el("p", { class: "empty" }, "Nobody has labeled yet."));
  } else {
    const rows = [...d.annotators].sort((a, b) => b.labels - a.labels);
    ui.annotators.appendChild(
      el(
        "table",
        { class: "annotators" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Annotator"), el("th", { scope: "col" }, "Labels"), el("th", { scope: "col" }, "Per hour"), el("th", { scope: "col" }, "Median time per label"))),
        el(
          "tbody",
          {},
          ...rows.map((a) =>
            el(
              "tr",
              {},
              el("th", { scope: "row" }, a.name),
              el("td", {}, formatInt(a.labels)),
              el("td", {}, a.perHour === null ? "—" : formatInt(a.perHour)),
              el("td", {}, formatDuration(a.medianMs)),
            ),
          ),
        ),
      ),
    );
  }
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
    lastOk = Date.now();
    document.body.dataset.loaded = "true";
    renderUpdated(null);
  } catch (e) {
    renderUpdated(e instanceof ApiError ? e.message : String(e));
  } finally {
    setTimeout(() => void refresh(), REFRESH_MS);
  }
}

void refresh();
