/**
 * Stratified pool/test split, the one scikit-learn's `train_test_split(X, y, test_size=f,
 * stratify=y, random_state=seed)` makes: the same rows, in the same order, for the same seed
 * (NumPy's MT19937 stream, StratifiedShuffleSplit's per-class quotas and tie-breaking). A
 * simulation therefore runs on exactly the splits behind the reference figures and behind a
 * team's own Python experiments, and comparisons with them are not blurred by split luck.
 *
 * Test size = ceil(n * fraction), pool = the rest; each class's share is the "approximate mode"
 * of the multivariate hypergeometric (floors, then the largest remainders, ties broken at random).
 */
import { BadOptionError } from "../errors.js";
import { MersenneTwister } from "../linalg/mt19937.js";

export interface Split {
  /** Dataset rows of the pool part, in scikit-learn's (shuffled) order. */
  readonly pool: Int32Array;
  /** Dataset rows of the test part, in scikit-learn's (shuffled) order. */
  readonly test: Int32Array;
}

/**
 * @param y class index of every row (0..nClasses-1; classes sorted as scikit-learn sorts them)
 * @param classNames for error messages (default: the class indices)
 */
export function stratifiedSplit(y: ArrayLike<number>, nClasses: number, testFraction: number, seed: number, classNames?: readonly string[]): Split {
  const n = y.length;
  if (!(testFraction > 0 && testFraction < 1)) throw new BadOptionError([`test fraction must be in (0, 1), got ${testFraction}`], "test-fraction");
  const nTest = Math.ceil(testFraction * n);
  const nTrain = n - nTest;
  // Classes that occur, in order (scikit-learn's np.unique), with their rows in row order.
  const members: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) members[y[i]].push(i);
  const present = members.map((m, c) => c).filter((c) => members[c].length > 0);
  const name = (c: number): string => (classNames === undefined ? `class ${c}` : `class "${classNames[c]}"`);
  const thin = present.filter((c) => members[c].length < 2);
  if (thin.length > 0) throw new BadOptionError([`${thin.map(name).join(", ")} ${thin.length === 1 ? "has" : "have"} only one row; a stratified split needs at least two rows per class`], "label");
  if (nTrain < present.length || nTest < present.length) {
    throw new BadOptionError([`a test fraction of ${testFraction} gives ${nTrain} pool and ${nTest} test rows of ${n}; each part needs at least one row per class (${present.length} classes)`], "test-fraction");
  }
  const counts = present.map((c) => members[c].length);
  const rng = new MersenneTwister(seed);
  const inPool = approximateMode(counts, nTrain, rng);
  const inTest = approximateMode(counts.map((k, i) => k - inPool[i]), nTest, rng);
  const pool: number[] = [];
  const test: number[] = [];
  present.forEach((c, i) => {
    const perm = rng.permutation(counts[i]);
    const rows = members[c];
    for (let t = 0; t < inPool[i]; t++) pool.push(rows[perm[t]]);
    for (let t = inPool[i]; t < inPool[i] + inTest[i]; t++) test.push(rows[perm[t]]);
  });
  return { pool: rng.shuffle(Int32Array.from(pool)), test: rng.shuffle(Int32Array.from(test)) };
}

/**
 * `draws` items shared among classes of these sizes in proportion: floors first, then one more
 * for the classes with the largest remainders, ties among equal remainders drawn at random
 * (scikit-learn's `_approximate_mode`, draw for draw).
 */
function approximateMode(counts: readonly number[], draws: number, rng: MersenneTwister): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((k) => (k / total) * draws);
  const out = continuous.map(Math.floor);
  let need = draws - out.reduce((a, b) => a + b, 0);
  if (need <= 0) return out;
  const remainder = continuous.map((v, i) => v - out[i]);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const v of values) {
    const tied: number[] = [];
    remainder.forEach((r, i) => {
      if (r === v) tied.push(i);
    });
    const now = Math.min(tied.length, need);
    const pick = rng.choice(tied.length, now);
    for (const t of pick) out[tied[t]]++;
    need -= now;
    if (need === 0) break;
  }
  return out;
}
