/** The order in which the ready queue serves unlabeled items after a retrain. */

/**
 * The ranking the queue serves: the strategy's picks first, then every other unlabeled item in
 * least-confidence order (a fallback so the queue never runs dry before the next retrain), with
 * score NaN.
 */
export function completeOrder(picked: Int32Array, pickedScores: Float64Array, unlabeled: Int32Array, conf: Float32Array): { order: Int32Array; scores: Float64Array } {
  const chosen = new Set(picked);
  const rest = Array.from(unlabeled).filter((i) => !chosen.has(i));
  rest.sort((a, b) => conf[a] - conf[b] || a - b);
  const order = new Int32Array(picked.length + rest.length);
  order.set(picked, 0);
  order.set(rest, picked.length);
  const scores = new Float64Array(order.length).fill(NaN);
  scores.set(pickedScores, 0);
  return { order, scores };
}
