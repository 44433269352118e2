import assert from "node:assert/strict";
import test from "node:test";
import { describeFieldMismatch, fieldMismatch, type FieldSpec } from "./records.js";

void test("fieldMismatch names the trained fields missing and the names the model does not know", () => {
  const fields: FieldSpec[] = [
    { name: "text", kind: "text" },
    { name: "age", kind: "numeric" },
  ];
  const m = fieldMismatch(fields, ["txt", "age", "id"]);
  assert.deepEqual(m, { missing: ["text"], unknown: ["txt", "id"] });
  assert.equal(describeFieldMismatch(m, fields, "columns"), 'columns the model was trained with are missing: "text"; columns the model was not trained on: "txt", "id" (the model\'s columns: "text", "age")');
  assert.deepEqual(fieldMismatch(fields, ["age", "text"]), { missing: [], unknown: [] });
});
