import assert from "node:assert/strict";
import test from "node:test";
import { bearerToken, formatToken, newSecret, parseToken } from "./token.js";

void test("a token names its user id and carries 32 random bytes", () => {
  const s = newSecret();
  assert.match(s, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(s, "base64url").length, 32);
  assert.notEqual(newSecret(), s);
  assert.deepEqual(parseToken(formatToken(42, s)), { userId: 42, secret: s });
  for (const bad of ["", "42", `42.${s}x`, `42.${s.slice(1)}`, `0.${s}`, `-1.${s}`, `01.${s}`, `1e3.${s}`, `99999999999999999.${s}`, ` 42.${s}`]) assert.equal(parseToken(bad), null, bad);
});

void test("the bearer token of an Authorization header", () => {
  assert.equal(bearerToken("Bearer abc.def"), "abc.def");
  assert.equal(bearerToken("bearer   abc"), "abc");
  for (const bad of [undefined, null, "", "Basic abc", "Bearer", "Bearer a b", "Bearerabc"]) assert.equal(bearerToken(bad), null, String(bad));
});
