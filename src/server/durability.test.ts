import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../cli/main.js");

void test("every label the API acknowledged survives kill -9 of the server", async () => {
  const { dir, dbPath } = await syntheticProject(400, 4);
  const child = spawn(process.execPath, [MAIN, "serve", dir, "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/[\d.]+:\d+\//.exec(out);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
      child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
    const acked: { id: string; label: string; annotator: string }[] = [];
    let killed = false;
    const annotator = async (name: string): Promise<void> => {
      for (let i = 0; i < 200 && !killed; i++) {
        try {
          const r = await fetch(new URL(`/api/next?annotator=${name}`, url));
          if (r.status !== 200) return;
          const { item } = (await r.json()) as ItemReply;
          const label = syntheticTruth(item.id);
          const res = await fetch(new URL(`/api/items/${item.id}/label`, url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ label, annotator: name }) });
          if (res.status === 201) acked.push({ id: item.id, label, annotator: name });
          await res.text();
        } catch {
          return; // the server is gone
        }
      }
    };
    const loops = ["a1", "a2", "a3", "a4"].map(annotator);
    // Kill while labels are still arriving.
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    child.kill("SIGKILL");
    await Promise.all(loops);
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
    assert.ok(acked.length >= 60);
    const db = new Database(dbPath, { fileMustExist: true });
    try {
      const has = db.prepare<[string, string, string], { n: number }>("SELECT count(*) AS n FROM annotations a JOIN items i ON i.idx = a.item_idx WHERE i.id = ? AND a.annotator = ? AND a.label = ?");
      for (const a of acked) assert.equal(has.get(a.id, a.annotator, a.label)?.n, 1, `acknowledged label of ${a.id} by ${a.annotator} is missing`);
    } finally {
      db.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
