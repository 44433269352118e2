import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { Rng } from "../linalg/rng.js";
import { initProject, projectDbPath } from "../project/init.js";
import { accuracyBelow, underLabeled } from "../quality/slices.js";
import { openStore } from "../store/open.js";
import { startServer } from "./app.js";
import type { SliceFigures } from "./slice-figures.js";
import { call, syntheticText, syntheticTruth, type ItemReply } from "./testing.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * 200 synthetic items: "north" (items 0-99) and "south" (100-199), a numeric length; the 40 seed
 * labels are all on north items, so south (half the pool) has none of the imported labels.
 */
function writeRegions(dir: string): string {
  const rng = new Rng(7);
  const rows = ["id,text,region,length,seed_label"];
  for (let i = 0; i < 200; i++) {
    const id = `item-${i}`;
    const text = syntheticText(rng, syntheticTruth(id) === "spam");
    rows.push(`${id},${text},${i < 100 ? "north" : "south"},${text.length},${i < 40 ? syntheticTruth(id) : ""}`);
  }
  const file = path.join(dir, "regions.csv");
  fs.writeFileSync(file, rows.join("\n") + "\n");
  return file;
}

void test("init --slice: a missing column is refused naming the option and the column; an id-like column is refused; nothing is created", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-slices-"));
  try {
    const data = writeRegions(dir);
    const proj = path.join(dir, "proj");
    await assert.rejects(
      initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", slices: ["regoin"] }),
      (e: unknown) => e instanceof Error && /option --slice: no column named "regoin" \(did you mean "region"\?\)/.test(e.message),
    );
    await assert.rejects(
      initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", slices: ["text"] }),
      (e: unknown) => e instanceof Error && /column "text", option --slice: \d+ distinct values; a slice column may have at most 50/.test(e.message),
    );
    await assert.rejects(initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", slices: ["seed_label"] }), /--slice names the label column "seed_label"/);
    assert.equal(fs.existsSync(proj), false, "a refused init leaves no project");
    await initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", slices: ["region", "length"] });
    const store = openStore(projectDbPath(proj), { readonly: true });
    assert.deepEqual(store.meta().slices, ["region", "length"]);
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test("the served dashboard's slices: shares of the pool and of the labels, audit-pick accuracy per value, flags by the rules, cluster coverage", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-slices-"));
  const proj = path.join(dir, "proj");
  try {
    await initProject({ dir: proj, data: writeRegions(dir), labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", slices: ["region", "length"], retrainEvery: 10 });
    // Every served item an audit pick: the slice accuracies rest on them.
    const srv = await startServer({ projectDir: proj, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 1 });
    let regionSeen: SliceFigures["columns"][number] | undefined;
    try {
      await srv.project.idle();
      const labeledIds = new Set<string>(Array.from({ length: 40 }, (_, i) => `item-${i}`));
      for (let k = 0; k < 30; k++) {
        const r = await call(srv.url, "GET", "/api/next?annotator=ana");
        assert.equal(r.status, 200, r.text);
        const { item } = r.body as ItemReply;
        assert.equal((await call(srv.url, "POST", `/api/items/${item.id}/label`, { label: syntheticTruth(item.id), annotator: "ana" })).status, 201);
        labeledIds.add(item.id);
        await srv.project.idle();
      }
      await srv.project.idle();
      const dash = (await call(srv.url, "GET", "/api/dashboard")).body as { slices?: SliceFigures; accuracy: { headline: { n: number } } };
      const s = dash.slices;
      assert.ok(s !== undefined, "a project with slices has them on the dashboard");
      assert.deepEqual(s.columns.map((c) => [c.column, c.kind]), [["region", "values"], ["length", "quartiles"]]);
      const region = s.columns[0];
      assert.equal(region.pool, 200);
      assert.equal(region.labels, labeledIds.size);
      const byValue = new Map(region.rows.map((r) => [r.value, r]));
      const idxOf = (id: string): number => Number(id.slice(5));
      const southLabels = [...labeledIds].filter((id) => idxOf(id) >= 100).length;
      assert.deepEqual([byValue.get("north")?.pool, byValue.get("south")?.pool], [100, 100]);
      assert.deepEqual([byValue.get("north")?.labels, byValue.get("south")?.labels], [labeledIds.size - southLabels, southLabels]);
      assert.equal(byValue.get("south")?.pool_share, 0.5);
      assert.equal(byValue.get("south")?.label_share, Math.round((southLabels / labeledIds.size) * 1e4) / 1e4);

      // The accuracies rest on the audit picks the latest retrain cross-validated: as many as the headline's n.
      const store = openStore(projectDbPath(proj), { readonly: true });
      const picks = store.iterations().at(-1)?.assessment?.auditPicks;
      store.close();
      assert.ok(picks !== undefined && picks.items.length > 0, "the retrain stored the audit picks' scores");
      assert.equal(region.n, picks.items.length);
      assert.equal(region.n, dash.accuracy.headline.n);
      assert.equal(region.rows.reduce((t, r) => t + r.n, 0), region.n);
      const wrong = new Set(picks.wrong);
      for (const value of ["north", "south"]) {
        const mine: number[] = picks.items.filter((i) => (i < 100 ? "north" : "south") === value);
        const right = mine.filter((i) => !wrong.has(i)).length;
        const row = byValue.get(value)!;
        assert.equal(row.n, mine.length, value);
        assert.equal(row.accuracy, mine.length === 0 ? null : Math.round((right / mine.length) * 1e4) / 1e4, value);
        // The flags are the rules applied to these counts.
        const expected: string[] = [
          ...(underLabeled(row.pool, row.labels, region.pool, region.labels) ? ["under-labeled"] : []),
          ...(accuracyBelow(right, mine.length, region.accuracy) ? ["accuracy below the whole"] : []),
        ];
        assert.deepEqual(row.flags, expected, value);
      }
      // Audit picks are uniform, so south gets about half the new labels but none of the 40 imported ones.
      assert.ok(southLabels < 0.25 * labeledIds.size, `south has ${southLabels} of ${labeledIds.size} labels`);
      assert.ok(byValue.get("south")?.flags.includes("under-labeled"));
      assert.ok(region.findings.some((f) => /^the project took \d+% of its labels from region = south, but region = south is 50% of the pool/.test(f)), region.findings.join("; "));

      const length = s.columns[1];
      assert.equal(length.rows.reduce((t, r) => t + r.pool, 0), 200);
      assert.ok(length.rows.length >= 2 && length.rows.length <= 4);

      assert.ok(s.clusters !== null, "the first retrain clustered the pool");
      assert.equal(s.clusters.k, 10); // min(20, 200 / 20)
      assert.equal(s.clusters.clusters.reduce((t, c) => t + c.pool, 0), 200);
      assert.equal(s.clusters.clusters.reduce((t, c) => t + c.labels, 0), labeledIds.size);
      assert.equal(s.clusters.covered, s.clusters.clusters.filter((c) => c.labels > 0).length);
      assert.match(s.method, /5-fold cross-validation/);
      regionSeen = region;
    } finally {
      await srv.close();
    }
    // status --json reads the same slice tables from the store, without a server.
    const st = spawnSync(process.execPath, [path.join(root, "dist", "src", "cli", "main.js"), "status", proj, "--json"], { encoding: "utf8" });
    assert.equal(st.status, 0, st.stderr);
    const status = JSON.parse(st.stdout) as { slices?: { columns: SliceFigures["columns"] } };
    assert.deepEqual(status.slices?.columns[0], regionSeen);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test("a project without slices has no slices field on the dashboard", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-slices-"));
  const proj = path.join(dir, "proj");
  try {
    await initProject({ dir: proj, data: writeRegions(dir), labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id" });
    const srv = await startServer({ projectDir: proj, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
    try {
      await srv.project.idle();
      const dash = (await call(srv.url, "GET", "/api/dashboard")).body as Record<string, unknown>;
      assert.equal("slices" in dash, false);
    } finally {
      await srv.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
