/**
 * A uniform number in [0, 1) from two integers, with no generator state: the same (seed, idx)
 * gives the same number in any order of calls. The served project decides which items overlap
 * with it; the quality-control simulation draws each item's k-th label with it, so every policy
 * of a seed sees the same annotator behaviour on the same item.
 *
 * @example
 * unitHash(0, 42) < 0.2 // item 42 is in a 20% sample under seed 0
 * (murmur3's finaliser over both.)
 */
export function unitHash(seed: number, idx: number): number {
  let h = (Math.imul(idx ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(seed | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

