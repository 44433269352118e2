// AssemblyScript, compiled by `npm run build` to dist/wasm/logistic.wasm (SIMD, f64x2).
// The hot loop of logistic regression: the objective of src/models/logistic.ts (summed log loss
// + ||W||^2 / (2C)) and its gradient, on rows copied into this module's memory. The caller
// (src/linalg/wasm.ts) owns the layout: every pointer is a byte offset, matrices are row-major
// with dp (even) doubles per row, weights class-major m x dp, zero in the padding column.

/** s[r * m + c] = x_r . w_c + b_c for r < n: blocks of four rows by two classes, f64x2 lanes. */
export function scores(n: i32, dp: i32, m: i32, x: usize, w: usize, b: usize, s: usize): void {
  const rowBytes = (<usize>dp) << 3;
  const outRow = (<usize>m) << 3;
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const xa = x + <usize>r * rowBytes;
    const xb = xa + rowBytes;
    const xc = xb + rowBytes;
    const xd = xc + rowBytes;
    const oa = s + <usize>r * outRow;
    let c = 0;
    for (; c + 1 < m; c += 2) {
      const w0 = w + <usize>c * rowBytes;
      const w1 = w0 + rowBytes;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      let c0 = f64x2.splat(0);
      let c1 = f64x2.splat(0);
      let d0 = f64x2.splat(0);
      let d1 = f64x2.splat(0);
      for (let j: usize = 0; j < rowBytes; j += 16) {
        const p = v128.load(w0 + j);
        const q = v128.load(w1 + j);
        let v = v128.load(xa + j);
        a0 = f64x2.add(a0, f64x2.mul(v, p));
        a1 = f64x2.add(a1, f64x2.mul(v, q));
        v = v128.load(xb + j);
        b0 = f64x2.add(b0, f64x2.mul(v, p));
        b1 = f64x2.add(b1, f64x2.mul(v, q));
        v = v128.load(xc + j);
        c0 = f64x2.add(c0, f64x2.mul(v, p));
        c1 = f64x2.add(c1, f64x2.mul(v, q));
        v = v128.load(xd + j);
        d0 = f64x2.add(d0, f64x2.mul(v, p));
        d1 = f64x2.add(d1, f64x2.mul(v, q));
      }
      const bc0 = load<f64>(b + ((<usize>c) << 3));
      const bc1 = load<f64>(b + ((<usize>c + 1) << 3));
      const o = (<usize>c) << 3;
      store<f64>(oa + o, hsum(a0) + bc0);
      store<f64>(oa + o + 8, hsum(a1) + bc1);
      store<f64>(oa + outRow + o, hsum(b0) + bc0);
      store<f64>(oa + outRow + o + 8, hsum(b1) + bc1);
      store<f64>(oa + 2 * outRow + o, hsum(c0) + bc0);
      store<f64>(oa + 2 * outRow + o + 8, hsum(c1) + bc1);
      store<f64>(oa + 3 * outRow + o, hsum(d0) + bc0);
      store<f64>(oa + 3 * outRow + o + 8, hsum(d1) + bc1);
    }
    for (; c < m; c++) {
      const w0 = w + <usize>c * rowBytes;
      let a0 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let c0 = f64x2.splat(0);
      let d0 = f64x2.splat(0);
      for (let j: usize = 0; j < rowBytes; j += 16) {
        const p = v128.load(w0 + j);
        a0 = f64x2.add(a0, f64x2.mul(v128.load(xa + j), p));
        b0 = f64x2.add(b0, f64x2.mul(v128.load(xb + j), p));
        c0 = f64x2.add(c0, f64x2.mul(v128.load(xc + j), p));
        d0 = f64x2.add(d0, f64x2.mul(v128.load(xd + j), p));
      }
      const bc = load<f64>(b + ((<usize>c) << 3));
      const o = (<usize>c) << 3;
      store<f64>(oa + o, hsum(a0) + bc);
      store<f64>(oa + outRow + o, hsum(b0) + bc);
      store<f64>(oa + 2 * outRow + o, hsum(c0) + bc);
      store<f64>(oa + 3 * outRow + o, hsum(d0) + bc);
    }
  }
  for (; r < n; r++) {
    const xa = x + <usize>r * rowBytes;
    const oa = s + <usize>r * outRow;
    for (let c = 0; c < m; c++) {
      const w0 = w + <usize>c * rowBytes;
      let a0 = f64x2.splat(0);
      for (let j: usize = 0; j < rowBytes; j += 16) a0 = f64x2.add(a0, f64x2.mul(v128.load(xa + j), v128.load(w0 + j)));
      store<f64>(oa + ((<usize>c) << 3), hsum(a0) + load<f64>(b + ((<usize>c) << 3)));
    }
  }
}

/**
 * CSR scores: s[r * mp + c] = b_c + sum over row r's non-zeros q (in order) of values[q] * wt[indices[q], c],
 * for r < n. wt is feature-major (row j holds feature j's weight for every class, mp doubles,
 * mp even, zero padding), so each non-zero is one f64x2 multiply-add per class pair over a
 * contiguous row of wt. Row r's non-zeros are indptr[r] .. indptr[r + 1] (i32, positions in
 * indices (i32) and values (f64)). The sums run in the order of the JS loop, starting from b,
 * so the results equal it exactly.
 */
export function csrScores(n: i32, mp: i32, indptr: usize, indices: usize, values: usize, wt: usize, b: usize, s: usize): void {
  const rowBytes = (<usize>mp) << 3;
  if (mp == 2) {
    const b0 = v128.load(b);
    for (let r = 0; r < n; r++) {
      let a0 = b0;
      const q1 = load<i32>(indptr + ((<usize>r + 1) << 2));
      for (let q = load<i32>(indptr + ((<usize>r) << 2)); q < q1; q++) {
        const x = f64x2.splat(load<f64>(values + ((<usize>q) << 3)));
        const wr = wt + <usize>load<i32>(indices + ((<usize>q) << 2)) * 16;
        a0 = f64x2.add(a0, f64x2.mul(x, v128.load(wr)));
      }
      v128.store(s + <usize>r * 16, a0);
    }
    return;
  }
  if (mp == 4) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    for (let r = 0; r < n; r++) {
      let a0 = b0;
      let a1 = b1;
      const q1 = load<i32>(indptr + ((<usize>r + 1) << 2));
      for (let q = load<i32>(indptr + ((<usize>r) << 2)); q < q1; q++) {
        const x = f64x2.splat(load<f64>(values + ((<usize>q) << 3)));
        const wr = wt + <usize>load<i32>(indices + ((<usize>q) << 2)) * 32;
        a0 = f64x2.add(a0, f64x2.mul(x, v128.load(wr)));
        a1 = f64x2.add(a1, f64x2.mul(x, v128.load(wr, 16)));
      }
      const o = s + <usize>r * 32;
      v128.store(o, a0);
      v128.store(o, a1, 16);
    }
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = s + <usize>r * rowBytes;
    for (let j: usize = 0; j < rowBytes; j += 16) v128.store(o + j, v128.load(b + j));
    const q1 = load<i32>(indptr + ((<usize>r + 1) << 2));
    for (let q = load<i32>(indptr + ((<usize>r) << 2)); q < q1; q++) {
      const x = f64x2.splat(load<f64>(values + ((<usize>q) << 3)));
      const wr = wt + <usize>load<i32>(indices + ((<usize>q) << 2)) * rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16) v128.store(o + j, f64x2.add(v128.load(o + j), f64x2.mul(x, v128.load(wr + j))));
    }
  }
}

/**
 * exp(x) by fdlibm's e_exp.c, the algorithm of V8's Math.exp (base::ieee754::exp): the same
 * operations on the same constants, so the same bits (checked on millions of arguments across
 * the range, subnormal results and specials included), and probabilities computed here equal
 * the JS path's exactly.
 */
// @ts-ignore: decorator
@inline function fdexp(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (xsb == 0) { hi = x - 6.93147180369123816490e-01; lo = 1.90821492927058770002e-10; k = 1; }
      else { hi = x + 6.93147180369123816490e-01; lo = -1.90821492927058770002e-10; k = -1; }
    } else {
      k = <i32>(1.44269504088896338700e+00 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * 6.93147180369123816490e-01;
      lo = t * 1.90821492927058770002e-10;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  } else k = 0;
  const t = x * x;
  const c = x - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return reinterpret<f64>(reinterpret<u64>(y) + (<u64>k << 52));
  return reinterpret<f64>(reinterpret<u64>(y) + (<u64>(k + 1000) << 52)) * 9.33263618503218878990e-302;
}
/**
 * Probabilities and an uncertainty measure of n rows of scores (s, `stride` doubles a row):
 * binomial (m = 1): p = (1 - sigmoid(z), sigmoid(z)); else a softmax over the m scores: the
 * formulas of models/logistic.ts and linalg/kernels.ts softmaxRows, in their order. The
 * probabilities go to p (n x 2 or n x m); measure 1 (margin: 1 - (p(1) - p(2))) or 2 (least
 * confidence: 1 - p(1)) to u (n doubles); 0: none.
 */
export function linkMeasure(n: i32, m: i32, s: usize, stride: i32, binomial: i32, measure: i32, p: usize, u: usize): void {
  const cols = binomial != 0 ? 2 : m;
  const inRow = (<usize>stride) << 3;
  const outRow = (<usize>cols) << 3;
  for (let r = 0; r < n; r++) {
    const q = s + <usize>r * inRow;
    const o = p + <usize>r * outRow;
    if (binomial != 0) {
      const z = load<f64>(q);
      const p1 = z >= 0 ? 1 / (1 + fdexp(-z)) : fdexp(z) / (1 + fdexp(z));
      store<f64>(o, 1 - p1);
      store<f64>(o, p1, 8);
    } else {
      let mx = -Infinity;
      for (let t = 0; t < m; t++) {
        const v = load<f64>(q + ((<usize>t) << 3));
        if (v > mx) mx = v;
      }
      let z: f64 = 0;
      for (let t = 0; t < m; t++) {
        const e = fdexp(load<f64>(q + ((<usize>t) << 3)) - mx);
        store<f64>(o + ((<usize>t) << 3), e);
        z += e;
      }
      const inv = 1 / z;
      for (let t = 0; t < m; t++) {
        const a = o + ((<usize>t) << 3);
        store<f64>(a, load<f64>(a) * inv);
      }
    }
    if (measure == 1) {
      let a: f64 = 0;
      let b: f64 = 0;
      for (let t = 0; t < cols; t++) {
        const v = load<f64>(o + ((<usize>t) << 3));
        if (v > a) {
          b = a;
          a = v;
        } else if (v > b) b = v;
      }
      store<f64>(u + ((<usize>r) << 3), 1 - (a - b));
    } else if (measure == 2) {
      let a: f64 = 0;
      for (let t = 0; t < cols; t++) {
        const v = load<f64>(o + ((<usize>t) << 3));
        if (v > a) a = v;
      }
      store<f64>(u + ((<usize>r) << 3), 1 - a);
    }
  }
}

/** gw[c, :] += sum_r g[r * m + c] * x_r; gb[c] += sum_r g[r * m + c]. */
export function gradient(n: i32, dp: i32, m: i32, x: usize, g: usize, gw: usize, gb: usize): void {
  const rowBytes = (<usize>dp) << 3;
  const gRow = (<usize>m) << 3;
  for (let r = 0; r < n; r++) {
    const o = g + <usize>r * gRow;
    for (let c = 0; c < m; c++) {
      const p = gb + ((<usize>c) << 3);
      store<f64>(p, load<f64>(p) + load<f64>(o + ((<usize>c) << 3)));
    }
  }
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const xa = x + <usize>r * rowBytes;
    const xb = xa + rowBytes;
    const xc = xb + rowBytes;
    const xd = xc + rowBytes;
    const oa = g + <usize>r * gRow;
    let c = 0;
    for (; c + 1 < m; c += 2) {
      const o = (<usize>c) << 3;
      const a0 = f64x2.splat(load<f64>(oa + o));
      const a1 = f64x2.splat(load<f64>(oa + o + 8));
      const b0 = f64x2.splat(load<f64>(oa + gRow + o));
      const b1 = f64x2.splat(load<f64>(oa + gRow + o + 8));
      const c0 = f64x2.splat(load<f64>(oa + 2 * gRow + o));
      const c1 = f64x2.splat(load<f64>(oa + 2 * gRow + o + 8));
      const d0 = f64x2.splat(load<f64>(oa + 3 * gRow + o));
      const d1 = f64x2.splat(load<f64>(oa + 3 * gRow + o + 8));
      const w0 = gw + <usize>c * rowBytes;
      const w1 = w0 + rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16) {
        const va = v128.load(xa + j);
        const vb = v128.load(xb + j);
        const vc = v128.load(xc + j);
        const vd = v128.load(xd + j);
        let t = f64x2.add(f64x2.add(f64x2.mul(a0, va), f64x2.mul(b0, vb)), f64x2.add(f64x2.mul(c0, vc), f64x2.mul(d0, vd)));
        v128.store(w0 + j, f64x2.add(v128.load(w0 + j), t));
        t = f64x2.add(f64x2.add(f64x2.mul(a1, va), f64x2.mul(b1, vb)), f64x2.add(f64x2.mul(c1, vc), f64x2.mul(d1, vd)));
        v128.store(w1 + j, f64x2.add(v128.load(w1 + j), t));
      }
    }
    for (; c < m; c++) {
      const o = (<usize>c) << 3;
      const a0 = f64x2.splat(load<f64>(oa + o));
      const b0 = f64x2.splat(load<f64>(oa + gRow + o));
      const c0 = f64x2.splat(load<f64>(oa + 2 * gRow + o));
      const d0 = f64x2.splat(load<f64>(oa + 3 * gRow + o));
      const w0 = gw + <usize>c * rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16) {
        const t = f64x2.add(f64x2.add(f64x2.mul(a0, v128.load(xa + j)), f64x2.mul(b0, v128.load(xb + j))), f64x2.add(f64x2.mul(c0, v128.load(xc + j)), f64x2.mul(d0, v128.load(xd + j))));
        v128.store(w0 + j, f64x2.add(v128.load(w0 + j), t));
      }
    }
  }
  for (; r < n; r++) {
    const xa = x + <usize>r * rowBytes;
    const oa = g + <usize>r * gRow;
    for (let c = 0; c < m; c++) {
      const a0 = f64x2.splat(load<f64>(oa + ((<usize>c) << 3)));
      const w0 = gw + <usize>c * rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16) v128.store(w0 + j, f64x2.add(v128.load(w0 + j), f64x2.mul(a0, v128.load(xa + j))));
    }
  }
}

/**
 * The objective at (w, b): returns summed log loss + ||w||^2 * invC / 2 and writes its gradient
 * to (gw, gb). m = 1: binomial, y[r] in {0, 1}; m >= 3: softmax, y[r] in 0..m-1 (i32). s is
 * n x m scratch.
 */
export function objective(n: i32, dp: i32, m: i32, x: usize, y: usize, w: usize, b: usize, s: usize, gw: usize, gb: usize, invC: f64): f64 {
  scores(n, dp, m, x, w, b, s);
  let loss: f64 = 0;
  if (m == 1) {
    for (let r = 0; r < n; r++) {
      const p = s + ((<usize>r) << 3);
      const z = load<f64>(p);
      const e = Math.exp(-Math.abs(z));
      const pos = load<i32>(y + ((<usize>r) << 2)) == 1;
      const t = pos ? z : -z;
      loss += (t < 0 ? -t : 0) + Math.log1p(e);
      const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      store<f64>(p, pos ? sig - 1 : sig);
    }
  } else {
    const row = (<usize>m) << 3;
    for (let r = 0; r < n; r++) {
      const o = s + <usize>r * row;
      let mx = load<f64>(o);
      for (let c = 1; c < m; c++) mx = Math.max(mx, load<f64>(o + ((<usize>c) << 3)));
      const yr = load<i32>(y + ((<usize>r) << 2));
      const sy = load<f64>(o + ((<usize>yr) << 3)) - mx;
      let z: f64 = 0;
      for (let c = 0; c < m; c++) {
        const p = o + ((<usize>c) << 3);
        const e = Math.exp(load<f64>(p) - mx);
        store<f64>(p, e);
        z += e;
      }
      loss += Math.log(z) - sy;
      const inv = 1 / z;
      for (let c = 0; c < m; c++) {
        const p = o + ((<usize>c) << 3);
        store<f64>(p, load<f64>(p) * inv);
      }
      const py = o + ((<usize>yr) << 3);
      store<f64>(py, load<f64>(py) - 1);
    }
  }
  // Regularisation: gw = w * invC, gb = 0, then the data term.
  const nw = (<usize>m * <usize>dp) << 3;
  const ic = f64x2.splat(invC);
  let reg = f64x2.splat(0);
  for (let j: usize = 0; j < nw; j += 16) {
    const v = v128.load(w + j);
    reg = f64x2.add(reg, f64x2.mul(v, v));
    v128.store(gw + j, f64x2.mul(v, ic));
  }
  for (let c = 0; c < m; c++) store<f64>(gb + ((<usize>c) << 3), 0);
  gradient(n, dp, m, x, s, gw, gb);
  return loss + 0.5 * invC * hsum(reg);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** First byte after the module's static data: the caller's buffers start here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * L-BFGS two-loop recursion: d = -H g from the stored (s, y) pairs (rows of S and Y, np doubles
 * each, np even, zero padding), newest at slot head - 1. Returns g . d.
 */
export function lbfgsDirection(np: i32, m: i32, stored: i32, head: i32, S: usize, Y: usize, rho: usize, alpha: usize, g: usize, d: usize): f64 {
  const bytes = (<usize>np) << 3;
  for (let j: usize = 0; j < bytes; j += 16) v128.store(d + j, f64x2.neg(v128.load(g + j)));
  for (let t = 0; t < stored; t++) {
    const slot = (head - 1 - t + m) % m;
    const sp = S + <usize>slot * bytes;
    const yp = Y + <usize>slot * bytes;
    const a = load<f64>(rho + ((<usize>slot) << 3)) * dot(sp, d, bytes);
    store<f64>(alpha + ((<usize>slot) << 3), a);
    axpy(-a, yp, d, bytes);
  }
  if (stored > 0) {
    const last = (head - 1 + m) % m;
    const yp = Y + <usize>last * bytes;
    const gamma = f64x2.splat(1 / (load<f64>(rho + ((<usize>last) << 3)) * dot(yp, yp, bytes)));
    for (let j: usize = 0; j < bytes; j += 16) v128.store(d + j, f64x2.mul(v128.load(d + j), gamma));
  }
  for (let t = stored - 1; t >= 0; t--) {
    const slot = (head - 1 - t + m) % m;
    const sp = S + <usize>slot * bytes;
    const yp = Y + <usize>slot * bytes;
    const b = load<f64>(rho + ((<usize>slot) << 3)) * dot(yp, d, bytes);
    axpy(load<f64>(alpha + ((<usize>slot) << 3)) - b, sp, d, bytes);
  }
  return dot(g, d, bytes);
}

// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, bytes: usize): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let j: usize = 0;
  for (; j + 16 < bytes; j += 32) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + j), v128.load(b + j)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + j + 16), v128.load(b + j + 16)));
  }
  if (j < bytes) s0 = f64x2.add(s0, f64x2.mul(v128.load(a + j), v128.load(b + j)));
  return hsum(f64x2.add(s0, s1));
}

// @ts-ignore: decorator
@inline function axpy(alpha: f64, x: usize, y: usize, bytes: usize): void {
  const a = f64x2.splat(alpha);
  for (let j: usize = 0; j < bytes; j += 16) v128.store(y + j, f64x2.add(v128.load(y + j), f64x2.mul(a, v128.load(x + j))));
}
