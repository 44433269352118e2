/**
 * Turns a Dataset into a feature matrix, fitted on the pool only:
 * numeric columns mean-imputed then standardised (population sd; a constant column is only
 * centred) or min-max scaled to [0, 1] (for models that need non-negative features);
 * categorical columns one-hot encoded (categories unseen in the pool ignored; missing = all zero);
 * the text column TF-IDF (sparse). Dense output without a text column, CSR with one.
 * Fitting needs only per-column statistics ({@link Moments}, category sets, term counts), which
 * `fitStats` takes ready-made, so `init` gathers them while streaming a file and never holds it.
 *
 * @example
 * const f = new TableFeaturizer().fit(ds, poolRows);
 * const Xpool = f.transform(ds, poolRows);
 */
import { BadInputError, NotFittedError } from "../errors.js";
import type { Column, Dataset } from "../data/types.js";
import { dense, type Matrix } from "../linalg/matrix.js";
import { Tfidf, TfidfCounts } from "./tfidf.js";

export interface FeaturizerOptions {
  /** Scaling of numeric columns (default "standardize"). */
  readonly numeric?: "standardize" | "minmax";
  /** TF-IDF minimum document frequency (default 2). */
  readonly minDf?: number;
  /** 2 adds word bigrams to the text features (default 1). */
  readonly ngramMax?: 1 | 2;
}

type Part =
  | { kind: "numeric"; name: string; center: number; scale: number; fill: number }
  | { kind: "categorical"; name: string; categories: string[] }
  | { kind: "text"; name: string; tfidf: Tfidf };

export interface SavedFeaturizer {
  readonly numeric: "standardize" | "minmax";
  readonly parts: readonly unknown[];
}

const allRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/**
 * Count, mean, sum of squared deviations (m2), min and max of a numeric column, added a batch
 * at a time (NaN = missing, skipped): each batch is summed in two passes (its mean, then its
 * squared deviations) and merged with the totals so far by Chan et al.'s pairwise update, so a
 * single batch gives exactly the two-pass figures and many batches agree with them to rounding.
 */
export class Moments {
  count = 0;
  mean = 0;
  m2 = 0;
  lo = Infinity;
  hi = -Infinity;

  /** Adds the first `n` values of `values` (default all). */
  add(values: Float64Array, n = values.length): void {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      sum += v;
      count++;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    }
    if (count === 0) return;
    const mean = sum / count;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (!Number.isNaN(v)) m2 += (v - mean) * (v - mean);
    }
    if (this.count === 0) {
      this.count = count;
      this.mean = mean;
      this.m2 = m2;
      return;
    }
    const total = this.count + count;
    const delta = mean - this.mean;
    this.mean += (delta * count) / total;
    this.m2 += m2 + (delta * delta * this.count * count) / total;
    this.count = total;
  }
}

/** What fitting one column needs (see {@link TableFeaturizer.fitStats}). */
export type ColumnStats =
  | { readonly kind: "numeric"; readonly name: string; readonly moments: Moments }
  | { readonly kind: "categorical"; readonly name: string; readonly categories: Iterable<string> }
  | { readonly kind: "text"; readonly name: string; readonly counts: TfidfCounts };

export class TableFeaturizer {
  readonly numeric: "standardize" | "minmax";
  readonly minDf: number;
  readonly ngramMax: 1 | 2;
  private parts: Part[] | null = null;

  constructor(options: FeaturizerOptions = {}) {
    this.numeric = options.numeric ?? "standardize";
    this.minDf = options.minDf ?? 2;
    this.ngramMax = options.ngramMax ?? 1;
  }

  /** Number of output features. */
  get width(): number {
    if (this.parts === null) throw new NotFittedError("TableFeaturizer");
    let w = 0;
    for (const p of this.parts) w += partWidth(p);
    return w;
  }

  /** Output feature names ("age", "state=KS", "text:refund"). */
  featureNames(): string[] {
    if (this.parts === null) throw new NotFittedError("TableFeaturizer");
    const out: string[] = [];
    for (const p of this.parts) {
      if (p.kind === "numeric") out.push(p.name);
      else if (p.kind === "categorical") for (const c of p.categories) out.push(`${p.name}=${c}`);
      else for (const t of p.tfidf.vocabulary()) out.push(`${p.name}:${t}`);
    }
    return out;
  }

  /** Learns imputation, scaling, categories and vocabulary from `rows` of `ds` (default all). */
  fit(ds: Dataset, rows?: ArrayLike<number>): this {
    const idx = rows ?? allRows(ds.rows);
    const stats: ColumnStats[] = ds.columns.map((col): ColumnStats => {
      if (col.kind === "numeric") {
        const m = new Moments();
        m.add(Float64Array.from({ length: idx.length }, (_, t) => col.values[idx[t]]));
        return { kind: "numeric", name: col.name, moments: m };
      }
      if (col.kind === "categorical") {
        const seen = new Set<string>();
        for (let t = 0; t < idx.length; t++) {
          const v = col.values[idx[t]];
          if (v !== null) seen.add(v);
        }
        return { kind: "categorical", name: col.name, categories: seen };
      }
      const counts = new TfidfCounts(this.ngramMax);
      for (let t = 0; t < idx.length; t++) counts.add(col.values[idx[t]]);
      return { kind: "text", name: col.name, counts };
    });
    return this.fitStats(stats);
  }

  /**
   * Fits from statistics gathered beforehand, column by column (what `init` collects while it
   * streams a file once); the same result as {@link fit} on the rows they were gathered from.
   */
  fitStats(stats: readonly ColumnStats[]): this {
    this.parts = stats.map((c): Part => {
      if (c.kind === "numeric") return this.numericPart(c.name, c.moments);
      if (c.kind === "categorical") return { kind: "categorical", name: c.name, categories: [...c.categories].sort() };
      return { kind: "text", name: c.name, tfidf: new Tfidf({ minDf: this.minDf, ngramMax: this.ngramMax }).fitCounts(c.counts) };
    });
    return this;
  }

  private numericPart(name: string, m: Moments): Part {
    const count = m.count;
    const mean = count > 0 ? m.mean : 0;
    if (this.numeric === "minmax") {
      const range = count > 0 && m.hi > m.lo ? m.hi - m.lo : 1;
      return { kind: "numeric", name, center: count > 0 ? m.lo : 0, scale: range, fill: mean };
    }
    const sd = count > 0 ? Math.sqrt(m.m2 / count) : 0;
    return { kind: "numeric", name, center: mean, scale: sd > 0 ? sd : 1, fill: mean };
  }

  /** Features of `rows` of `ds` (default all), columns matched by name. */
  transform(ds: Dataset, rows?: ArrayLike<number>): Matrix {
    const parts = this.parts;
    if (parts === null) throw new NotFittedError("TableFeaturizer");
    const idx = rows ?? allRows(ds.rows);
    const byName = new Map(ds.columns.map((c) => [c.name, c]));
    const cols = parts.map((p) => {
      const c = byName.get(p.name);
      if (c === undefined) throw new BadInputError(`column is missing (the model was trained with it)`, { file: ds.source, column: p.name });
      return c;
    });
    const n = idx.length;
    if (!parts.some((p) => p.kind === "text")) {
      const w = this.width;
      const X = dense(n, w);
      let off = 0;
      parts.forEach((p, pi) => {
        const col = cols[pi];
        for (let r = 0; r < n; r++) {
          const base = r * w + off;
          if (p.kind === "numeric") X.data[base] = numericValue(p, col, idx[r], ds);
          else if (p.kind === "categorical") {
            const v = categoryOf(col, idx[r]);
            const j = v === null ? -1 : binarySearch(p.categories, v);
            if (j >= 0) X.data[base + j] = 1;
          }
        }
        off += partWidth(p);
      });
      return X;
    }
    // Sparse: count then fill. Text blocks come from the TF-IDF transform; the first pass sizes
    // every row (non-zero numerics, matched categories, text non-zeros), the second fills
    // typed arrays of exactly that size.
    const textBlocks = parts.map((p, pi) => {
      if (p.kind !== "text") return null;
      const col = cols[pi];
      return p.tfidf.transform(Array.from({ length: n }, (_, t) => categoryOf(col, idx[t])));
    });
    const catIndex = parts.map((p, pi) => {
      if (p.kind !== "categorical") return null;
      const col = cols[pi];
      return Int32Array.from({ length: n }, (_, r) => {
        const v = categoryOf(col, idx[r]);
        return v === null ? -1 : binarySearch(p.categories, v);
      });
    });
    const numValues = parts.map((p) => (p.kind === "numeric" ? new Float64Array(n) : null));
    const indptr = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) {
      let m = 0;
      for (let pi = 0; pi < parts.length; pi++) {
        const p = parts[pi];
        const num = numValues[pi];
        const cat = catIndex[pi];
        const B = textBlocks[pi];
        if (num !== null && p.kind === "numeric") {
          // Row by row, column by column: the first bad cell reported is the one it always was.
          num[r] = numericValue(p, cols[pi], idx[r], ds);
          m += num[r] !== 0 ? 1 : 0;
        }
        else if (cat !== null) m += cat[r] >= 0 ? 1 : 0;
        else if (B !== null) m += B.indptr[r + 1] - B.indptr[r];
      }
      indptr[r + 1] = indptr[r] + m;
    }
    const ind = new Int32Array(indptr[n]);
    const val = new Float64Array(indptr[n]);
    let at = 0;
    for (let r = 0; r < n; r++) {
      let off = 0;
      for (let pi = 0; pi < parts.length; pi++) {
        const num = numValues[pi];
        const cat = catIndex[pi];
        const B = textBlocks[pi];
        if (num !== null) {
          if (num[r] !== 0) {
            ind[at] = off;
            val[at++] = num[r];
          }
        } else if (cat !== null) {
          if (cat[r] >= 0) {
            ind[at] = off + cat[r];
            val[at++] = 1;
          }
        } else if (B !== null) {
          for (let q = B.indptr[r]; q < B.indptr[r + 1]; q++) {
            ind[at] = off + B.indices[q];
            val[at++] = B.values[q];
          }
        }
        off += partWidth(parts[pi]);
      }
    }
    return { kind: "csr", rows: n, cols: this.width, indptr, indices: ind, values: val };
  }

  toJSON(): SavedFeaturizer {
    if (this.parts === null) throw new NotFittedError("TableFeaturizer");
    return {
      numeric: this.numeric,
      parts: this.parts.map((p) => (p.kind === "text" ? { kind: "text", name: p.name, tfidf: p.tfidf.toJSON() } : p)),
    };
  }

  static fromJSON(s: SavedFeaturizer): TableFeaturizer {
    const f = new TableFeaturizer({ numeric: s.numeric });
    f.parts = s.parts.map((raw) => {
      const p = raw as { kind: string; name: string; tfidf?: Parameters<typeof Tfidf.fromJSON>[0] };
      if (p.kind === "text" && p.tfidf !== undefined) return { kind: "text", name: p.name, tfidf: Tfidf.fromJSON(p.tfidf) };
      return raw as Part;
    });
    return f;
  }
}

function partWidth(p: Part): number {
  return p.kind === "numeric" ? 1 : p.kind === "categorical" ? p.categories.length : p.tfidf.vocabularySize;
}

function numericValue(p: Extract<Part, { kind: "numeric" }>, col: Column, i: number, ds: Dataset): number {
  let v: number;
  if (col.kind === "numeric") v = col.values[i];
  else {
    const s = col.values[i];
    v = s === null ? NaN : Number(s.trim());
    if (s !== null && (s.trim() === "" || !Number.isFinite(v))) {
      throw new BadInputError(`expected a number, got "${s}"`, { file: ds.source, row: ds.rowNumbers[i], column: col.name });
    }
  }
  if (Number.isNaN(v)) v = p.fill;
  return (v - p.center) / p.scale;
}

function categoryOf(col: Column, i: number): string | null {
  if (col.kind === "numeric") {
    const v = col.values[i];
    return Number.isNaN(v) ? null : String(v);
  }
  return col.values[i];
}

function binarySearch(sorted: readonly string[], v: string): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = sorted[mid];
    if (m === v) return mid;
    if (m < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
