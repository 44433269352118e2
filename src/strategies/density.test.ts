import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows, type CsrMatrix } from "../linalg/matrix.js";
import { densityWeighted, meanCosineDensity } from "./density.js";
import { fixedModel, makeContext } from "./testing.js";

const pts = [[1, 0], [2, 0.1], [0.9, -0.1], [0, 1], [-1, 0.2], [0, 0]];

void test("mean cosine density equals the brute-force mean of (1 + cos) / 2 (zero rows: cos 0)", () => {
  const cos = (a: number[], b: number[]): number => {
    const na = Math.hypot(...a);
    const nb = Math.hypot(...b);
    return na === 0 || nb === 0 ? 0 : (a[0] * b[0] + a[1] * b[1]) / (na * nb);
  };
  const rows = Int32Array.from([0, 1, 2, 3, 4, 5]);
  const dens = meanCosineDensity(denseFromRows(pts), rows);
  const csr: CsrMatrix = {
    kind: "csr", rows: 6, cols: 2,
    indptr: Int32Array.from([0, 2, 4, 6, 7, 9, 9]),
    indices: Int32Array.from([0, 1, 0, 1, 0, 1, 1, 0, 1]),
    values: Float64Array.from([1, 0, 2, 0.1, 0.9, -0.1, 1, -1, 0.2]),
  };
  const densCsr = meanCosineDensity(csr, rows);
  for (let i = 0; i < 6; i++) {
    const brute = pts.reduce((s, q) => s + (1 + cos(pts[i], q)) / 2, 0) / pts.length;
    assert.ok(Math.abs(dens[i] - brute) < 1e-12, `row ${i}`);
    assert.ok(Math.abs(densCsr[i] - brute) < 1e-12, `CSR row ${i}`);
  }
});

void test("among equally uncertain items, the one in the crowd beats the outlier", () => {
  // Rows 0-2 point one way, row 3 another; all four equally uncertain; 4 and 5 are labeled.
  const model = fixedModel(pts.map(() => [0.5, 0.5]));
  const ctx = makeContext(pts, [4, 5], [0, 1], { model });
  const sel = densityWeighted().select(ctx, 4);
  assert.notEqual(sel.indices[0], 3);
  assert.equal(sel.indices[3], 3);
  // Uncertainty still counts: a confident crowd member loses to the uncertain outlier.
  const model2 = fixedModel(pts.map((_, i) => (i === 3 ? [0.5, 0.5] : [0.95, 0.05])));
  assert.equal(densityWeighted().select(makeContext(pts, [4, 5], [0, 1], { model: model2 }), 1).indices[0], 3);
});
