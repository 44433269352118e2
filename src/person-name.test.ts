import assert from "node:assert/strict";
import test from "node:test";
import { MAX_NAME, personName } from "./person-name.js";

void test("a person's name is NFC-normalised and trimmed; empty, control, bidi, lone-surrogate and over-long names say why", () => {
  assert.deepEqual(personName("  Ana  "), { name: "Ana" });
  assert.deepEqual(personName("Jose\u0301"), { name: "Jos\u00e9" });
  assert.deepEqual(personName("   "), { problem: "must not be empty" });
  assert.deepEqual(personName("a\u0007b"), { problem: "must not contain control characters (found U+0007 at position 1)" });
  assert.deepEqual(personName("ab\u202ec"), { problem: "must not contain bidirectional control characters (found U+202E at position 2)" });
  assert.deepEqual(personName("x\ud800"), { problem: "holds a lone surrogate (not valid Unicode text)" });
  assert.deepEqual(personName("é".repeat(MAX_NAME)), { name: "é".repeat(MAX_NAME) });
  assert.deepEqual(personName("😀".repeat(MAX_NAME + 1)), { problem: `is longer than ${MAX_NAME} characters` });
});
