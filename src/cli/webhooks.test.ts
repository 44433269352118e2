import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { syntheticProject } from "../server/testing.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, "webhooks", ...args], { encoding: "utf8" });

void test("webhooks add prints a generated secret once; list, deliveries and remove; bad input names the option and exits 2", async () => {
  const { dir } = await syntheticProject(10, 2);
  try {
    const added = run(dir, "add", "http://127.0.0.1:9/hook", "--events", "label.created,model.retrained", "--json");
    assert.equal(added.status, 0, added.stderr);
    const w = JSON.parse(added.stdout) as { id: string; url: string; events: string[]; secret: string };
    assert.match(w.id, /^wh_[0-9a-f]{12}$/);
    assert.deepEqual(w.events, ["label.created", "model.retrained"]);
    assert.match(w.secret, /^[0-9a-f]{64}$/);
    const given = run(dir, "add", "https://hooks.example.com/x", "--secret", "a-given-secret-of-16+");
    assert.equal(given.status, 0, given.stderr);
    assert.ok(!given.stdout.includes("a-given-secret-of-16+") && !given.stdout.includes("signing secret"), "a given secret is not printed");
    const listed = run(dir, "list", "--json");
    assert.equal(listed.status, 0, listed.stderr);
    const hooks = JSON.parse(listed.stdout) as { id: string; url: string }[];
    assert.deepEqual(hooks.map((h) => h.url), ["http://127.0.0.1:9/hook", "https://hooks.example.com/x"]);
    assert.ok(!listed.stdout.includes(w.secret), "list never shows a secret");
    assert.match(run(dir, "list").stdout, /wh_[0-9a-f]{12}\s+http:\/\/127\.0\.0\.1:9\/hook\s+label\.created,model\.retrained/);
    assert.equal(run(dir, "deliveries").stdout.trim(), "no deliveries yet");
    assert.deepEqual(JSON.parse(run(dir, "deliveries", "--json").stdout), []);
    const removed = run(dir, "remove", w.id);
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal((JSON.parse(run(dir, "list", "--json").stdout) as unknown[]).length, 1);

    for (const [args, words] of [
      [["add", "ftp://x/y"], /URL must be an http:\/\/ or https:\/\/ URL, got the scheme "ftp"/],
      [["add", "http://127.0.0.1/", "--events", "label.create"], /--events: unknown event "label.create"; the events are label\.created/],
      [["add", "http://127.0.0.1/", "--secret", "short"], /--secret must be at least 16 characters/],
      [["remove", "wh_nope"], /no webhook with id "wh_nope"/],
      [["list", "--events", "label.created"], /option --events is for "webhooks DIR add", not "list"/],
      [["frob"], /unknown action "frob"/],
      [["add"], /webhooks add takes one URL, got none/],
    ] as const) {
      const r = run(dir, ...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, words, args.join(" "));
    }
    assert.equal((JSON.parse(run(dir, "list", "--json").stdout) as unknown[]).length, 1, "refused commands changed nothing");
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
