/**
 * The order in which the ready queue serves unlabeled items after a retrain: the strategy's picks,
 * then the {@link RANKED} least confident other unlabeled items, least confident first (a
 * fallback so the queue never runs dry before the next retrain), then every other unlabeled item
 * in pool order. Only the first RANKED are ranked: a bounded max-heap keeps them in one pass,
 * O(n log M) instead of sorting the whole pool (10^6 items) on every retrain; a retrain comes long
 * before RANKED fallback items are served (every `retrainEvery` labels, 10 by default), and the
 * unranked tail only keeps the queue from running dry meanwhile.
 */

/** Fallback items ranked by confidence after the strategy's picks (M). */
export const RANKED = 4096;

/**
 * The ranking the queue serves (see the module comment), with the strategy's scores for its picks
 * and NaN for the rest. The first `picked.length + m` entries are those a full sort by
 * (confidence, pool index) would give.
 */
export function completeOrder(picked: Int32Array, pickedScores: Float64Array, unlabeled: Int32Array, conf: Float32Array, m = RANKED): { order: Int32Array; scores: Float64Array } {
  const taken = new Uint8Array(conf.length);
  for (const i of picked) taken[i] = 1;
  // before(a, b): a is served before b (less confident, then lower index).
  const before = (a: number, b: number): boolean => conf[a] < conf[b] || (conf[a] === conf[b] && a < b);
  // Max-heap (root = the last of the kept) of the m items to serve first.
  const heap = new Int32Array(Math.max(0, Math.min(m, unlabeled.length)));
  let size = 0;
  const siftDown = (at: number): void => {
    const x = heap[at];
    for (;;) {
      const l = 2 * at + 1;
      if (l >= size) break;
      const c = l + 1 < size && before(heap[l], heap[l + 1]) ? l + 1 : l;
      if (!before(x, heap[c])) break;
      heap[at] = heap[c];
      at = c;
    }
    heap[at] = x;
  };
  let rest = 0;
  for (const i of unlabeled) {
    if (taken[i] === 1) continue;
    rest++;
    if (heap.length === 0) continue;
    if (size < heap.length) {
      let at = size++;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (!before(heap[up], i)) break;
        heap[at] = heap[up];
        at = up;
      }
      heap[at] = i;
    } else if (before(i, heap[0])) {
      heap[0] = i;
      siftDown(0);
    }
  }
  const order = new Int32Array(picked.length + rest);
  order.set(picked, 0);
  // Empty the heap from the back: the root is always the last of what is left.
  const ranked = size;
  for (let k = size - 1; k >= 0; k--) {
    const top = heap[0];
    order[picked.length + k] = top;
    taken[top] = 1;
    heap[0] = heap[--size];
    siftDown(0);
  }
  let q = picked.length + ranked;
  for (const i of unlabeled) if (taken[i] === 0) order[q++] = i;
  const scores = new Float64Array(order.length).fill(NaN);
  scores.set(pickedScores, 0);
  return { order, scores };
}
