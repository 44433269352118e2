/**
 * Browser test of the dashboard: the stopping advice and its criteria, the headline accuracy (or
 * why there is none yet), the learning curve with its interval band, label bars, labels-saved
 * number and the annotator table drawn from /api/dashboard.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";
import { startTestServer, type TestItem } from "./test-server.js";

let browser: Browser | null = null;
before(async () => {
  if (skipBrowser === false) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

interface DashboardBody {
  curve: { labels: number; accuracy: number; n: number; low: number; high: number }[];
  accuracy: { headline: { value: number | null; low: number | null; high: number | null; n: number; text: string } };
  advice: { stop: boolean; sentence: string; criteria: { name: string; state: string; reason: string }[] };
  byLabel: Record<string, number>;
  labelsSavedEstimate: number | null;
  labelsSavedRange?: [number, number] | null;
  annotators: { name: string; labels: number }[];
}

void test("the dashboard draws the advice, the accuracy with its interval, the learning curve with its band, the label bars and the annotator table from the API", { skip: skipBrowser }, async () => {
  if (browser === null) throw new Error("browser not started");
  const labels = ["positive", "negative", "neutral"];
  const items: TestItem[] = Array.from({ length: 60 }, (_, i) => ({ data: { ref: `r${i}`, text: `Review number ${i}` } }));
  // Every 2nd item served is a random audit pick, so 35 labels give the 10 a figure needs, with room to spare.
  // A budget of 30 labels: reached before the last of the 35.
  const server = await startTestServer({ name: "reviews", labels, textColumn: "text", items, auditEvery: 2, budget: 30 });
  try {
    // 35 labels through the API, as an annotator's browser would send them, at a human pace:
    // after every 5 the test waits for the retrain they trigger, so each model is measured on the
    // labels that come after it (the learning curve's points).
    const iterations = async (): Promise<number> => ((await (await fetch(`${server.url}/api/stats`)).json()) as { iterations: number }).iterations;
    const TOTAL = 35;
    for (let n = 0; n < TOTAL; n++) {
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
      if (n === 4) {
        // Too few random picks yet: no headline figure, and the page says why.
        const early = await openPage(browser, `${server.url}/dashboard`);
        try {
          await early.page.waitForSelector("body[data-loaded] #advice:not([hidden])");
          assert.equal(await early.page.locator("#kpi-accuracy").textContent(), "—");
          assert.match((await early.page.locator("#kpi-accuracy-note").textContent()) ?? "", /^Not enough random picks yet \(\d of 10\)\.$/);
          assert.equal(await early.page.locator("#advice-title").textContent(), "Keep labeling");
          assert.equal(await early.page.locator("#goal-budget").textContent(), "Budget: 5 of 30 labels");
          assert.equal(await early.page.locator("svg.curve").count(), 0, "no curve from fewer than 10 random picks");
          assert.deepEqual(early.errors, []);
        } finally {
          await early.close();
        }
      }
    }

    const { page, errors, close } = await openPage(browser, `${server.url}/dashboard`);
    try {
      await page.waitForSelector("body[data-loaded] svg.curve circle.point");
      const dash = (await (await fetch(`${server.url}/api/dashboard`)).json()) as DashboardBody;
      assert.ok(dash.curve.length > 0);
      assert.equal(await page.locator("svg.curve circle.point").count(), dash.curve.length);
      assert.match((await page.locator("svg.curve path.line").getAttribute("d")) ?? "", /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)*$/);
      // The 95% interval as a band: a closed path through 2 points per curve point.
      const band = (await page.locator("svg.curve path.band").getAttribute("d")) ?? "";
      assert.match(band, /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)*Z$/);
      assert.equal(band.split(/[ML]/).filter((p) => p !== "").length, 2 * dash.curve.length);
      for (const p of dash.curve) assert.ok(p.n >= 10 && p.low <= p.accuracy && p.accuracy <= p.high, JSON.stringify(p));

      // The headline accuracy with its interval and n; the advice with one row per criterion.
      const h = dash.accuracy.headline;
      assert.ok(h.value !== null && h.low !== null && h.high !== null);
      assert.equal(await page.locator("#kpi-accuracy").textContent(), `${(100 * h.value).toFixed(1)}%`);
      assert.equal(await page.locator("#kpi-accuracy-note").textContent(), `95% interval ${(100 * h.low).toFixed(1)}%–${(100 * h.high).toFixed(1)}%, on ${h.n} random picks`);
      assert.equal(await page.locator("#advice-title").textContent(), "You can stop now");
      assert.equal(await page.locator("#advice").getAttribute("data-stop"), "true");
      assert.equal(await page.locator("#goal-budget").textContent(), "Budget of 30 labels reached");
      assert.equal(await page.locator("#goal-target").count(), 0, "no target set");
      const rows = page.locator("#criteria tr");
      assert.equal(await rows.count(), 6);
      for (let i = 0; i < 6; i++) {
        const c = dash.advice.criteria[i];
        assert.equal(await rows.nth(i).getAttribute("data-criterion"), c.name);
        assert.equal(await rows.nth(i).getAttribute("data-state"), c.state);
        assert.equal(await rows.nth(i).locator("td").last().textContent(), c.reason);
      }
      assert.ok(dash.advice.sentence.endsWith((await page.locator("#advice-sentence").textContent())!.slice(1)));
      assert.equal(await page.locator("#accuracy-others li").count(), 2, "the headline and the accuracy on hard items");
      assert.match((await page.locator("#accuracy-others li[data-kind=hard_items]").textContent()) ?? "", /accuracy on hard items/i);

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

      if (dash.labelsSavedEstimate !== null) {
        // A saving is claimed only when its interval lies above zero.
        const claimed = dash.labelsSavedRange == null || dash.labelsSavedRange[0] > 0;
        assert.match((await page.locator("#kpi-saved").textContent()) ?? "", claimed ? new RegExp(String(dash.labelsSavedEstimate)) : /^—$/);
      }
      assert.match((await page.locator("#kpi-labeled").textContent()) ?? "", new RegExp(`^${TOTAL}$`));
      const row = page.locator("table.annotators tbody tr");
      assert.equal(await row.count(), 1);
      assert.match((await row.textContent()) ?? "", new RegExp(`^bob${TOTAL}`));
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  } finally {
    await server.close();
  }
});
