/**
 * Pure helpers for the pages: no DOM, so they are easy to reason about and to test.
 *
 * @example
 * describePick({ strategy: "margin", score: 0.931 }); // "margin sampling, score 0.93"
 * imageUrl("photo", "https://x.test/cat.JPG?w=200"); // "https://x.test/cat.JPG?w=200"
 */
import type { Cell, Time } from "./api.js";

const IMAGE_EXT = /\.(png|jpe?g|gif|webp|avif|bmp|svg|ico)$/i;
const IMAGE_NAMES = new Set(["image", "img", "url", "image_url", "imageurl", "img_url", "picture", "photo", "thumbnail"]);

/** The project's image column and the item, for images served by the project itself. */
export interface LocalImage {
  /** The image column (`init --image COL` or `--data DIR/`); null for a project without one. */
  readonly imageColumn: string | null;
  readonly itemId: string;
}

/**
 * The URL to show as an image if the cell holds one, else null: an http(s) URL whose path ends
 * in an image extension, a `data:image/...` URL, or any http(s) URL in a field named like an
 * image (image, img, url, ...) whose path ends in an image extension. With `local`, a relative
 * path in the project's image column is the server's route for it,
 * `/api/items/{id}/image/{field}` (same origin; the server checks the path). Only those, http(s)
 * and data:image URLs are ever returned (never javascript: or other schemes).
 */
export function imageUrl(field: string, value: Cell, local?: LocalImage): string | null {
  if (typeof value !== "string") return null;
  const v = value.trim();
  if (local !== undefined && local.imageColumn !== null && field === local.imageColumn && v !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(v)) {
    return `/api/items/${encodeURIComponent(local.itemId)}/image/${encodeURIComponent(field)}`;
  }
  if (/^data:image\/(png|jpe?g|gif|webp|avif|bmp);base64,[a-z0-9+/=\s]+$/i.test(v)) return v;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (IMAGE_EXT.test(url.pathname)) return url.href;
  // A field named like an image holding an http(s) URL with an image extension anywhere in it
  // (e.g. a CDN path "/cat.jpg/resize"): still an image.
  if (IMAGE_NAMES.has(field.toLowerCase()) && /\.(png|jpe?g|gif|webp|avif|bmp|svg)(\/|$)/i.test(url.pathname)) return url.href;
  return null;
}

/**
 * Whether `field` is a feature computed from an image path column (`init --image COL` stores them
 * as `COL:feature`): a field named `COL:...` where `COL` holds a path ending in an image extension.
 * The labeling page leaves those numbers out of the item's fields.
 */
export function isImageFeatureField(field: string, data: Readonly<Record<string, Cell>>): boolean {
  const at = field.indexOf(":");
  if (at <= 0) return false;
  const source = data[field.slice(0, at)];
  return typeof source === "string" && IMAGE_EXT.test(source.trim());
}

/** "margin" -> "margin sampling", "least_confidence" -> "least confidence sampling". */
export function strategyName(strategy: string): string {
  const s = strategy.trim().replace(/[_-]+/g, " ");
  if (s === "") return "model's choice";
  return /sampling|random|audit/i.test(s) ? s : `${s} sampling`;
}

/** A score with 2 significant decimals (0.93), or 3 for tiny ones (0.004). */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return "—";
  const a = Math.abs(score);
  return a !== 0 && a < 0.01 ? score.toPrecision(2) : score.toFixed(2);
}

/** Why this item was picked: "margin sampling, score 0.93". */
export function describePick(item: { strategy: string; score: number }): string {
  return `${strategyName(item.strategy)}, score ${formatScore(item.score)}`;
}

/** A probability as a whole percent ("87%"), "<1%" / ">99%" at the ends. */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return "—";
  const v = p * 100;
  if (v > 0 && v < 1) return "<1%";
  if (v > 99 && v < 100) return ">99%";
  return `${Math.round(v)}%`;
}

/** An integer with thousands separators (1,797), locale-independent. */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const s = Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 && Math.round(n) !== 0 ? `-${s}` : s;
}

/**
 * Labels per minute of labeling time: the labels over the summed time each was on screen (shown
 * to labeled), so a break between two labels does not lower the pace. Null without a positive time.
 */
export function pacePerMinute(events: readonly { shownAt: number; labeledAt: number }[]): number | null {
  if (events.length === 0) return null;
  let busy = 0;
  for (const e of events) busy += Math.max(0, e.labeledAt - e.shownAt);
  if (!(busy > 0)) return null;
  return (events.length * 60_000) / busy;
}

/** The epoch milliseconds of a server time, or null. */
export function toMillis(t: Time): number | null {
  if (t === null) return null;
  if (typeof t === "number") return Number.isFinite(t) ? (t < 1e11 ? t * 1000 : t) : null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** A duration in ms as "2.3 s" or "1 min 05 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, "0")} s`;
}

/** A cell for the field table: numbers as they are, null as an em dash. */
export function formatCell(value: Cell): string {
  if (value === null) return "—";
  return String(value);
}
