/**
 * Browser test of the dashboard: the learning curve, label bars, labels-saved number and the
 * annotator table drawn from /api/dashboard.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";
import type { FakeItem } from "./fake-server.js";
import { startTestServer } from "./test-server.js";

let browser: Browser | null = null;
before(async () => {
  if (skipBrowser === false) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

interface DashboardBody {
  curve: { labels: number; accuracy: number }[];
  byLabel: Record<string, number>;
  labelsSavedEstimate: number | null;
  annotators: { name: string; labels: number }[];
}

void test("the dashboard draws the learning curve, the label bars and the annotator table from the API", { skip: skipBrowser }, async () => {
  if (browser === null) throw new Error("browser not started");
  const labels = ["positive", "negative", "neutral"];
  const items: FakeItem[] = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, data: { ref: `r${i}`, text: `Review number ${i}` } }));
  const server = await startTestServer({ name: "reviews", labels, textColumn: "text", items });
  try {
    // 15 labels through the API, as an annotator's browser would send them, at a human pace:
    // after every 5 the test waits for the retrain they trigger, so each model is measured on the
    // labels that come after it (the learning curve's points).
    const iterations = async (): Promise<number> => ((await (await fetch(`${server.url}/api/stats`)).json()) as { iterations: number }).iterations;
    for (let n = 0; n < 15; n++) {
      const res = await fetch(`${server.url}/api/next?annotator=bob`);
      assert.equal(res.status, 200);
      const { item } = (await res.json()) as { item: { id: string } };
      const before = n % 5 === 4 ? await iterations() : 0;
      const post = await fetch(`${server.url}/api/items/${encodeURIComponent(item.id)}/label`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ label: labels[n % 5 === 0 ? 2 : n % 2], annotator: "bob", durationMs: 1500 + n * 100 }),
      });
      assert.equal(post.status, 201);
      if (n % 5 === 4) {
        for (let wait = 0; wait < 100 && (await iterations()) <= before; wait++) await new Promise((r) => setTimeout(r, 50));
      }
    }

    const { page, errors, close } = await openPage(browser, `${server.url}/dashboard`);
    try {
      await page.waitForSelector("body[data-loaded] svg.curve circle.point");
      const dash = (await (await fetch(`${server.url}/api/dashboard`)).json()) as DashboardBody;
      assert.ok(dash.curve.length > 0);
      assert.equal(await page.locator("svg.curve circle.point").count(), dash.curve.length);
      assert.match((await page.locator("svg.curve path.line").getAttribute("d")) ?? "", /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)*$/);

      const bars = page.locator("svg.bars rect.bar");
      assert.equal(await bars.count(), labels.length);
      const names: (string | null)[] = [];
      const widths: number[] = [];
      for (let i = 0; i < labels.length; i++) {
        names.push(await bars.nth(i).getAttribute("data-label"));
        widths.push(Number(await bars.nth(i).getAttribute("width")));
      }
      assert.deepEqual(names, labels);
      // Bar lengths follow the counts.
      const counts = labels.map((l) => dash.byLabel[l] ?? 0);
      for (let i = 0; i < labels.length; i++) {
        for (let j = 0; j < labels.length; j++) if (counts[i] > counts[j]) assert.ok(widths[i] > widths[j], `bar ${labels[i]} longer than ${labels[j]}`);
      }
      const values = await page.locator("svg.bars text.bar-value").allTextContents();
      assert.deepEqual(
        values.map((v) => Number(v.split(" ")[0])),
        counts,
      );

      if (dash.labelsSavedEstimate !== null) assert.match((await page.locator("#kpi-saved").textContent()) ?? "", new RegExp(String(dash.labelsSavedEstimate)));
      assert.match((await page.locator("#kpi-labeled").textContent()) ?? "", /^15$/);
      const row = page.locator("table.annotators tbody tr");
      assert.equal(await row.count(), 1);
      assert.match((await row.textContent()) ?? "", /^bob15/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  } finally {
    await server.close();
  }
});
