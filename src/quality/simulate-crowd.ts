/**
 * Simulated annotators for tests and tuning: each item is labeled by `perItem` annotators drawn
 * at random without replacement; annotator a is right with probability accuracy[a], and when
 * wrong gives, with probability `systematic`, the next label in order (cyclically: a systematic
 * confusion, as real annotators have), otherwise a uniformly random other label. The scheme of
 * the shared crowd files (../shared/quality/README.md), so settings can be tuned on fresh
 * draws instead of on the files that score them. Seeded: one seed, one set of annotations.
 *
 * @example
 * const a = simulateCrowd(truth, 3, { accuracy: [0.95, 0.85, 0.75], perItem: 2, seed: 1 });
 */
import { BadOptionError } from "../errors.js";
import { Rng } from "../linalg/rng.js";
import { encodeAnnotations, type AnnotationTriple, type Annotations } from "./annotations.js";

export interface CrowdOptions {
  /** Accuracy of each annotator (annotators are named a1, a2, ...). */
  readonly accuracy: readonly number[];
  /** Annotators per item (default 3). */
  readonly perItem?: number;
  /** Share of errors that are the next label (default 0.6). */
  readonly systematic?: number;
  readonly seed: number;
}

/**
 * Labels for items i0, i1, ... whose true labels (indices 0..K-1) are `truth`; the label names
 * are the indices as text, so they keep their order.
 */
export function simulateCrowd(truth: ArrayLike<number>, K: number, options: CrowdOptions): Annotations {
  const per = options.perItem ?? 3;
  const sys = options.systematic ?? 0.6;
  const A = options.accuracy.length;
  if (!(per >= 1 && per <= A)) throw new BadOptionError([`perItem must be in 1..${A}, got ${per}`]);
  if (K < 2) throw new BadOptionError([`need at least 2 labels, got ${K}`]);
  const rng = new Rng(options.seed);
  const triples: AnnotationTriple[] = [];
  const all = Array.from({ length: A }, (_, i) => i);
  for (let i = 0; i < truth.length; i++) {
    const who = rng.sample(all, per).sort((x, y) => x - y);
    for (const a of who) {
      const t = truth[i];
      let l = t;
      if (rng.next() >= options.accuracy[a]) {
        if (rng.next() < sys) l = (t + 1) % K;
        else {
          l = rng.int(K - 1);
          if (l >= t) l++;
        }
      }
      triples.push({ item: `i${i}`, annotator: `a${a + 1}`, label: String(l) });
    }
  }
  return encodeAnnotations(triples, "simulated");
}
