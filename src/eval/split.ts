/**
 * Stratified pool/test split: each class contributes its share of the test part (largest
 * remainder rounding, test size = ceil(n * fraction) as scikit-learn's train_test_split),
 * chosen at random from a seeded RNG.
 */
import { BadOptionError } from "../errors.js";
import { Rng } from "../linalg/rng.js";

export interface Split {
  /** Dataset rows of the pool part, ascending. */
  readonly pool: Int32Array;
  /** Dataset rows of the test part, ascending. */
  readonly test: Int32Array;
}

export function stratifiedSplit(y: ArrayLike<number>, nClasses: number, testFraction: number, seed: number): Split {
  const n = y.length;
  if (!(testFraction > 0 && testFraction < 1)) throw new BadOptionError([`test fraction must be in (0, 1), got ${testFraction}`], "test-fraction");
  const rng = new Rng(seed);
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]].push(i);
  const nTest = Math.ceil(n * testFraction);
  const quota = byClass.map((m) => (m.length * nTest) / n);
  const take = quota.map(Math.floor);
  let rest = nTest - take.reduce((a, b) => a + b, 0);
  const order = quota.map((q, c) => c).sort((a, b) => quota[b] - Math.floor(quota[b]) - (quota[a] - Math.floor(quota[a])) || a - b);
  for (const c of order) {
    if (rest <= 0) break;
    if (take[c] < byClass[c].length) {
      take[c]++;
      rest--;
    }
  }
  const isTest = new Uint8Array(n);
  byClass.forEach((members, c) => {
    for (const i of rng.sample(members, take[c])) isTest[i] = 1;
  });
  const pool: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (isTest[i] === 1 ? test : pool).push(i);
  if (pool.length === 0 || test.length === 0) throw new BadOptionError([`a test fraction of ${testFraction} leaves an empty ${pool.length === 0 ? "pool" : "test"} part of ${n} rows`], "test-fraction");
  return { pool: Int32Array.from(pool), test: Int32Array.from(test) };
}
