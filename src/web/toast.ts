/**
 * Toasts: short messages in a corner region. Errors are announced assertively (role="alert")
 * and stay until dismissed; notes are polite and fade after a few seconds.
 *
 * @example
 * toast("Could not save the label: database is locked", "error");
 */
import { el } from "./dom.js";

function region(): HTMLElement {
  let r = document.getElementById("toasts");
  if (r === null) {
    r = el("div", { id: "toasts", class: "toasts" });
    document.body.appendChild(r);
  }
  return r;
}

/** Shows a toast; returns a function that removes it. */
export function toast(message: string, kind: "error" | "info" = "info", detail?: string): () => void {
  const close = el("button", { type: "button", class: "toast-close", "aria-label": "Dismiss" }, "×");
  const node = el(
    "div",
    { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    el("div", { class: "toast-body" }, el("strong", {}, kind === "error" ? "Error" : "Note"), " ", message, detail ? el("span", { class: "toast-detail" }, detail) : null),
    close,
  );
  const remove = (): void => node.remove();
  close.addEventListener("click", remove);
  const r = region();
  // At most 4 toasts: the oldest goes first.
  while (r.children.length >= 4) r.firstElementChild?.remove();
  r.appendChild(node);
  if (kind === "info") setTimeout(remove, 4000);
  return remove;
}
