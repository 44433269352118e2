import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { authenticate, loginWithPassword } from "../auth/authenticate.js";
import { rawBytes } from "../auth/test-support.js";
import { projectDbPath } from "../project/init.js";
import { writeSyntheticCsv } from "../server/testing.js";
import { openStore } from "../store/open.js";
import { checkExposure } from "./serve.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]): { code: number | null; out: string; err: string } => runWith("", ...args);
const runWith = (input: string, ...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", input });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** The user a token logs in as, read from the project's store. */
async function whoIs(dir: string, token: string): Promise<string | null> {
  const store = openStore(projectDbPath(dir), { readonly: true });
  try {
    return (await authenticate(store, token))?.name ?? null;
  } finally {
    store.close();
  }
}

void test("init --admin, then users add/list/reset/remove from the command line; tokens shown once, never stored", async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-users-"));
  try {
    const data = writeSyntheticCsv(base, 30, 0);
    const dir = path.join(base, "proj");
    let r = run("init", dir, "--data", data, "--labels", "spam,ham", "--text", "text", "--id", "id", "--admin", "root");
    assert.equal(r.code, 0, r.err);
    const adminToken = /admin "root"; login token, shown only now:\n(\S+)\n/.exec(r.out)?.[1];
    assert.ok(adminToken !== undefined, r.out);
    assert.equal(await whoIs(dir, adminToken), "root");
    assert.doesNotThrow(() => checkExposure(dir, "0.0.0.0"), "with an admin, serve may listen beyond loopback");

    r = run("users", dir, "add", "ana", "--role", "annotator", "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split("\n").length, 2, "exactly one line");
    const added = JSON.parse(r.out) as { name: string; role: string; token: string };
    assert.deepEqual(Object.keys(added), ["name", "role", "token"]);
    assert.equal(added.name, "ana");
    assert.equal(added.role, "annotator");
    assert.equal(await whoIs(dir, added.token), "ana");

    r = run("users", dir, "add", "bo", "--role", "reviwer");
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown role "reviwer" \(did you mean "reviewer"\?\)/);
    r = run("users", dir, "add", "ana", "--role", "viewer");
    assert.equal(r.code, 2);
    assert.match(r.err, /a user named "ana" already exists/);
    r = run("users", dir, "frob", "--role", "x");
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown users action "frob"/);
    assert.match(r.err, /option --role goes only with add/, "every problem at once");

    r = run("users", dir, "list", "--json");
    assert.equal(r.code, 0, r.err);
    const listed = JSON.parse(r.out) as { name: string; role: string }[];
    assert.deepEqual(listed.map((u) => `${u.name}:${u.role}`), ["root:admin", "ana:annotator"]);
    assert.doesNotMatch(r.out, /token|scrypt/i, "no secrets in the list");
    r = run("users", dir, "list");
    assert.match(r.out, /ana\s+annotator/);

    r = run("users", dir, "reset", "ana");
    assert.equal(r.code, 0, r.err);
    const fresh = /login token, shown only now:\n(\S+)\n/.exec(r.out)?.[1] ?? "";
    assert.equal(await whoIs(dir, fresh), "ana");
    assert.equal(await whoIs(dir, added.token), null, "the old token stopped working");

    const bytes = rawBytes(projectDbPath(dir));
    for (const t of [adminToken, added.token, fresh]) assert.equal(bytes.includes(Buffer.from(t.split(".")[1])), false, "a token in clear in the database file");

    r = runWith("short\n", "users", dir, "password", "ana");
    assert.equal(r.code, 2);
    assert.match(r.err, /a password must have 8 to 1024 characters, got 5/);
    r = runWith("correct horse battery\nignored\n", "users", dir, "password", "ana");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /password set for "ana"/);
    const store = openStore(projectDbPath(dir), { readonly: true });
    try {
      assert.equal((await loginWithPassword(store, "ana", "correct horse battery"))?.name, "ana");
    } finally {
      store.close();
    }
    assert.equal(rawBytes(projectDbPath(dir)).includes(Buffer.from("correct horse battery")), false, "a password in clear in the database file");

    r = run("users", dir, "remove", "anna");
    assert.equal(r.code, 2);
    assert.match(r.err, /no user named "anna" \(did you mean "ana"\?\)/);
    r = run("users", dir, "remove", "root");
    assert.equal(r.code, 2);
    assert.match(r.err, /only admin/);
    r = run("users", dir, "remove", "ana");
    assert.equal(r.code, 0, r.err);
    assert.equal(await whoIs(dir, fresh), null);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("init --admin with a bad name creates nothing; serve beyond loopback refuses a project without an admin", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-users-"));
  try {
    const data = writeSyntheticCsv(base, 30, 0);
    const dir = path.join(base, "proj");
    let r = run("init", dir, "--data", data, "--labels", "spam,ham", "--text", "text", "--admin", "a\u0007b");
    assert.equal(r.code, 2);
    assert.match(r.err, /--admin "a\\u0007b" must not contain control characters/);
    assert.equal(fs.existsSync(dir), false);
    r = run("init", dir, "--data", data, "--labels", "spam,ham", "--text", "text");
    assert.equal(r.code, 0, r.err);
    assert.throws(() => checkExposure(dir, "10.1.2.3"), /option --host 10\.1\.2\.3: not loopback/);
    assert.doesNotThrow(() => checkExposure(dir, "127.0.0.1"));
    r = run("serve", dir, "--host", "0.0.0.0", "--port", "0");
    assert.equal(r.code, 2);
    assert.match(r.err, /option --host 0\.0\.0\.0: not loopback, and the project has no admin account/);
    r = run("users", dir, "list");
    assert.match(r.out, /no users: the project is in single-user mode/);
    r = run("demo", "--dir", path.join(base, "demo"), "--host", "0.0.0.0");
    assert.equal(r.code, 2);
    assert.match(r.err, /option --host 0\.0\.0\.0: not loopback, and the project has no admin account/);
    assert.equal(fs.existsSync(path.join(base, "demo")), false, "refused before building anything");
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
