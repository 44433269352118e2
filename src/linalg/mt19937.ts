/**
 * The Mersenne Twister MT19937 with NumPy's legacy `RandomState` seeding and the draws that
 * scikit-learn's splitters make from it (`permutation`, `choice` without replacement). With the
 * same integer seed it yields the same numbers as `numpy.random.RandomState(seed)`, so a split
 * made here is the split scikit-learn makes with `random_state=seed`: simulations line up with
 * reference figures and with a team's Python notebooks item for item.
 *
 * Matsumoto & Nishimura (1998), "Mersenne Twister: a 623-dimensionally equidistributed uniform
 * pseudo-random number generator", ACM TOMACS 8(1).
 */
import { BadOptionError } from "../errors.js";

const N = 624;
const M = 397;

export class MersenneTwister {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** `seed`: an integer in 0..2^32-1, as `RandomState(seed)` takes. */
  constructor(seed: number) {
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new BadOptionError([`seed must be an integer in 0..4294967295, got ${seed}`], "seed");
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i modulo 2^32, split in 16-bit halves to stay exact in doubles.
      mt[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
    }
  }

  /** The next 32-bit output. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
        mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (`random_sample`). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform integer in 0..max by masked rejection, as NumPy's `random_interval` (max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const v = (this.nextUint32() & mask) >>> 0;
      if (v <= max) return v;
    }
  }

  /** Shuffles in place, last element first (NumPy's legacy `shuffle`). */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1 (`permutation(n)`). */
  permutation(n: number): Int32Array {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    return this.shuffle(a);
  }

  /** `k` distinct draws from 0..n-1 (`choice(n, k, replace=False)`: a permutation's first k). */
  choice(n: number, k: number): Int32Array {
    return this.permutation(n).slice(0, k);
  }
}
