/** Uncertainty measures of one probability row, shared by the pool pass (pool-scores.ts) and models/scoring.ts. */

/** 1 - max_c p_c of the row p[o .. o + k). */
export function leastConfidenceOf(p: Float64Array, o: number, k: number): number {
  let m = 0;
  for (let c = 0; c < k; c++) if (p[o + c] > m) m = p[o + c];
  return 1 - m;
}

/** 1 - (p(1) - p(2)) of the row p[o .. o + k) (p(2) = 0 when k = 1). */
export function marginOf(p: Float64Array, o: number, k: number): number {
  let a = 0;
  let b = 0;
  for (let c = 0; c < k; c++) {
    const v = p[o + c];
    if (v > a) {
      b = a;
      a = v;
    } else if (v > b) b = v;
  }
  return 1 - (a - b);
}
