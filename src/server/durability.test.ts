import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { addUser } from "../auth/users.js";
import { openStore } from "../store/open.js";
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

void test("with accounts on: every label acknowledged to a token's user survives kill -9, attributed to that user", async () => {
  const { dir, dbPath } = await syntheticProject(400, 4);
  const tokens = new Map<string, string>();
  const store = openStore(dbPath);
  try {
    await addUser(store, "root", "admin");
    for (const name of ["ann-1", "ann-2", "rev-1"]) tokens.set(name, (await addUser(store, name, name.startsWith("rev") ? "reviewer" : "annotator")).token);
  } finally {
    store.close();
  }
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
    // Accounts are on: a request without a token is refused.
    assert.equal((await fetch(new URL("/api/next", url))).status, 401);
    const acked: { id: string; label: string; user: string }[] = [];
    let killed = false;
    const labeler = async (user: string, token: string): Promise<void> => {
      const auth = { authorization: `Bearer ${token}` };
      for (let i = 0; i < 200 && !killed; i++) {
        try {
          const r = await fetch(new URL("/api/next", url), { headers: auth });
          if (r.status !== 200) return;
          const { item } = (await r.json()) as ItemReply;
          const label = syntheticTruth(item.id);
          // No annotator field: the acting user is the token's.
          const res = await fetch(new URL(`/api/items/${encodeURIComponent(item.id)}/label`, url), { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ label }) });
          if (res.status === 201) acked.push({ id: item.id, label, user });
          await res.text();
        } catch {
          return; // the server is gone
        }
      }
    };
    const loops = [...tokens].map(([user, token]) => labeler(user, token));
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    child.kill("SIGKILL");
    await Promise.all(loops);
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
    assert.equal(child.signalCode, "SIGKILL");
    assert.ok(acked.length >= 60);
    assert.ok(new Set(acked.map((a) => a.user)).size === 3, "all three users labeled");
    // Reopened (as the next serve would): every acknowledged label is there, under the token's user.
    const db = new Database(dbPath, { fileMustExist: true });
    try {
      const by = db.prepare<[string, string], { annotator: string }>("SELECT a.annotator FROM annotations a JOIN items i ON i.idx = a.item_idx WHERE i.id = ? AND a.label = ?");
      for (const a of acked) assert.deepEqual(by.all(a.id, a.label).map((r) => r.annotator), [a.user], `acknowledged label of ${a.id} by ${a.user}`);
    } finally {
      db.close();
    }
    const reopened = openStore(dbPath);
    try {
      assert.deepEqual(reopened.users().map((u) => u.name).sort(), ["ann-1", "ann-2", "rev-1", "root"], "the accounts are intact");
    } finally {
      reopened.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
