import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { hstack, parseVectorCells, vectorColumnNames } from "./vectors.js";

const opts = { column: "emb", file: "d.csv" };

void test("JSON arrays and text cells (';', spaces, bracketed commas) parse to the same matrix", () => {
  const want = [[1, -2.5, 3e-3], [0.25, 4, -1e6]];
  const forms: unknown[][] = [
    [[1, -2.5, 3e-3], [0.25, 4, -1e6]],
    ["1;-2.5;3e-3", " 0.25 ; 4 ; -1E6 "],
    ["1 -2.5  3e-3", "\t.25 4 -1e+6"],
    ["[1, -2.5, 0.003]", "[0.25 4 -1000000]"],
  ];
  for (const cells of forms) {
    const { X, names } = parseVectorCells(cells, opts);
    assert.deepEqual(X, denseFromRows(want), JSON.stringify(cells));
    assert.deepEqual(names, ["emb[0]", "emb[1]", "emb[2]"]);
  }
  assert.deepEqual(vectorColumnNames("COL", 2), ["COL[0]", "COL[1]"]);
  assert.deepEqual(parseVectorCells([], opts).X.rows, 0);
});

void test("errors name the row (the table's numbering), the column and the element", () => {
  const rowNumbers = [2, 5, 9];
  const check = (cells: unknown[], re: RegExp, row: number): void => {
    assert.throws(() => parseVectorCells(cells, { ...opts, rowNumbers }), (e: Error & { location?: unknown }) => {
      assert.match(e.message, re);
      assert.deepEqual(e.location, { file: "d.csv", row, column: "emb" });
      return true;
    });
  };
  check(["1;2", "1;x", "1;2"], /^d\.csv, row 5, column "emb": element 1 \(emb\[1\]\) \("x"\) is not a number/, 5);
  check(["1;2", "1;2", "1;2;3"], /row 9, .*the vector has 3 elements, expected 2 \(the length of the first row\)/, 9);
  check(["1;NaN"], /element 1 \(emb\[1\]\) is "NaN"; vectors must hold finite numbers/, 2);
  check([[1, 2], [Infinity, 2]], /row 5, .*element 0 \(emb\[0\]\) is Infinity/, 5);
  check([[1, null]], /element 1 \(emb\[1\]\) \(null\) is not a number/, 2);
  check(["1;;2"], /element 1 \(emb\[1\]\) is empty/, 2);
  check(["1;2", ""], /row 5, .*no vector \(the cell is empty\)/, 5);
  check([null], /no vector/, 2);
  check([[]], /the vector is empty/, 2);
  check(["[1 2"], /unbalanced brackets/, 2);
  check(["0x10 1"], /\("0x10"\) is not a number/, 2);
  assert.throws(() => parseVectorCells(["1 2 3"], { ...opts, length: 4 }), /has 3 elements, expected 4$/);
});

void test("hstack puts rows side by side and refuses unaligned rows", () => {
  const A = denseFromRows([[1], [2]]);
  const B = denseFromRows([[10, 20], [30, 40]]);
  assert.deepEqual(hstack([A, B]), denseFromRows([[1, 10, 20], [2, 30, 40]]));
  assert.deepEqual(hstack([B]), B);
  assert.throws(() => hstack([A, denseFromRows([[1]])]), { code: "SHAPE_MISMATCH", message: /rows differ \(2 vs 1\)/ });
});
