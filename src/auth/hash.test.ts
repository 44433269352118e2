import assert from "node:assert/strict";
import test from "node:test";
import { DEFAULT_SCRYPT, hashSecret, parseHash, verifySecret } from "./hash.js";

void test("a scrypt hash carries its parameters and a fresh salt, and verifies only its secret", async () => {
  const a = await hashSecret("correct horse");
  const b = await hashSecret("correct horse");
  assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b, "two hashes of one secret differ (per-hash salt)");
  assert.equal(await verifySecret("correct horse", a), true);
  assert.equal(await verifySecret("correct horse", b), true);
  assert.equal(await verifySecret("correct hors", a), false);
  assert.equal(await verifySecret("", a), false);
  assert.deepEqual(parseHash(a)?.params, DEFAULT_SCRYPT);
});

void test("hashes with other parameters verify with their own parameters", async () => {
  const h = await hashSecret("s3cret", { N: 1024, r: 4, p: 2 });
  assert.match(h, /^scrypt\$1024\$4\$2\$/);
  assert.equal(await verifySecret("s3cret", h), true);
  assert.equal(await verifySecret("s3cret", h.replace("$1024$", "$2048$")), false, "the parameters are part of the check");
});

void test("a malformed or memory-hungry stored hash never verifies (and never throws)", async () => {
  const h = await hashSecret("x", { N: 1024, r: 1, p: 1 });
  const parts = h.split("$");
  for (const bad of ["", "plain", "bcrypt$1$2$3$aaaaaaaaaaaaaaaaaaaa$bbbbbbbbbbbbbbbbbbbbbb", h.replace("$1024$", "$1000$"), h.replace("$1024$", "$1048576$"), [...parts.slice(0, 5), parts[5].slice(0, 30)].join("$"), h + "$"]) {
    assert.equal(parseHash(bad), null, bad);
    assert.equal(await verifySecret("x", bad), false, bad);
  }
});
