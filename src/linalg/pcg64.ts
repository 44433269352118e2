/**
 * NumPy's default generator, draw for draw: `numpy.random.default_rng(seed)` is PCG64
 * (O'Neill 2014, XSL-RR 128/64) seeded through `SeedSequence`, and `Generator.choice(n, k,
 * replace=False)` draws with Floyd's algorithm (or a tail shuffle on large pools) and Lemire's
 * bounded integers. Python experiments, including the reference figures, pick their initial
 * labeled items this way; a simulation that does the same starts from the very same items.
 *
 * 128-bit state arithmetic is done in BigInt: these draws are few (a start set), never hot.
 */
import { BadOptionError } from "../errors.js";

const M32 = 0xffffffff;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;
const PCG_MULT = 0x2360ed051fc65da44385df649fccf645n;

/** 32-bit multiply modulo 2^32. */
const mul32 = (a: number, b: number): number => Math.imul(a, b) >>> 0;

/**
 * `SeedSequence(seed).generate_state(words)` as 32-bit words (NumPy's entropy pool of four
 * words, hashmix and mix as in its bit_generator module).
 */
export function seedSequenceState(seed: number, words: number): Uint32Array {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= Number.MAX_SAFE_INTEGER)) throw new BadOptionError([`seed must be a non-negative integer, got ${seed}`], "seed");
  const entropy: number[] = [];
  for (let s = seed; entropy.length === 0 || s > 0; s = Math.floor(s / 2 ** 32)) entropy.push(s % 2 ** 32);
  let hashConst = 0x43b0d7e5;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, 0x931e8875);
    v = mul32(v, hashConst);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Uint32Array(4);
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < 4; src++) for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  for (let src = 4; src < entropy.length; src++) for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  const out = new Uint32Array(words);
  let h = 0x8b51f9dd;
  for (let i = 0; i < words; i++) {
    let v = (pool[i % 4] ^ h) >>> 0;
    h = mul32(h, 0x58f38ded);
    v = mul32(v, h);
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

export class Pcg64 {
  private state = 0n;
  private readonly inc: bigint;
  private spare: number | null = null;

  /** The generator of `numpy.random.default_rng(seed)`. */
  constructor(seed: number) {
    const w = seedSequenceState(seed, 8);
    // generate_state(4, uint64): little-endian pairs of words; state = (v0 << 64) | v1, inc likewise.
    const u64 = (k: number): bigint => (BigInt(w[2 * k + 1]) << 32n) | BigInt(w[2 * k]);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.step();
    this.state = (this.state + initState) & M128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & M128;
  }

  /** The next 64-bit output (`random_raw`). */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & M64;
    const rot = Number(s >> 122n);
    return ((x >> BigInt(rot)) | (x << BigInt((64 - rot) & 63))) & M64;
  }

  /** The next 32-bit output: the low half of a 64-bit draw, then its high half. */
  nextUint32(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const v = this.nextUint64();
    this.spare = Number(v >> 32n);
    return Number(v & BigInt(M32));
  }

  /** A uniform integer in 0..max (max < 2^32) by Lemire's multiply-and-reject. */
  bounded(max: number): number {
    if (max === 0) return 0;
    if (max === M32) return this.nextUint32();
    const range = max + 1;
    let m = BigInt(this.nextUint32()) * BigInt(range);
    let leftover = Number(m & BigInt(M32));
    if (leftover < range) {
      const threshold = (M32 - max) % range;
      while (leftover < threshold) {
        m = BigInt(this.nextUint32()) * BigInt(range);
        leftover = Number(m & BigInt(M32));
      }
    }
    return Number(m >> 32n);
  }

  /** `choice(n, k, replace=False)` (shuffled), as NumPy's Generator draws it. */
  choice(n: number, k: number): Int32Array {
    if (!(Number.isInteger(k) && k >= 0 && k <= n)) throw new BadOptionError([`cannot draw ${k} distinct items from ${n}`]);
    if (n > 10000 && k > Math.floor(n / 50)) {
      // Tail shuffle: the last k places of a partial Fisher-Yates over 0..n-1.
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      this.shuffleTail(idx, n, Math.max(n - k, 1));
      return idx.slice(n - k);
    }
    // Floyd's algorithm, then a shuffle of the k picks.
    const out = new Int32Array(k);
    const taken = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const v = this.bounded(j);
      const pick = taken.has(v) ? j : v;
      taken.add(pick);
      out[j - n + k] = pick;
    }
    this.shuffleTail(out, k, 1);
    return out;
  }

  /** Swaps a[i] with a uniform a[0..i], for i from n-1 down to `first`. */
  private shuffleTail(a: Int32Array, n: number, first: number): void {
    for (let i = n - 1; i >= first; i--) {
      const j = this.bounded(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
