/**
 * The dashboard's gold section (projects with `init --gold COL`): each annotator's accuracy on the
 * gold items with its 95% interval, and in words who is flagged for an admin to look into (never
 * paused or dropped). Hidden for projects without gold items.
 *
 * @example
 * renderGold(byId("gold", HTMLElement), byId("gold-body", HTMLElement), dashboard.gold);
 */
import type { Dashboard } from "./api.js";
import { clear, el } from "./dom.js";
import { formatInt } from "./format.js";

type Gold = NonNullable<Dashboard["gold"]>;

const pct = (x: number): string => `${Math.round(100 * x)}%`;

/** Fills `body` (inside `box`) with the gold figures; hides `box` when there are none. */
export function renderGold(box: HTMLElement, body: HTMLElement, gold: Gold | undefined): void {
  box.hidden = gold === undefined;
  clear(body);
  if (gold === undefined) return;
  body.appendChild(
    el(
      "p",
      { class: "caption" },
      `${formatInt(gold.items)} gold items (known answers, never shown), served blind as ${pct(gold.rate)} of the items. An annotator is flagged when their accuracy is below ${pct(gold.threshold)} even at the top of its 95% interval; nobody is paused or dropped.`,
    ),
  );
  const flagged = gold.annotators.filter((a) => a.flagged);
  if (flagged.length > 0)
    body.appendChild(
      el(
        "p",
        { class: "flagged", role: "status" },
        `Flagged: ${flagged.map((a) => `${a.name} (${a.correct} of ${a.answered} gold items right, ${pct(a.accuracy)}, at most ${pct(a.high)})`).join("; ")}. Check their labels with them.`,
      ),
    );
  if (gold.annotators.length === 0) {
    body.appendChild(el("p", { class: "empty" }, "No gold item answered yet."));
    return;
  }
  body.appendChild(
    el(
      "table",
      { class: "annotators" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Annotator"), el("th", { scope: "col" }, "Gold answered"), el("th", { scope: "col" }, "Right"), el("th", { scope: "col" }, "Accuracy"), el("th", { scope: "col" }, "95% interval"), el("th", { scope: "col" }, "Flag"))),
      el(
        "tbody",
        {},
        ...gold.annotators.map((a) =>
          el(
            "tr",
            {},
            el("th", { scope: "row" }, a.name),
            el("td", {}, formatInt(a.answered)),
            el("td", {}, formatInt(a.correct)),
            el("td", {}, pct(a.accuracy)),
            el("td", {}, `${pct(a.low)}–${pct(a.high)}`),
            el("td", a.flagged ? { class: "flag-on" } : {}, a.flagged ? "flagged: below the threshold" : "ok"),
          ),
        ),
      ),
    ),
  );
}
