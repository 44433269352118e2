import assert from "node:assert/strict";
import test from "node:test";
import { hog, hogLayout, l2Hys } from "./hog.js";

/** A w x h image whose value is f(x, y). */
function image(w: number, h: number, f: (x: number, y: number) => number): Float64Array {
  const a = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x] = f(x, y);
  return a;
}

/** Sum of the squared values per orientation bin over the whole vector. */
function energyPerBin(v: Float64Array, bins: number): number[] {
  const e = new Array<number>(bins).fill(0);
  for (let k = 0; k < v.length; k++) e[k % bins] += v[k] * v[k];
  return e;
}

void test("layout: 32 x 32 with 8-pixel cells and 2 x 2 blocks gives 3 x 3 blocks of 36 values", () => {
  const L = hogLayout(32, 32);
  assert.deepEqual([L.cellsX, L.cellsY, L.blocksX, L.blocksY, L.length], [4, 4, 3, 3, 324]);
  assert.throws(() => hogLayout(8, 8), { code: "BAD_OPTION" });
  assert.throws(() => hogLayout(32, 32, { cell: 0, bins: 2.5 }), (e: { problems: string[] }) => e.problems.length === 2);
});

void test("a vertical edge puts all the energy in the horizontal-gradient bin (bin 0)", () => {
  const img = image(16, 16, (x) => (x < 7 ? 0 : 1));
  const v = hog(img, 16, 16, { cell: 4, block: 2 });
  const e = energyPerBin(v, 9);
  assert.ok(e[0] > 0);
  for (let b = 1; b < 9; b++) assert.equal(e[b], 0, `bin ${b}`);
  // Blocks away from the edge (columns of cells 0-1 hold x = 0..7: the edge at x = 6, 7) see no gradient.
  const L = hogLayout(16, 16, { cell: 4, block: 2 });
  const blockLen = 36;
  const far = v.subarray((0 * L.blocksX + 2) * blockLen, (0 * L.blocksX + 3) * blockLen);
  assert.ok(far.every((x) => x === 0), "block of cells 2-3 has no edge");
});

void test("a horizontal edge splits its energy evenly between bins 4 and 5 (90° is between centres 80° and 100°)", () => {
  const img = image(16, 16, (_x, y) => (y < 8 ? 1 : 0));
  const e = energyPerBin(hog(img, 16, 16, { cell: 4, block: 2 }), 9);
  assert.ok(e[4] > 0 && Math.abs(e[4] - e[5]) < 1e-12 * e[4]);
  for (const b of [0, 1, 2, 3, 6, 7, 8]) assert.equal(e[b], 0);
});

void test("a 45° ramp votes into the two bins around 45° (40° and 60°), the nearer one more", () => {
  const img = image(16, 16, (x, y) => x + y);
  const e = energyPerBin(hog(img, 16, 16, { cell: 8, block: 2 }), 9);
  // Inside, every gradient is (2, 2): 45° = bin position 2.25, votes 3 : 1 into bins 2 and 3. The
  // border (edge pixel repeated) gives (1, 2) and (2, 1): 63.4° and 26.6°, bins 1-4; none beyond.
  assert.ok(e[2] > e[3] && e[3] > 0, `bins 2, 3: ${e[2]}, ${e[3]}`);
  for (let b = 0; b < 9; b++) if (b !== 2 && b !== 3) assert.ok(e[b] < e[3], `bin ${b}`);
  for (const b of [0, 5, 6, 7, 8]) assert.equal(e[b], 0, `bin ${b}`);
});

void test("L2-Hys: normalise, clip at 0.2, normalise again (computed by hand)", () => {
  const v = Float64Array.from([3, 4, 0, 0]);
  l2Hys(v, 0, 4);
  // After the first norm: 0.6, 0.8 -> clipped to 0.2, 0.2 -> renormalised to 1/√2 each.
  assert.ok(Math.abs(v[0] - Math.SQRT1_2) < 1e-9 && Math.abs(v[1] - Math.SQRT1_2) < 1e-9 && v[2] === 0);
  const flat = new Float64Array(4);
  l2Hys(flat, 0, 4);
  assert.deepEqual(Array.from(flat), [0, 0, 0, 0]);
});

void test("brightness and contrast do not change the features (gradients are normalised per block)", () => {
  const img = image(24, 24, (x, y) => Math.sin(x / 3) + Math.cos(y / 5) + (x * y) / 100);
  const a = hog(img, 24, 24);
  const b = hog(img.map((x) => 3 * x + 10), 24, 24);
  for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k] - b[k]) < 1e-9);
});
