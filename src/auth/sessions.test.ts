import assert from "node:assert/strict";
import test from "node:test";
import { identify } from "./authenticate.js";
import { checkCsrf, createSession, csrfToken, revokeSession, SESSION_TTL_MS, verifySession } from "./sessions.js";
import { withStore } from "./test-support.js";
import { addUser, removeUser, setDisabled } from "./users.js";

void test("a session holds until it expires or is revoked; an expired one is removed", () =>
  withStore(async (store) => {
    const { user } = await addUser(store, "ana", "annotator");
    const s = createSession(store, user.id, 1000, 5000);
    assert.equal(s.expiresAt, 6000);
    assert.match(s.id, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(verifySession(store, s.id, 1000)?.name, "ana");
    assert.equal(verifySession(store, s.id, 5999)?.name, "ana");
    assert.equal(verifySession(store, s.id, 6000), null);
    assert.equal(store.deleteExpiredSessions(10_000), 0, "the expired session was removed when seen");
    const t = createSession(store, user.id, 0);
    assert.equal(t.expiresAt, SESSION_TTL_MS);
    const other = createSession(store, user.id, 0);
    revokeSession(store, t.id);
    assert.equal(verifySession(store, t.id, 1), null);
    assert.equal(verifySession(store, other.id, 1)?.name, "ana", "revoking one session leaves the others");
  }));

void test("made-up, malformed and foreign session ids are refused; a disabled or removed account's sessions end", () =>
  withStore(async (store) => {
    const { user } = await addUser(store, "ana", "annotator");
    const s = createSession(store, user.id, 0);
    const flipped = (s.id[0] === "A" ? "B" : "A") + s.id.slice(1);
    for (const bad of [null, undefined, "", "x", flipped, s.id + "=", s.id.slice(1)]) assert.equal(verifySession(store, bad, 1), null, String(bad));
    revokeSession(store, "not a session");
    setDisabled(store, "ana", true);
    assert.equal(verifySession(store, s.id, 1), null);
    setDisabled(store, "ana", false);
    const s2 = createSession(store, user.id, 0);
    assert.equal(verifySession(store, s2.id, 1)?.name, "ana");
    removeUser(store, "ana");
    assert.equal(verifySession(store, s2.id, 1), null);
  }));

void test("the CSRF token belongs to its session only and is checked in constant time", () => {
  const a = "A".repeat(43);
  const b = "B".repeat(43);
  assert.match(csrfToken(a), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(csrfToken(a), csrfToken(a));
  assert.notEqual(csrfToken(a), csrfToken(b));
  assert.equal(checkCsrf(a, csrfToken(a)), true);
  for (const bad of [csrfToken(b), "", null, undefined, csrfToken(a).slice(1), a]) assert.equal(checkCsrf(a, bad), false, String(bad));
});

void test("identify: a bearer token first (a bad one is never saved by a cookie), else the session", () =>
  withStore(async (store) => {
    const ana = await addUser(store, "ana", "annotator");
    const bo = await addUser(store, "bo", "viewer");
    const s = createSession(store, bo.user.id, 0);
    assert.deepEqual(await identify(store, { bearer: ana.token, sessionId: s.id }, 1), { user: ana.user, via: "token" });
    assert.equal(await identify(store, { bearer: "1.bad", sessionId: s.id }, 1), null);
    assert.equal((await identify(store, { bearer: null, sessionId: s.id }, 1))?.via, "session");
    assert.equal(await identify(store, { bearer: null, sessionId: null }, 1), null);
  }));
