/**
 * Click-to-zoom for the items' images: a click on an image (or Enter/Space on it when focused)
 * shows it large over the page, as large as the window allows (small images scaled up with crisp
 * pixels); Esc, a click or the close button closes it. While it is open every key goes to it (so
 * a number key does not label the item behind it).
 *
 * @example
 * zoomable(img, "image of item 7");
 */
import { el } from "./dom.js";

let overlay: { root: HTMLElement; img: HTMLImageElement; caption: HTMLElement; back: HTMLElement | null } | null = null;

/** Whether the zoomed view is open. */
export function zoomOpen(): boolean {
  return overlay !== null && !overlay.root.hidden;
}

function closeZoom(): void {
  if (overlay === null || overlay.root.hidden) return;
  overlay.root.hidden = true;
  overlay.img.removeAttribute("src");
  overlay.back?.focus();
  overlay.back = null;
}

function ensureOverlay(): NonNullable<typeof overlay> {
  if (overlay !== null) return overlay;
  const img = el("img", { id: "zoom-image", alt: "" });
  const caption = el("p", { class: "zoom-caption" });
  const close = el("button", { type: "button", class: "zoom-close", "aria-label": "Close the large view (Esc)" }, "×");
  const root = el("div", { id: "zoom", class: "zoom", role: "dialog", "aria-modal": "true", "aria-label": "Image, large", hidden: true }, img, caption, close);
  root.addEventListener("click", () => closeZoom());
  window.addEventListener(
    "keydown",
    (e) => {
      if (!zoomOpen()) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.key === "Escape") closeZoom();
    },
    true,
  );
  document.body.appendChild(root);
  overlay = { root, img, caption, back: null };
  return overlay;
}

/** Scales up a small image to at least `min` CSS pixels on its longer side (whole multiples, crisp). */
export function enlargeSmall(img: HTMLImageElement, min: number): void {
  const fit = (): void => {
    const side = Math.max(img.naturalWidth, img.naturalHeight);
    if (side === 0 || side >= min) return;
    const scale = Math.max(1, Math.floor(min / side));
    img.style.width = `${img.naturalWidth * scale}px`;
    img.classList.add("pixelated");
  };
  if (img.complete && img.naturalWidth > 0) fit();
  else img.addEventListener("load", fit, { once: true });
}

/** Makes `img` open the large view on click (or Enter/Space when focused). */
export function zoomable(img: HTMLImageElement, caption: string): void {
  img.classList.add("zoomable");
  img.tabIndex = 0;
  img.title = "Click to enlarge (Esc closes)";
  const open = (): void => {
    const o = ensureOverlay();
    o.img.src = img.currentSrc || img.src;
    o.img.alt = img.alt;
    o.img.classList.toggle("pixelated", Math.max(img.naturalWidth, img.naturalHeight) < 256);
    o.caption.textContent = caption;
    o.back = img;
    o.root.hidden = false;
  };
  img.addEventListener("click", open);
  img.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    e.stopPropagation();
    open();
  });
}
