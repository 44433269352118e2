/**
 * Top-k selection without sorting the whole pool: a size-k min-heap over the scores, O(n log k).
 * Ties go to the lower position, so selection is deterministic.
 */

/**
 * Positions (into `scores`) of the k largest scores, best first.
 * @param scores one score per candidate; NaN scores are never selected.
 */
export function topK(scores: ArrayLike<number>, k: number): Int32Array {
  const n = scores.length;
  const m = Math.min(k, n);
  if (m <= 0) return new Int32Array(0);
  const heap = new Int32Array(m);
  let size = 0;
  // "a is worse than b": lower score, or equal score and higher position.
  const worse = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < size && worse(heap[l], heap[w])) w = l;
      if (r < size && worse(heap[r], heap[w])) w = r;
      if (w === i) return;
      const t = heap[i];
      heap[i] = heap[w];
      heap[w] = t;
      i = w;
    }
  };
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) continue;
    if (size < m) {
      heap[size] = i;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c], heap[p])) break;
        const t = heap[c];
        heap[c] = heap[p];
        heap[p] = t;
        c = p;
      }
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  // Pop into best-first order.
  const out = new Int32Array(size);
  for (let t = size - 1; t >= 0; t--) {
    out[t] = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
  }
  return out;
}
