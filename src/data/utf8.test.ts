import { test } from "node:test";
import assert from "node:assert/strict";
import { detectWideEncoding, findInvalidUtf8, incompleteUtf8Tail } from "./utf8.js";

const b = (...xs: number[]): Uint8Array => new Uint8Array(xs);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

void test("valid UTF-8 of every length gives -1", () => {
  assert.equal(findInvalidUtf8(enc("")), -1);
  assert.equal(findInvalidUtf8(enc("plain ascii, 123\n")), -1);
  assert.equal(findInvalidUtf8(enc("café ünïcode € 中文 😀 \u{10FFFF} \uFEFF")), -1);
  // Boundaries just inside the allowed ranges.
  assert.equal(findInvalidUtf8(b(0xc2, 0x80, 0xdf, 0xbf)), -1); // U+0080, U+07FF
  assert.equal(findInvalidUtf8(b(0xe0, 0xa0, 0x80, 0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80)), -1); // U+0800, U+D7FF, U+E000
  assert.equal(findInvalidUtf8(b(0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf)), -1); // U+10000, U+10FFFF
});

void test("stray continuation bytes and impossible lead bytes", () => {
  assert.equal(findInvalidUtf8(b(0x61, 0x80)), 1);
  assert.equal(findInvalidUtf8(b(0x61, 0x62, 0xbf, 0x63)), 2);
  assert.equal(findInvalidUtf8(b(0xff)), 0);
  assert.equal(findInvalidUtf8(b(0x41, 0xfe)), 1);
  assert.equal(findInvalidUtf8(b(0xf5, 0x80, 0x80, 0x80)), 0);
  // Latin-1 "é" alone.
  assert.equal(findInvalidUtf8(b(0x63, 0x61, 0x66, 0xe9, 0x0a)), 3);
});

void test("overlong encodings are rejected", () => {
  assert.equal(findInvalidUtf8(b(0xc0, 0xaf)), 0); // "/" in 2 bytes
  assert.equal(findInvalidUtf8(b(0xc1, 0xbf)), 0);
  assert.equal(findInvalidUtf8(b(0x20, 0xe0, 0x80, 0xaf)), 1); // "/" in 3 bytes
  assert.equal(findInvalidUtf8(b(0xe0, 0x9f, 0xbf)), 0); // U+07FF in 3 bytes
  assert.equal(findInvalidUtf8(b(0xf0, 0x80, 0x80, 0xaf)), 0); // 4 bytes
  assert.equal(findInvalidUtf8(b(0xf0, 0x8f, 0xbf, 0xbf)), 0); // U+FFFF in 4 bytes
});

void test("surrogates and code points above U+10FFFF are rejected", () => {
  assert.equal(findInvalidUtf8(b(0xed, 0xa0, 0x80)), 0); // U+D800
  assert.equal(findInvalidUtf8(b(0x61, 0xed, 0xbf, 0xbf)), 1); // U+DFFF
  assert.equal(findInvalidUtf8(b(0xf4, 0x90, 0x80, 0x80)), 0); // U+110000
});

void test("bad continuation bytes inside a sequence", () => {
  assert.equal(findInvalidUtf8(b(0xe2, 0x28, 0xa1)), 0);
  assert.equal(findInvalidUtf8(b(0xe2, 0x82, 0x28)), 0);
  assert.equal(findInvalidUtf8(b(0xf0, 0x9f, 0x98, 0x41)), 0);
  assert.equal(findInvalidUtf8(b(0xc3, 0xc3, 0xa9)), 0);
});

void test("sequences truncated at the end are invalid", () => {
  assert.equal(findInvalidUtf8(b(0x61, 0xc3)), 1);
  assert.equal(findInvalidUtf8(b(0x61, 0xe2, 0x82)), 1);
  assert.equal(findInvalidUtf8(b(0xf0, 0x9f, 0x98)), 0);
  // ... but fine when the end is moved past them.
  assert.equal(findInvalidUtf8(b(0x61, 0xc3, 0xa9), 0, 3), -1);
  assert.equal(findInvalidUtf8(b(0x61, 0xc3, 0xa9), 0, 2), 1);
});

void test("start offset", () => {
  assert.equal(findInvalidUtf8(b(0xff, 0x61, 0x62), 1), -1);
  assert.equal(findInvalidUtf8(b(0x61, 0x62, 0xff), 1), 2);
});

void test("incompleteUtf8Tail counts only valid prefixes", () => {
  assert.equal(incompleteUtf8Tail(enc("abc")), 0);
  assert.equal(incompleteUtf8Tail(enc("abé")), 0);
  assert.equal(incompleteUtf8Tail(b(0x61, 0xc3)), 1);
  assert.equal(incompleteUtf8Tail(b(0x61, 0xe2, 0x82)), 2);
  assert.equal(incompleteUtf8Tail(b(0xf0, 0x9f, 0x98)), 3);
  assert.equal(incompleteUtf8Tail(b(0xf0, 0x9f)), 2);
  assert.equal(incompleteUtf8Tail(b(0xe0, 0x80)), 0); // already invalid (overlong)
  assert.equal(incompleteUtf8Tail(b(0xed, 0xa0)), 0); // already invalid (surrogate)
  assert.equal(incompleteUtf8Tail(b(0x80, 0x80)), 0); // stray continuations
  assert.equal(incompleteUtf8Tail(b(0xff)), 0);
  assert.equal(incompleteUtf8Tail(new Uint8Array(0)), 0);
});

void test("splitting valid text at every byte and carrying the tail validates it all", () => {
  const bytes = enc("a€b😀c é\u{10FFFF}");
  for (let cut = 0; cut <= bytes.length; cut++) {
    const tail = incompleteUtf8Tail(bytes, cut);
    assert.equal(findInvalidUtf8(bytes, 0, cut - tail), -1, `cut ${cut}`);
    assert.equal(findInvalidUtf8(bytes, cut - tail), -1, `cut ${cut}`);
  }
});

void test("detectWideEncoding leaves UTF-8 alone, even UTF-8 with a BOM or a stray NUL", () => {
  assert.equal(detectWideEncoding(enc("\uFEFFid,name\n1,Ann\n")), undefined);
  assert.equal(detectWideEncoding(enc("café ünïcode € 中文 😀\n")), undefined);
  assert.equal(detectWideEncoding(enc("id,name\n1,A\u0000nn\n2,Bob\n")), undefined);
  assert.equal(detectWideEncoding(b()), undefined);
  assert.deepEqual(detectWideEncoding(b(0x61, 0, 0x0a, 0)), { encoding: "UTF-16", byteOrder: "little-endian", bom: false });
});
