import assert from "node:assert/strict";
import test from "node:test";
import { DurationSchema, PersonSchema } from "../contract/fields.js";
import { LabelBodySchema } from "../contract/routes.js";
import { describeIssues, MAX_DURATION_MS, Problems } from "./validate.js";

function person(v: unknown): { value: string; problems: string[] } {
  const p = new Problems();
  const value = p.parse(PersonSchema, v, "body");
  // As a field of a body: the problem names the field.
  const r = LabelBodySchema.pick({ annotator: true }).safeParse({ annotator: v });
  return { value: value ?? "", problems: r.success ? [] : describeIssues(r.error.issues, "body") };
}

void test("annotator names are NFC-normalised and trimmed", () => {
  // "é" as e + combining acute becomes the one precomposed character.
  assert.deepEqual(person("  Rene\u0301 \t"), { value: "Ren\u00e9", problems: [] });
  assert.deepEqual(person("李小龍"), { value: "李小龍", problems: [] });
  assert.deepEqual(person("ana 😀"), { value: "ana 😀", problems: [] });
});

void test("annotator names with control, bidi or lone-surrogate characters are refused, naming the field", () => {
  const bad = ["a\u0000b", "a\u0007b", "a\nb", "a\u007fb", "a\u0085b", "a\u009bb", "ad\u202emin", "a\u202ab", "a\u2066b", "a\u2069b", "a\u200eb", "a\u200fb", "a\u061cb", "a\ud800b", "a\udc00", "\ud83d"];
  for (const v of bad) {
    const r = person(v);
    assert.equal(r.problems.length, 1, JSON.stringify(v));
    assert.match(r.problems[0], /^body: field "annotator" (must not contain|holds a lone surrogate)/, JSON.stringify(v));
  }
  assert.match(person("ad\u202emin").problems[0], /U\+202E at position 2/);
  assert.match(person("   \u3000 ").problems[0], /must not be empty/);
  assert.match(person("x".repeat(201)).problems[0], /longer than 200 characters/);
  assert.deepEqual(person("😀".repeat(200)).problems, [], "200 emoji are 200 characters, not 400 UTF-16 units");
  assert.match(person(42).problems[0], /must be a string, got number/);
  // Optional in the schema (with a token the caller is the token's user); open mode requires it in the route (api.test.ts).
  assert.deepEqual(person(undefined).problems, []);
});

void test("durationMs is an integer in 0..24 h", () => {
  const dur = (v: unknown): { value: number | null; problems: string[] } => {
    const r = LabelBodySchema.pick({ durationMs: true }).safeParse({ durationMs: v });
    return { value: r.success ? (r.data.durationMs ?? null) : null, problems: r.success ? [] : describeIssues(r.error.issues, "body") };
  };
  assert.deepEqual(dur(0), { value: 0, problems: [] });
  assert.deepEqual(dur(MAX_DURATION_MS), { value: MAX_DURATION_MS, problems: [] });
  assert.deepEqual(dur(undefined), { value: null, problems: [] });
  assert.equal(DurationSchema.safeParse(null).success, true, "null is a time not measured");
  for (const v of [-1, 1.5, MAX_DURATION_MS + 1, 1e300, Infinity, NaN, "100", true, [], {}]) {
    const r = dur(v);
    assert.equal(r.value, null, JSON.stringify(v) ?? "undefined");
    assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
    assert.match(r.problems[0] ?? "", /^body: field "durationMs" must be an integer number of milliseconds in 0\.\.86400000/, JSON.stringify(v) ?? "undefined");
  }
});

void test("every problem of a body at once: wrong types, unknown fields, bad records", () => {
  const p = new Problems();
  p.parse(LabelBodySchema, { label: 3, annotator: "", colour: "red" }, "body");
  assert.deepEqual(p.list, ['body: field "label" must be a string, got number', 'body: field "annotator" must not be empty', 'body: unknown field "colour" (known: label, annotator, durationMs)']);
});
