/**
 * The review page: one item in review at a time, with every label it got (who, when, undone
 * ones struck through), the model's view and why it is in review; the reviewer settles it with
 * the keyboard.
 *
 * Keys: 1-9 pick a label, Enter decides (the picked label, else the majority label shown), Esc or
 * Backspace drops the pick (back to the majority), S or → passes on to the next review. A
 * decision is only taken as saved once the server says so; when the item changed meanwhile (a
 * 409), the page shows it again as it is now, and nothing was overwritten.
 */
import { Api, ApiError, loginPath, type Project, type ReviewView } from "./api.js";
import { append, byId, clear, el, isTyping } from "./dom.js";
import { formatAgo, formatCell, formatInt, formatPercent, imageUrl, isImageFeatureField, toMillis } from "./format.js";
import { enlargeSmall, zoomable } from "./zoom.js";
import { askName, errorText, NAME_KEY, showSession } from "./session.js";
import { toast } from "./toast.js";

const QUEUE_EVERY_MS = 10_000;

const api = new Api({ onUnauthorized: () => location.assign(loginPath()) });

const ui = {
  projectName: byId("project-name", HTMLElement),
  queueText: byId("queue-text", HTMLElement),
  sessionText: byId("session-text", HTMLElement),
  who: byId("who", HTMLElement),
  whoName: byId("who-name", HTMLElement),
  nameForm: byId("name-form", HTMLFormElement),
  nameInput: byId("name-input", HTMLInputElement),
  workspace: byId("workspace", HTMLElement),
  card: byId("item", HTMLElement),
  why: byId("review-why", HTMLElement),
  itemId: byId("item-id", HTMLElement),
  images: byId("item-images", HTMLElement),
  text: byId("item-text", HTMLElement),
  fields: byId("item-fields", HTMLTableElement),
  labelsTable: byId("review-labels", HTMLTableElement),
  model: byId("review-model", HTMLElement),
  pick: byId("review-pick", HTMLElement),
  labels: byId("labels", HTMLElement),
  decide: byId("decide", HTMLButtonElement),
  skip: byId("skip", HTMLButtonElement),
  done: byId("done", HTMLElement),
  doneText: byId("done-text", HTMLElement),
  checkAgain: byId("check-again", HTMLButtonElement),
  failed: byId("failed", HTMLElement),
  failedText: byId("failed-text", HTMLElement),
  retry: byId("retry", HTMLButtonElement),
  status: byId("status", HTMLElement),
};

const state = {
  /** The reviewer's name on a project without accounts; null when a login token names them. */
  reviewer: null as string | null,
  project: null as Project | null,
  current: null as ReviewView | null,
  /** The label picked with a number key (null: the majority). */
  picked: null as string | null,
  decided: 0,
  busy: false,
  buttons: [] as HTMLButtonElement[],
};

function announce(message: string): void {
  ui.status.textContent = message;
}

/** The label Enter decides: the picked one, else the majority shown. */
function chosen(): string | null {
  return state.picked ?? state.current?.majority ?? null;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderLabelButtons(project: Project): void {
  clear(ui.labels);
  state.buttons = project.labels.map((label, i) => {
    const key = i < 9 ? String(i + 1) : null;
    const button = el(
      "button",
      { type: "button", class: "label-btn", "data-label": label, "aria-keyshortcuts": key ?? undefined, "aria-pressed": "false" },
      key === null ? null : el("kbd", { "aria-hidden": "true" }, key),
      el("span", { class: "label-name" }, label),
      el("span", { class: "label-hint" }),
    );
    button.addEventListener("click", () => pick(label));
    ui.labels.appendChild(button);
    return button;
  });
  ui.labels.classList.toggle("many", project.labels.length > 4);
}

function renderPick(): void {
  const r = state.current;
  const choice = chosen();
  for (const b of state.buttons) {
    const label = b.dataset.label ?? "";
    const isPicked = label === choice;
    b.classList.toggle("picked", isPicked);
    b.setAttribute("aria-pressed", String(isPicked));
    b.classList.toggle("majority", r?.majority === label);
    const hint = b.querySelector(".label-hint");
    if (hint) hint.textContent = r?.majority === label ? "majority" : "";
  }
  clear(ui.pick);
  if (choice === null) append(ui.pick, "The labels tie: pick one with its number key, then press ", el("kbd", {}, "Enter"), ".");
  else append(ui.pick, "Press ", el("kbd", {}, "Enter"), " to decide ", el("strong", { id: "pick-label" }, choice), state.picked !== null && r?.majority !== null ? " (your pick; Esc goes back to the majority)" : r?.majority === choice ? " (the majority)" : "", ".");
  ui.decide.disabled = choice === null;
}

function renderItem(r: ReviewView): void {
  ui.card.dataset.reviewId = String(r.review.id);
  ui.itemId.textContent = `#${r.review.itemId}`;
  clear(ui.why);
  append(ui.why, el("span", { class: "why-label" }, "Why in review"), " ", r.review.why);
  const col = state.project?.textColumn ?? null;
  const textCol = col !== null && Object.prototype.hasOwnProperty.call(r.item.data, col) ? col : null;
  ui.text.hidden = textCol === null;
  const value = textCol === null ? null : r.item.data[textCol];
  ui.text.textContent = value === null || value === undefined ? "" : String(value);
  const imageCols: string[] = [];
  clear(ui.images);
  for (const [field, v] of Object.entries(r.item.data)) {
    if (field === textCol) continue;
    const src = imageUrl(field, v, { imageColumn: state.project?.imageColumn ?? null, itemId: r.review.itemId });
    if (src === null) continue;
    imageCols.push(field);
    const img = el("img", { alt: `${field} of item ${r.review.itemId}`, decoding: "async", referrerpolicy: "no-referrer" });
    img.src = src;
    img.addEventListener("error", () => img.classList.add("broken"), { once: true });
    enlargeSmall(img, 320);
    zoomable(img, `${field} of item ${r.review.itemId}`);
    ui.images.appendChild(el("figure", {}, img, el("figcaption", {}, src.startsWith("/api/") ? `${field}: ${String(v)}` : field)));
  }
  ui.images.hidden = imageCols.length === 0;
  clear(ui.fields);
  const rest = Object.entries(r.item.data).filter(([f]) => f !== textCol && !imageCols.includes(f) && !isImageFeatureField(f, r.item.data));
  const body = el("tbody");
  for (const [field, v] of rest) body.appendChild(el("tr", {}, el("th", { scope: "row" }, field), el("td", { class: v === null ? "null" : typeof v === "number" ? "num" : null }, formatCell(v))));
  ui.fields.appendChild(body);
  ui.fields.hidden = rest.length === 0;

  clear(ui.labelsTable);
  const now = Date.now();
  const head = el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Who"), el("th", { scope: "col" }, "Label"), el("th", { scope: "col" }, "Kind"), el("th", { scope: "col" }, "When")));
  const rows = el("tbody");
  for (const l of r.labels) {
    const at = toMillis(l.at);
    rows.appendChild(
      el(
        "tr",
        { class: l.undone ? "undone" : null },
        el("td", {}, l.annotator),
        el("td", {}, el("strong", {}, l.label)),
        el("td", { class: "kind" }, l.undone ? `${l.kind}, undone` : l.kind),
        el("td", { title: l.at }, at === null ? l.at : formatAgo(at, now)),
      ),
    );
  }
  ui.labelsTable.append(head, rows);

  clear(ui.model);
  const d = r.review.details;
  if (r.model === null) append(ui.model, "No model yet.");
  else {
    const p = r.model.probabilities[r.model.label] ?? 0;
    append(ui.model, "The model says ", el("strong", {}, r.model.label), ` (${formatPercent(p)})`, r.model.outOfSample ? "" : " · trained on this item's label");
  }
  if (d.modelLabel !== undefined && d.probability !== undefined) {
    append(ui.model, " · out-of-sample (at retrain ", String(d.iteration ?? "?"), ") it gave ", el("strong", {}, d.modelLabel), ` at ${formatPercent(d.probability)}`);
    if (d.quality !== undefined) append(ui.model, el("span", { title: "label quality: the out-of-sample probability of the given label; low means the label is likely wrong" }, ` · label quality ${formatPercent(d.quality)}`));
  }
  renderPick();
}

type View = "item" | "done" | "failed" | "none";

function setView(view: View): void {
  ui.workspace.hidden = view !== "item";
  ui.done.hidden = view !== "done";
  ui.failed.hidden = view !== "failed";
}

function show(r: ReviewView): void {
  state.current = r;
  state.picked = null;
  renderItem(r);
  setView("item");
  ui.card.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
  announce(`Review of item ${r.review.itemId}: ${r.review.why}.${r.majority === null ? "" : ` Majority ${r.majority}.`}`);
}

function showDone(): void {
  state.current = null;
  ui.doneText.textContent = state.decided > 0 ? `You settled ${formatInt(state.decided)} item${state.decided === 1 ? "" : "s"} this session. Nothing else is waiting for you.` : "Nothing is waiting for review right now.";
  setView("done");
  ui.checkAgain.focus();
  announce("No open reviews.");
}

function showFailed(message: string): void {
  state.current = null;
  ui.failedText.textContent = message;
  setView("failed");
  ui.retry.focus();
}

function setBusy(busy: boolean): void {
  state.busy = busy;
  document.body.classList.toggle("busy", busy);
  ui.card.setAttribute("aria-busy", String(busy));
}

async function refreshQueue(): Promise<void> {
  try {
    const q = await api.reviews("open", 1);
    ui.queueText.textContent = `${formatInt(q.open)} open review${q.open === 1 ? "" : "s"} · ${formatInt(q.resolved)} resolved`;
  } catch {
    // Shown again on the next refresh; actions report their own errors.
  }
  ui.sessionText.textContent = `this session ${formatInt(state.decided)}`;
}

// ---------------------------------------------------------------------------------------------
// Actions

async function load(skip?: number): Promise<void> {
  let r: ReviewView | null;
  try {
    r = await api.reviewNext(state.reviewer, skip);
  } catch (e) {
    showFailed(`Could not load the next review: ${errorText(e)}`);
    return;
  }
  if (r === null) showDone();
  else show(r);
  void refreshQueue();
}

function pick(label: string): void {
  if (state.current === null) return;
  state.picked = label === state.current.majority ? null : label;
  renderPick();
  announce(`Picked ${label}. Press Enter to decide.`);
}

async function decide(): Promise<void> {
  const r = state.current;
  const label = chosen();
  if (state.busy || r === null) return;
  if (label === null) {
    toast("The labels tie: pick one with its number key first.");
    return;
  }
  setBusy(true);
  try {
    try {
      await api.resolveReview(r.review.id, label, r.seen, state.reviewer);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        toast(`Not saved: ${e.message}`, "error", "Showing the review as it is now.");
        announce("Not saved: the item changed. It is shown again as it is now.");
        await load();
        return;
      }
      toast(`The decision “${label}” was not saved: ${errorText(e)}`, "error", "The review is still here; try again.");
      return;
    }
    state.decided++;
    toast(`Decided “${label}” for item ${r.review.itemId}.`);
    await load();
  } finally {
    setBusy(false);
  }
}

async function skip(): Promise<void> {
  const r = state.current;
  if (state.busy || r === null) return;
  setBusy(true);
  try {
    await load(r.review.id);
  } finally {
    setBusy(false);
  }
}

function onKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
  if (isTyping(e.target) || state.project === null || state.current === null) return;
  const key = e.key;
  if (/^[1-9]$/.test(key)) {
    const label = state.project.labels[Number(key) - 1];
    if (label === undefined) return;
    e.preventDefault();
    pick(label);
  } else if (key === "Enter") {
    if (e.target instanceof HTMLAnchorElement || (e.target instanceof HTMLButtonElement && e.target !== ui.decide && !state.buttons.includes(e.target))) return;
    e.preventDefault();
    void decide();
  } else if (key === "Escape" || key === "Backspace") {
    e.preventDefault();
    state.picked = null;
    renderPick();
  } else if (key === "s" || key === "S" || key === "ArrowRight") {
    e.preventDefault();
    void skip();
  }
}

// ---------------------------------------------------------------------------------------------
// Start

function askNameHere(): Promise<string> {
  setView("none");
  return askName(ui.nameForm, ui.nameInput);
}

async function start(): Promise<void> {
  // With an account (session or token) the server knows who reviews; without accounts the page asks for a name.
  const me = await showSession(api);
  if (me !== null && me.via !== "open" && me.name !== null) {
    ui.whoName.textContent = me.name;
  } else {
    const saved = localStorage.getItem(NAME_KEY)?.trim() ?? "";
    state.reviewer = saved !== "" ? saved : await askNameHere();
    ui.whoName.textContent = state.reviewer;
  }
  ui.who.hidden = false;
  let project: Project;
  try {
    project = await api.project();
  } catch (e) {
    showFailed(`Could not load the project: ${errorText(e)}`);
    ui.retry.addEventListener("click", () => location.reload(), { once: true });
    return;
  }
  state.project = project;
  ui.projectName.textContent = project.name;
  document.title = `Review · ${project.name} · activelearn`;
  renderLabelButtons(project);
  setInterval(() => void refreshQueue(), QUEUE_EVERY_MS);
  document.addEventListener("keydown", onKey);
  ui.decide.addEventListener("click", () => void decide());
  ui.skip.addEventListener("click", () => void skip());
  ui.checkAgain.addEventListener("click", () => void load());
  ui.retry.addEventListener("click", () => void load());
  await load();
}

void start();
