/**
 * Unit tests of the browser code's pure helpers (dist/web/format.js, built by tsconfig.web.json),
 * loaded at run time so the Node and DOM builds stay apart.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./test-server.js";

type Cell = string | number | null;
interface Format {
  imageUrl(field: string, value: Cell, local?: { imageColumn: string | null; itemId: string }): string | null;
  isImageFeatureField(field: string, data: Record<string, Cell>): boolean;
  strategyName(strategy: string): string;
  describePick(item: { strategy: string; score: number }): string;
  formatPercent(p: number): string;
  formatInt(n: number): string;
  pacePerMinute(events: readonly { shownAt: number; labeledAt: number }[]): number | null;
  toMillis(t: number | string | null): number | null;
  formatAgo(then: number, now: number): string;
  formatDuration(ms: number | null): string;
}

const load = async (): Promise<Format> => (await import(pathToFileURL(path.join(REPO_ROOT, "dist/web/format.js")).href)) as Format;

void test("imageUrl with the project's image column: a relative path is the image route, encoded; nothing else changes", async () => {
  const f = await load();
  const local = { imageColumn: "pic", itemId: "cat/1 #2.png" };
  assert.equal(f.imageUrl("pic", "cat/1 #2.png", local), "/api/items/cat%2F1%20%232.png/image/pic");
  assert.equal(f.imageUrl("pic", "../../etc/passwd", local), "/api/items/cat%2F1%20%232.png/image/pic", "the server checks the path, the page only names the route");
  assert.equal(f.imageUrl("pic", "javascript:alert(1)//.png", local), null);
  assert.equal(f.imageUrl("pic", "https://x.test/a.png", local), "https://x.test/a.png");
  assert.equal(f.imageUrl("pic", "  ", local), null);
  assert.equal(f.imageUrl("other", "cat.png", local), null, "only the image column");
  assert.equal(f.imageUrl("pic", "cat.png", { imageColumn: null, itemId: "x" }), null, "a project without one");
  assert.equal(f.imageUrl("pic", 3, local), null);
});

void test("isImageFeatureField: COL:feature fields of an image path column, nothing else", async () => {
  const f = await load();
  const data = { file: "a/b.png", "file:hog:0:1:2": 0.3, note: "x", "note:len": 2, "ratio:1": 4 };
  assert.equal(f.isImageFeatureField("file:hog:0:1:2", data), true);
  assert.equal(f.isImageFeatureField("file", data), false);
  assert.equal(f.isImageFeatureField("note:len", data), false);
  assert.equal(f.isImageFeatureField("ratio:1", data), false);
});

void test("imageUrl: http(s) image paths, data:image URLs and image-named fields; never other schemes", async () => {
  const f = await load();
  assert.equal(f.imageUrl("photo", "https://x.test/a/cat.JPG?w=200"), "https://x.test/a/cat.JPG?w=200");
  assert.equal(f.imageUrl("anything", "http://x.test/p.webp"), "http://x.test/p.webp");
  assert.equal(f.imageUrl("thumb", "data:image/png;base64,iVBORw0KGgo="), "data:image/png;base64,iVBORw0KGgo=");
  assert.equal(f.imageUrl("image", "https://cdn.test/cat.jpg/resize"), "https://cdn.test/cat.jpg/resize");
  assert.equal(f.imageUrl("link", "https://cdn.test/cat.jpg/resize"), null);
  assert.equal(f.imageUrl("url", "https://x.test/page.html"), null);
  assert.equal(f.imageUrl("image", "javascript:alert(1)//.png"), null);
  assert.equal(f.imageUrl("image", "data:text/html;base64,PHNjcmlwdD4="), null);
  assert.equal(f.imageUrl("image", "data:image/svg+xml,<svg onload=alert(1)>"), null);
  assert.equal(f.imageUrl("image", "cat.png"), null);
  assert.equal(f.imageUrl("image", 42), null);
  assert.equal(f.imageUrl("image", null), null);
});

void test("why an item was picked, percents, counts and durations read well", async () => {
  const f = await load();
  assert.equal(f.describePick({ strategy: "margin", score: 0.931 }), "margin sampling, score 0.93");
  assert.equal(f.strategyName("least_confidence"), "least confidence sampling");
  assert.equal(f.strategyName("random"), "random");
  assert.equal(f.describePick({ strategy: "entropy", score: 0.0042 }), "entropy sampling, score 0.0042");
  assert.equal(f.formatPercent(0.874), "87%");
  assert.equal(f.formatPercent(0.001), "<1%");
  assert.equal(f.formatPercent(0.999), ">99%");
  assert.equal(f.formatInt(1797), "1,797");
  assert.equal(f.formatInt(-1234567), "-1,234,567");
  assert.equal(f.formatDuration(2345), "2.3 s");
  assert.equal(f.formatDuration(65_000), "1 min 05 s");
  assert.equal(f.formatDuration(null), "—");
  assert.equal(f.formatAgo(0, 2_000), "just now");
  assert.equal(f.formatAgo(0, 42_000), "42 s ago");
  assert.equal(f.formatAgo(0, 300_000), "5 min ago");
});

void test("pace counts labels per minute of time on screen (breaks excluded); server times in s, ms or ISO", async () => {
  const f = await load();
  assert.equal(f.pacePerMinute([]), null);
  assert.equal(f.pacePerMinute([{ shownAt: 0, labeledAt: 0 }]), null);
  assert.equal(f.pacePerMinute([{ shownAt: 0, labeledAt: 10_000 }, { shownAt: 10_000, labeledAt: 30_000 }]), 4);
  // A ten-minute break between two 10-second labels does not count as labeling time.
  assert.equal(f.pacePerMinute([{ shownAt: 0, labeledAt: 10_000 }, { shownAt: 610_000, labeledAt: 620_000 }]), 6);
  assert.equal(f.toMillis(1_700_000_000), 1_700_000_000_000);
  assert.equal(f.toMillis(1_700_000_000_000), 1_700_000_000_000);
  assert.equal(f.toMillis("2024-01-02T03:04:05Z"), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(f.toMillis("not a time"), null);
  assert.equal(f.toMillis(null), null);
});
