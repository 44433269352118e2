import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { BadOptionError, ConflictError, NotFoundError } from "../errors.js";
import { openStore } from "../store/open.js";
import { authenticate, loginWithPassword, VerifiedTokens } from "./authenticate.js";
import { addUser, hasAccounts, hasAdmin, listUsers, removeUser, resetToken, setDisabled, setPassword } from "./users.js";
import { rawBytes, withStore } from "./test-support.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../src/store/fixtures/v1-project.db");

void test("an added user logs in with the token shown once; a wrong, altered or other user's token does not", () =>
  withStore(async (store) => {
    assert.equal(hasAccounts(store), false);
    const ana = await addUser(store, "  ana ", "annotator", 1234);
    const bo = await addUser(store, "bo", "admin");
    assert.deepEqual(ana.user, { id: ana.user.id, name: "ana", role: "annotator", createdAt: 1234, disabled: false, hasPassword: false });
    assert.match(ana.token, new RegExp(`^${ana.user.id}\\.[A-Za-z0-9_-]{43}$`));
    assert.equal((await authenticate(store, ana.token))?.name, "ana");
    assert.equal((await authenticate(store, bo.token))?.role, "admin");
    const secret = ana.token.split(".")[1];
    const flipped = secret[0] === "A" ? "B" + secret.slice(1) : "A" + secret.slice(1);
    for (const bad of [null, undefined, "", "nonsense", `${ana.user.id}.${flipped}`, `${bo.user.id}.${secret}`, `999.${secret}`]) assert.equal(await authenticate(store, bad), null, String(bad));
    assert.equal(hasAccounts(store), true);
    assert.equal(hasAdmin(store), true);
    assert.deepEqual(listUsers(store).map((u) => `${u.name}:${u.role}`), ["ana:annotator", "bo:admin"]);
  }));

void test("the database file never holds a token, a password or a session id in clear", () =>
  withStore(async (store) => {
    const { token } = await addUser(store, "ana", "admin");
    const again = await resetToken(store, "ana");
    await setPassword(store, "ana", "a long passphrase");
    const { createSession } = await import("./sessions.js");
    const session = createSession(store, again.user.id, Date.now());
    const bytes = rawBytes(store.path);
    assert.ok(bytes.length > 0);
    for (const secret of [token, token.split(".")[1], again.token.split(".")[1], "a long passphrase", session.id]) {
      assert.equal(bytes.includes(Buffer.from(secret)), false, `found in the file: ${secret}`);
    }
    assert.ok(bytes.includes(Buffer.from("scrypt$16384$8$1$")), "the hashes are there");
  }));

void test("reset: the old token stops working, the new one works, sessions end", () =>
  withStore(async (store) => {
    const cache = new VerifiedTokens();
    const first = await addUser(store, "ana", "reviewer");
    assert.equal((await authenticate(store, first.token, cache))?.name, "ana");
    assert.equal(cache.size, 1);
    const { createSession, verifySession } = await import("./sessions.js");
    const s = createSession(store, first.user.id, 0);
    const second = await resetToken(store, "ana");
    assert.notEqual(second.token, first.token);
    assert.equal(await authenticate(store, first.token, cache), null, "the cache does not outlive a reset");
    assert.equal(await authenticate(store, first.token), null);
    assert.equal((await authenticate(store, second.token, cache))?.name, "ana");
    assert.equal(verifySession(store, s.id, 1), null);
  }));

void test("a disabled or removed account's token stops working, cached or not", () =>
  withStore(async (store) => {
    const cache = new VerifiedTokens();
    const ana = await addUser(store, "ana", "annotator");
    await addUser(store, "root", "admin");
    assert.notEqual(await authenticate(store, ana.token, cache), null);
    setDisabled(store, "ana", true);
    assert.equal(await authenticate(store, ana.token, cache), null);
    setDisabled(store, "ana", false);
    assert.notEqual(await authenticate(store, ana.token, cache), null);
    assert.equal(removeUser(store, "ana").name, "ana");
    assert.equal(await authenticate(store, ana.token, cache), null);
    assert.deepEqual(listUsers(store).map((u) => u.name), ["root"]);
  }));

void test("bad names and roles, taken names and unknown users are errors that say which", () =>
  withStore(async (store) => {
    await addUser(store, "ana", "admin");
    await assert.rejects(addUser(store, "ana", "viewer"), (e: unknown) => e instanceof ConflictError && /a user named "ana" already exists/.test(e.message));
    await assert.rejects(addUser(store, "bo", "reviwer"), (e: unknown) => e instanceof BadOptionError && /unknown role "reviwer" \(did you mean "reviewer"\?\); the roles are admin, reviewer, annotator, viewer/.test(e.message));
    await assert.rejects(addUser(store, "a\u202eb", "viewer"), (e: unknown) => e instanceof BadOptionError && /bidirectional control/.test(e.message));
    await assert.rejects(resetToken(store, "anna"), (e: unknown) => e instanceof NotFoundError && /no user named "anna" \(did you mean "ana"\?\); the users are "ana"/.test(e.message));
    assert.throws(() => removeUser(store, "zed"), NotFoundError);
    assert.deepEqual(listUsers(store).map((u) => u.name), ["ana"], "nothing changed");
  }));

void test("the only admin cannot be removed while other accounts remain; the last account can", () =>
  withStore(async (store) => {
    await addUser(store, "root", "admin");
    await addUser(store, "ana", "annotator");
    assert.throws(() => removeUser(store, "root"), (e: unknown) => e instanceof ConflictError && /only admin/.test(e.message));
    await addUser(store, "second", "admin");
    removeUser(store, "root");
    removeUser(store, "ana");
    removeUser(store, "second");
    assert.equal(hasAccounts(store), false);
  }));

void test("password login: right password only, unknown names and accounts without one refused", () =>
  withStore(async (store) => {
    await addUser(store, "ana", "annotator");
    assert.equal(await loginWithPassword(store, "ana", "anything at all"), null, "no password set");
    await assert.rejects(setPassword(store, "ana", "short"), (e: unknown) => e instanceof BadOptionError && /8 to 1024 characters, got 5/.test(e.message));
    const u = await setPassword(store, "ana", "correct horse battery");
    assert.equal(u.hasPassword, true);
    assert.equal((await loginWithPassword(store, " ana", "correct horse battery"))?.name, "ana");
    assert.equal(await loginWithPassword(store, "ana", "correct horse batter"), null);
    assert.equal(await loginWithPassword(store, "nobody", "correct horse battery"), null);
    setDisabled(store, "ana", true);
    assert.equal(await loginWithPassword(store, "ana", "correct horse battery"), null);
  }));

void test("a project of release 0.1 (the v1 fixture) has no accounts read-only, and gets them on a write-open", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-auth-fixture-"));
  const db = path.join(dir, "project.db");
  fs.copyFileSync(FIXTURE, db);
  try {
    const ro = openStore(db, { readonly: true });
    try {
      assert.equal(hasAccounts(ro), false);
      assert.equal(ro.userByName("ana"), undefined);
      await assert.rejects(addUser(ro, "ana", "admin"), /no accounts yet: open it once for writing/);
    } finally {
      ro.close();
    }
    const rw = openStore(db);
    try {
      const { token } = await addUser(rw, "ana", "admin");
      assert.equal((await authenticate(rw, token))?.name, "ana");
      assert.equal(rw.itemCount(), 40, "the items are still there");
    } finally {
      rw.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
