import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import test from "node:test";
import { exportLabels, labeledItems, PAGE_ROWS } from "../project/export.js";
import { openStore } from "../store/open.js";
import { startServer } from "./app.js";
import { call, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

/** GET p over a fresh connection; status, headers and body. */
function get(port: number, p: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: p, agent: false, timeout: 20_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

void test("labeledItems reads page by page and gives each item's latest label, in pool order", async () => {
  const n = PAGE_ROWS * 2 + 37;
  const { dir, dbPath } = await syntheticProject(n + 50, n);
  try {
    const store = openStore(dbPath);
    try {
      // Relabel one item on the second page, and undo a relabel on the first.
      store.addAnnotation({ itemIdx: PAGE_ROWS + 3, annotator: "ana", label: "ham", createdAt: 1, durationMs: null, predicted: null, audit: false });
      const id = store.addAnnotation({ itemIdx: 7, annotator: "ana", label: "ham", createdAt: 2, durationMs: null, predicted: null, audit: false });
      store.undoAnnotation(id, "ana", 3);
      const rows = [...labeledItems(store)];
      assert.equal(rows.length, n);
      assert.deepEqual(rows.map((r) => r.idx), Array.from({ length: n }, (_, i) => i));
      const current = new Map(store.currentLabels().map((c) => [c.itemIdx, c.label]));
      for (const r of rows) assert.equal(r.annotation.label, current.get(r.idx), `item ${r.idx}`);
      assert.equal(rows[PAGE_ROWS + 3].annotation.annotator, "ana");
      assert.equal(rows[7].annotation.annotator, "import");
      const chunks = [...exportLabels(store, "jsonl")];
      assert.equal(chunks.length, 3, "one chunk per page");
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("GET /api/export streams in chunks from the worker; labeling goes on while a client does not read", async () => {
  const n = 4000;
  const { dir, dbPath } = await syntheticProject(n + 100, n);
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0, retrainEvery: 1000 });
  try {
    const store = openStore(dbPath, { readonly: true });
    const expected = [...exportLabels(store, "csv")].join("");
    store.close();
    const r = await get(srv.port, "/api/export?format=csv");
    assert.equal(r.status, 200);
    assert.equal(r.headers["transfer-encoding"], "chunked", "streamed, not one string with a content-length");
    assert.equal(r.headers["content-length"], undefined);
    assert.equal(r.text, expected, "the same bytes as the CLI export");

    // A client that asks for an export and never reads: others keep labeling meanwhile.
    const stalled = net.connect(srv.port, "127.0.0.1");
    await new Promise<void>((resolve) => stalled.once("connect", resolve));
    stalled.pause();
    stalled.write("GET /api/export?format=jsonl HTTP/1.1\r\nhost: x\r\n\r\n");
    for (let i = 0; i < 20; i++) {
      const it = (await call(srv.url, "GET", "/api/next?annotator=bo")).body as ItemReply;
      assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(it.item.id)}/label`, { label: syntheticTruth(it.item.id), annotator: "bo" })).status, 201);
    }
    // It hangs up halfway: the server drops that export and goes on.
    stalled.destroy();
    const j = await get(srv.port, "/api/export?format=jsonl");
    assert.equal(j.text.trim().split("\n").length, n + 20, "the 20 new labels are in the next export");
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
