/**
 * Top-k selection without sorting the whole pool: a size-k min-heap over the scores, O(n log k).
 * Ties go to the lower position, so selection is deterministic. `TopKHeap` takes the candidates
 * one at a time (a pool pass offers each block's rows as it scores them, models/scoring.ts);
 * `topK` runs it over an array.
 */

/** A running top-k of (position, score) pairs offered one at a time, positions ascending. */
export class TopKHeap {
  private readonly pos: Int32Array;
  private readonly val: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.pos = new Int32Array(Math.max(0, k));
    this.val = new Float64Array(Math.max(0, k));
  }

  /** "slot a is worse than slot b": lower score, or equal score and higher position. */
  private worse(a: number, b: number): boolean {
    const va = this.val[a];
    const vb = this.val[b];
    return va < vb || (va === vb && this.pos[a] > this.pos[b]);
  }

  private swap(a: number, b: number): void {
    const p = this.pos[a];
    const v = this.val[a];
    this.pos[a] = this.pos[b];
    this.val[a] = this.val[b];
    this.pos[b] = p;
    this.val[b] = v;
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < this.size && this.worse(l, w)) w = l;
      if (r < this.size && this.worse(r, w)) w = r;
      if (w === i) return;
      this.swap(i, w);
      i = w;
    }
  }

  /** Offers candidate `position` with `score` (NaN is never kept). */
  offer(position: number, score: number): void {
    if (Number.isNaN(score) || this.k <= 0) return;
    if (this.size < this.k) {
      let c = this.size++;
      this.pos[c] = position;
      this.val[c] = score;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(c, p)) break;
        this.swap(c, p);
        c = p;
      }
      return;
    }
    // Worse than the worst kept (or tied with it at a higher position): not kept.
    const v0 = this.val[0];
    if (score < v0 || (score === v0 && position > this.pos[0])) return;
    this.pos[0] = position;
    this.val[0] = score;
    this.siftDown(0);
  }

  /** The kept positions and scores, best first (empties the heap). */
  take(): { positions: Int32Array; scores: Float64Array } {
    const n = this.size;
    const positions = new Int32Array(n);
    const scores = new Float64Array(n);
    for (let t = n - 1; t >= 0; t--) {
      positions[t] = this.pos[0];
      scores[t] = this.val[0];
      this.size--;
      if (this.size > 0) {
        this.pos[0] = this.pos[this.size];
        this.val[0] = this.val[this.size];
        this.siftDown(0);
      }
    }
    return { positions, scores };
  }
}

/**
 * Positions (into `scores`) of the k largest scores, best first.
 * @param scores one score per candidate; NaN scores are never selected.
 */
export function topK(scores: ArrayLike<number>, k: number): Int32Array {
  const heap = new TopKHeap(Math.min(k, scores.length));
  for (let i = 0; i < scores.length; i++) heap.offer(i, scores[i]);
  return heap.take().positions;
}
