/**
 * The labeling page: one item at a time, the model's pick, labeled with a key press. With an
 * account (the session cookie of the login page) the labels go under the account's name and a
 * "Log out" button shows; without accounts the page asks for a name, as before.
 *
 * Keys: 1-9 label, Enter accepts the model's suggestion, S or → skips, Backspace undoes the last
 * label (the item comes back). A label is only taken as saved once the server says so: if the
 * POST fails the item stays on screen with an error, nothing is silently lost.
 *
 * The next item is fetched ahead while the annotator reads the current one. A server that holds
 * one item per annotator answers that look-ahead with the current item again; the page notices
 * and from then on asks right after each label instead.
 */
import { Api, loginPath, type Item, type Project, type Stats } from "./api.js";
import { append, byId, clear, el, isTyping } from "./dom.js";
import { enlargeSmall, zoomable } from "./zoom.js";
import { describePick, formatAgo, formatCell, formatInt, formatPercent, imageUrl, isImageFeatureField, pacePerMinute, toMillis } from "./format.js";
import { askName, errorText, NAME_KEY, showSession } from "./session.js";
import { toast } from "./toast.js";

const STATS_EVERY_MS = 10_000;
const UNDO_DEPTH = 100;

const api = new Api({ onUnauthorized: () => location.assign(loginPath()) });

const ui = {
  projectName: byId("project-name", HTMLElement),
  who: byId("who", HTMLElement),
  whoName: byId("who-name", HTMLElement),
  changeName: byId("change-name", HTMLButtonElement),
  progressBar: byId("progress-bar", HTMLElement),
  progressText: byId("progress-text", HTMLElement),
  sessionText: byId("session-text", HTMLElement),
  modelText: byId("model-text", HTMLElement),
  nameForm: byId("name-form", HTMLFormElement),
  nameInput: byId("name-input", HTMLInputElement),
  workspace: byId("workspace", HTMLElement),
  card: byId("item", HTMLElement),
  why: byId("item-why", HTMLElement),
  itemId: byId("item-id", HTMLElement),
  images: byId("item-images", HTMLElement),
  text: byId("item-text", HTMLElement),
  fields: byId("item-fields", HTMLTableElement),
  suggestion: byId("suggestion", HTMLElement),
  labels: byId("labels", HTMLElement),
  skip: byId("skip", HTMLButtonElement),
  undo: byId("undo", HTMLButtonElement),
  done: byId("done", HTMLElement),
  doneText: byId("done-text", HTMLElement),
  checkAgain: byId("check-again", HTMLButtonElement),
  failed: byId("failed", HTMLElement),
  failedText: byId("failed-text", HTMLElement),
  retry: byId("retry", HTMLButtonElement),
  status: byId("status", HTMLElement),
};

interface Done {
  readonly item: Item;
  readonly label: string;
}

const state = {
  annotator: "",
  project: null as Project | null,
  current: null as Item | null,
  shownAt: 0,
  /** Items to show before asking the server: the ones set aside by an undo. */
  ahead: [] as Item[],
  /** The look-ahead request for the item after the current one. */
  prefetch: null as Promise<Item | null | undefined> | null,
  /** Whether the server hands out a different item while one is held (unknown until tried). */
  lookahead: undefined as boolean | undefined,
  /** This session's labels, newest last, for undo. */
  history: [] as Done[],
  /** Label events of this session (for the pace). */
  events: [] as { shownAt: number; labeledAt: number }[],
  sessionCount: 0,
  labeled: 0,
  total: 0,
  stats: null as Stats | null,
  busy: false,
  buttons: [] as HTMLButtonElement[],
};

function announce(message: string): void {
  ui.status.textContent = message;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderProgress(): void {
  const { labeled, total } = state;
  const share = total > 0 ? Math.min(1, labeled / total) : 0;
  ui.progressBar.style.width = `${(share * 100).toFixed(2)}%`;
  ui.progressBar.parentElement?.setAttribute("aria-valuenow", String(Math.round(share * 100)));
  ui.progressText.textContent = `${formatInt(labeled)} / ${formatInt(total)} labeled`;
  // The pace only once a few labels make it mean something.
  const pace = state.events.length >= 3 ? pacePerMinute(state.events.slice(-20)) : null;
  const paceText = pace === null ? "" : ` · ${pace < 10 ? pace.toFixed(1) : Math.round(pace)} labels/min`;
  ui.sessionText.textContent = `this session ${formatInt(state.sessionCount)}${paceText}`;
  const s = state.stats;
  if (s !== null) {
    const at = toMillis(s.lastRetrainAt);
    ui.modelText.textContent =
      s.iterations > 0 ? `model v${s.iterations}${at === null ? "" : `, retrained ${formatAgo(at, Date.now())}`}` : "model: waiting for first labels";
  }
}

function renderLabelButtons(project: Project): void {
  clear(ui.labels);
  state.buttons = project.labels.map((label, i) => {
    const key = i < 9 ? String(i + 1) : null;
    const button = el(
      "button",
      { type: "button", class: "label-btn", "data-label": label, "aria-keyshortcuts": key ?? undefined },
      key === null ? null : el("kbd", { "aria-hidden": "true" }, key),
      el("span", { class: "label-name" }, label),
      el("span", { class: "label-hint" }),
    );
    button.addEventListener("click", () => void submitLabel(label));
    ui.labels.appendChild(button);
    return button;
  });
  ui.labels.classList.toggle("many", project.labels.length > 4);
}

function renderSuggestion(item: Item): void {
  const s = item.suggestion;
  for (const b of state.buttons) {
    const on = s !== null && b.dataset.label === s.label;
    b.classList.toggle("suggested", on);
    const hint = b.querySelector(".label-hint");
    if (hint) hint.textContent = on && s ? `suggested ${formatPercent(s.confidence)}` : "";
  }
  clear(ui.suggestion);
  if (s === null) {
    append(ui.suggestion, "No suggestion yet: the model has not been trained.");
  } else {
    append(ui.suggestion, "Model suggests ", el("strong", {}, s.label), ` (${formatPercent(s.confidence)}) · press `, el("kbd", {}, "Enter"), " to accept");
  }
}

/** The field name of the text column if the item has it. */
function textField(item: Item): string | null {
  const col = state.project?.textColumn ?? null;
  return col !== null && Object.prototype.hasOwnProperty.call(item.data, col) ? col : null;
}

function renderItem(item: Item): void {
  ui.card.dataset.itemId = item.id;
  ui.itemId.textContent = `#${item.id}`;
  clear(ui.why);
  append(ui.why, el("span", { class: "why-label" }, "Why this item"), " ", describePick(item), item.reason.trim() ? el("span", { class: "why-reason" }, ` · ${item.reason.trim()}`) : null);

  const textCol = textField(item);
  const imageCols: string[] = [];
  clear(ui.images);
  for (const [field, value] of Object.entries(item.data)) {
    if (field === textCol) continue;
    const src = imageUrl(field, value, { imageColumn: state.project?.imageColumn ?? null, itemId: item.id });
    if (src === null) continue;
    imageCols.push(field);
    const img = el("img", { alt: `${field} of item ${item.id}`, decoding: "async", referrerpolicy: "no-referrer" });
    img.src = src;
    img.addEventListener("error", () => img.classList.add("broken"), { once: true });
    enlargeSmall(img, 320);
    zoomable(img, `${field} of item ${item.id}`);
    ui.images.appendChild(el("figure", {}, img, el("figcaption", {}, src.startsWith("/api/") ? `${field}: ${String(value)}` : field)));
  }
  ui.images.hidden = imageCols.length === 0;

  if (textCol === null) {
    ui.text.hidden = true;
    ui.text.textContent = "";
  } else {
    ui.text.hidden = false;
    const value = item.data[textCol];
    ui.text.textContent = value === null || value === undefined ? "" : String(value);
    ui.text.classList.toggle("empty", ui.text.textContent.trim() === "");
    ui.text.scrollTop = 0;
  }

  clear(ui.fields);
  const rest = Object.entries(item.data).filter(([f]) => f !== textCol && !imageCols.includes(f) && !isImageFeatureField(f, item.data));
  const body = el("tbody");
  for (const [field, value] of rest) {
    body.appendChild(el("tr", {}, el("th", { scope: "row" }, field), el("td", { class: value === null ? "null" : typeof value === "number" ? "num" : null }, formatCell(value))));
  }
  ui.fields.appendChild(body);
  ui.fields.hidden = rest.length === 0;
  // Without a text or an image, the fields are the item: show them large.
  ui.fields.classList.toggle("hero", textCol === null && imageCols.length === 0);

  renderSuggestion(item);
}

type View = "item" | "done" | "failed" | "none";

function setView(view: View): void {
  ui.workspace.hidden = view !== "item";
  ui.done.hidden = view !== "done";
  ui.failed.hidden = view !== "failed";
}

function show(item: Item): void {
  state.current = item;
  state.shownAt = performance.now();
  renderItem(item);
  setView("item");
  ui.undo.disabled = state.history.length === 0;
  ui.card.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
  const s = item.suggestion;
  announce(`New item${s ? `, model suggests ${s.label} at ${formatPercent(s.confidence)}` : ""}.`);
  startPrefetch();
}

function showDone(): void {
  state.current = null;
  ui.doneText.textContent =
    state.sessionCount > 0
      ? `Nothing left to label right now. You labeled ${formatInt(state.sessionCount)} item${state.sessionCount === 1 ? "" : "s"} this session: thank you!`
      : "Nothing left to label right now.";
  setView("done");
  ui.checkAgain.focus();
  announce("All done: nothing left to label.");
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

// ---------------------------------------------------------------------------------------------
// Fetching

function preloadImages(item: Item): void {
  for (const [field, value] of Object.entries(item.data)) {
    const src = imageUrl(field, value, { imageColumn: state.project?.imageColumn ?? null, itemId: item.id });
    if (src !== null) new Image().src = src;
  }
}

/** Asks the server for the item after the current one, if it may hand out a second one. */
function startPrefetch(): void {
  const current = state.current;
  if (state.lookahead === false || state.ahead.length > 0 || state.prefetch !== null || current === null) return;
  state.prefetch = api.next(state.annotator, true).then(
    (item) => {
      if (item !== null && item.id === current.id) {
        state.lookahead = false; // one item per annotator: ask again after each label
        return undefined;
      }
      if (item !== null) {
        state.lookahead = true;
        preloadImages(item);
      }
      return item;
    },
    () => undefined, // a failed look-ahead is retried as a plain fetch when needed
  );
}

/** The item to show after the current one: set aside by an undo, fetched ahead, or asked for now. */
async function nextItem(finished: string): Promise<Item | null> {
  const queued = state.ahead.shift();
  if (queued !== undefined) return queued;
  const pending = state.prefetch;
  state.prefetch = null;
  if (pending !== null) {
    const item = await pending;
    // An item fetched ahead is good unless it is the one just finished; "nothing left" is
    // re-asked, since it was answered while the last item was still out.
    if (item !== undefined && item !== null && item.id !== finished) return item;
  }
  return api.next(state.annotator);
}

async function advance(finished: string): Promise<void> {
  let item: Item | null;
  try {
    item = await nextItem(finished);
  } catch (e) {
    showFailed(`Could not load the next item: ${errorText(e)}`);
    toast(`Could not load the next item: ${errorText(e)}`, "error");
    return;
  }
  if (item === null) showDone();
  else show(item);
}

// ---------------------------------------------------------------------------------------------
// Actions

async function submitLabel(label: string): Promise<void> {
  const item = state.current;
  if (state.busy || item === null) return;
  setBusy(true);
  try {
    const labeledAt = performance.now();
    const durationMs = Math.round(labeledAt - state.shownAt);
    let labeled: number;
    try {
      // Over 24 h on one item is a page left open, not labeling time (and the server refuses it).
      ({ labeled } = await api.label(item.id, durationMs <= 86_400_000 ? { label, annotator: state.annotator, durationMs } : { label, annotator: state.annotator }));
    } catch (e) {
      // The item stays: the annotator sees it was not saved and can press the key again.
      toast(`The label “${label}” was not saved: ${errorText(e)}`, "error", "The item is still here; try again.");
      announce(`Not saved. ${errorText(e)}`);
      return;
    }
    state.labeled = Number.isFinite(labeled) ? labeled : state.labeled + 1;
    state.sessionCount++;
    state.events.push({ shownAt: state.shownAt, labeledAt });
    if (state.events.length > 50) state.events.shift();
    state.history.push({ item, label });
    if (state.history.length > UNDO_DEPTH) state.history.shift();
    renderProgress();
    await advance(item.id);
  } finally {
    setBusy(false);
  }
}

async function skip(): Promise<void> {
  const item = state.current;
  if (state.busy || item === null) return;
  setBusy(true);
  try {
    try {
      await api.skip(item.id, state.annotator);
    } catch (e) {
      toast(`Could not skip: ${errorText(e)}`, "error");
      return;
    }
    announce("Skipped.");
    await advance(item.id);
  } finally {
    setBusy(false);
  }
}

async function undo(): Promise<void> {
  if (state.busy) return;
  const last = state.history[state.history.length - 1];
  if (last === undefined) {
    toast("Nothing to undo in this session.");
    return;
  }
  setBusy(true);
  try {
    try {
      await api.unlabel(last.item.id, state.annotator);
    } catch (e) {
      toast(`Could not undo the label “${last.label}”: ${errorText(e)}`, "error");
      return;
    }
    state.history.pop();
    state.sessionCount = Math.max(0, state.sessionCount - 1);
    state.events.pop();
    state.labeled = Math.max(0, state.labeled - 1);
    if (state.current !== null) state.ahead.unshift(state.current);
    renderProgress();
    show(last.item);
    toast(`Undid “${last.label}”: the item is back.`);
    announce(`Undid ${last.label}. The item is shown again.`);
  } finally {
    setBusy(false);
  }
}

function acceptSuggestion(): void {
  const s = state.current?.suggestion;
  if (state.current === null) return;
  if (s === null || s === undefined) {
    toast("No suggestion for this item: pick a label with its number key.");
    return;
  }
  void submitLabel(s.label);
}

function onKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
  if (isTyping(e.target) || state.project === null) return;
  const key = e.key;
  if (/^[1-9]$/.test(key)) {
    const label = state.project.labels[Number(key) - 1];
    if (label === undefined) return;
    e.preventDefault();
    if (state.current !== null) void submitLabel(label);
  } else if (key === "Enter") {
    // Enter on a focused control activates it, as everywhere else.
    if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement) return;
    e.preventDefault();
    acceptSuggestion();
  } else if (key === "s" || key === "S" || key === "ArrowRight") {
    e.preventDefault();
    void skip();
  } else if (key === "Backspace") {
    e.preventDefault();
    void undo();
  }
}

// ---------------------------------------------------------------------------------------------
// Start

async function refreshStats(): Promise<void> {
  try {
    const s = await api.stats();
    state.stats = s;
    if (!state.busy) state.labeled = s.labeled;
    state.total = s.total;
    renderProgress();
  } catch {
    // The next refresh will try again; actions report their own errors.
  }
}

function askNameHere(): Promise<string> {
  setView("none");
  return askName(ui.nameForm, ui.nameInput);
}

async function start(): Promise<void> {
  // With an account (session or token) the server knows who labels: no name to ask, none to change.
  const me = await showSession(api);
  if (me !== null && me.via !== "open" && me.name !== null) {
    state.annotator = me.name;
    ui.changeName.hidden = true;
  } else {
    const saved = localStorage.getItem(NAME_KEY)?.trim() ?? "";
    const params = new URLSearchParams(location.search);
    if (params.has("change-name")) history.replaceState(null, "", location.pathname);
    state.annotator = saved !== "" && !params.has("change-name") ? saved : await askNameHere();
  }
  ui.whoName.textContent = state.annotator;
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
  state.total = project.total;
  ui.projectName.textContent = project.name;
  document.title = `Label · ${project.name} · activelearn`;
  renderLabelButtons(project);
  renderProgress();
  void refreshStats();
  setInterval(() => void refreshStats(), STATS_EVERY_MS);
  setInterval(renderProgress, 15_000);

  document.addEventListener("keydown", onKey);
  ui.skip.addEventListener("click", () => void skip());
  ui.undo.addEventListener("click", () => void undo());
  ui.checkAgain.addEventListener("click", () => void advance(""));
  ui.retry.addEventListener("click", () => void advance(""));
  await advance("");
}

ui.changeName.addEventListener("click", () => {
  // Reloading lets the server's hold on the current item lapse under the old name.
  location.assign(`${location.pathname}?change-name`);
});

void start();
