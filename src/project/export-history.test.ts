import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { runExport } from "../cli/export.js";
import { startServer } from "../server/app.js";
import { call } from "../server/testing.js";
import { openStore } from "../store/open.js";
import { initProject, projectDbPath } from "./init.js";

void test("export --all-annotations: one row per record (labels, relabels, undos, skips, unskips) beside the final labels, CLI and API, formula-guarded", async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-history-"));
  try {
    const data = path.join(base, "items.csv");
    fs.writeFileSync(data, "id,text,seed_label\n=a0,x,spam\na1,y,\na2,z,\n");
    const dir = path.join(base, "proj");
    await initProject({ dir, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id" });
    const srv = await startServer({ projectDir: dir, port: 0, quiet: true });
    try {
      const u = srv.url;
      const ok = async (method: string, p: string, body?: unknown): Promise<void> => {
        const r = await call(u, method, p, body);
        assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
      };
      await ok("POST", "/api/items/a1/label", { label: "spam", annotator: "ana", durationMs: 1500 });
      await ok("POST", "/api/items/a1/label", { label: "ham", annotator: "ana", durationMs: 700 });
      await ok("DELETE", "/api/items/a1/label?annotator=ana");
      await ok("POST", "/api/items/a2/skip", { annotator: "@bo" });
      await ok("DELETE", "/api/items/a2/skip?annotator=%40bo");
      let r = await call(u, "DELETE", "/api/items/a2/skip");
      assert.equal(r.status, 400, "the annotator is required");
      assert.equal((await call(u, "DELETE", "/api/items/nope/skip?annotator=ana")).status, 404);
      r = await call(u, "DELETE", "/api/items/a2/skip?annotator=%40bo");
      assert.equal(r.status, 404, "no skip left to take back");
      assert.match(r.text, /@bo has no skip of item \\"a2\\" to undo/);
      r = await call(u, "GET", "/api/export?format=jsonl&annotations=all");
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get("content-disposition") ?? "", /-annotations\.jsonl"$/);
      const rows = r.text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        rows.map((x) => [x.id, x.annotator, x.label, x.kind, x.durationMs, x.audit]),
        [
          ["=a0", "import", "spam", "import", null, false],
          ["a1", "ana", "spam", "label", 1500, false],
          ["a1", "ana", "ham", "relabel", 700, false],
          ["a1", "ana", "ham", "undo", null, false],
          ["a2", "@bo", null, "skip", null, false],
          ["a2", "@bo", null, "unskip", null, false],
        ],
      );
      for (const x of rows) assert.match(String(x.at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const csv = (await call(u, "GET", "/api/export?format=csv&annotations=all")).text;
      const lines = csv.trim().split("\r\n");
      assert.equal(lines[0], "id,annotator,label,kind,at,duration_ms,audit");
      assert.ok(lines[1].startsWith("'=a0,import,spam,import,"), lines[1]);
      assert.ok(lines[2].startsWith("a1,ana,spam,label,") && lines[2].endsWith(",1500,false"), lines[2]);
      assert.ok(lines[5].startsWith("a2,'@bo,,skip,"), lines[5]);
      assert.equal((await call(u, "GET", "/api/export?format=csv&annotations=some")).status, 400);
      // The final-label export is unchanged: a1 is back at ana's first label, the undone relabel and the skip are not in it.
      const finals = (await call(u, "GET", "/api/export?format=jsonl")).text.trim().split("\n");
      assert.deepEqual(finals.map((l) => { const x = JSON.parse(l) as { id: string; label: string }; return [x.id, x.label]; }), [["=a0", "spam"], ["a1", "spam"]]);
    } finally {
      await srv.close();
    }
    const out = path.join(base, "history.csv");
    assert.equal(await runExport([dir, "--all-annotations", "--format", "csv", "--out", out]), 0);
    const file = fs.readFileSync(out, "utf8").trim().split("\r\n");
    assert.equal(file.length, 7);
    assert.deepEqual(file.slice(1).map((l) => l.split(",")[3]), ["import", "label", "relabel", "undo", "skip", "unskip"]);
    const store = openStore(projectDbPath(dir), { readonly: true });
    try {
      assert.equal(store.historyPage(0, 100).length, 6, "nothing deleted");
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
