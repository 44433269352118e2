/**
 * TF-IDF as scikit-learn's TfidfVectorizer computes it with `sublinear_tf=True`, `min_df`:
 * lower-cased tokens of two or more word characters (letters, digits, underscore), optional
 * bigrams of adjacent tokens, tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1 (smooth idf),
 * each row scaled to unit L2 norm. Output is CSR; nothing is densified.
 *
 * @example
 * const t = new Tfidf({ minDf: 2 }).fit(["a cheap offer", "cheap cheap pills"]);
 * const X = t.transform(["cheap offer"]); // CSR, 1 x vocabulary size
 */
import { BadOptionError, NotFittedError } from "../errors.js";
import type { CsrMatrix } from "../linalg/matrix.js";

const TOKEN = /[\p{L}\p{N}\p{M}_]{2,}/gu;

/** Lower-cased tokens of two or more word characters. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export interface TfidfOptions {
  /** Minimum number of documents a term must occur in (default 2). */
  readonly minDf?: number;
  /** Largest n-gram (1 = unigrams, 2 = unigrams and bigrams; default 1). */
  readonly ngramMax?: 1 | 2;
  /** Keep only the most frequent terms (by corpus count; default unlimited). */
  readonly maxFeatures?: number;
}

function terms(text: string | null, ngramMax: number): string[] {
  if (text === null) return [];
  const toks = tokenize(text);
  if (ngramMax < 2) return toks;
  const out = toks.slice();
  for (let i = 0; i + 1 < toks.length; i++) out.push(`${toks[i]} ${toks[i + 1]}`);
  return out;
}

/**
 * Document and corpus frequencies of terms, gathered one document at a time (what fitting needs,
 * so a file can be streamed instead of held).
 */
export class TfidfCounts {
  readonly df = new Map<string, number>();
  readonly total = new Map<string, number>();
  docs = 0;
  constructor(readonly ngramMax: 1 | 2 = 1) {}

  add(doc: string | null): void {
    this.docs++;
    const seen = new Set<string>();
    for (const t of terms(doc, this.ngramMax)) {
      this.total.set(t, (this.total.get(t) ?? 0) + 1);
      if (!seen.has(t)) {
        seen.add(t);
        this.df.set(t, (this.df.get(t) ?? 0) + 1);
      }
    }
  }
}

export class Tfidf {
  readonly minDf: number;
  readonly ngramMax: 1 | 2;
  readonly maxFeatures: number;
  private vocab: Map<string, number> | null = null;
  private idf: Float64Array | null = null;

  constructor(options: TfidfOptions = {}) {
    this.minDf = options.minDf ?? 2;
    this.ngramMax = options.ngramMax ?? 1;
    this.maxFeatures = options.maxFeatures ?? Infinity;
    if (!(this.minDf >= 1)) throw new BadOptionError([`tfidf: minDf must be >= 1, got ${this.minDf}`]);
  }

  get vocabularySize(): number {
    return this.vocab?.size ?? 0;
  }

  /** The vocabulary in column order. */
  vocabulary(): string[] {
    if (this.vocab === null) throw new NotFittedError("Tfidf");
    return [...this.vocab.keys()];
  }

  fit(docs: readonly (string | null)[]): this {
    const counts = new TfidfCounts(this.ngramMax);
    for (const doc of docs) counts.add(doc);
    return this.fitCounts(counts);
  }

  /** Fits from document frequencies gathered beforehand (a streamed pass over the documents). */
  fitCounts(counts: TfidfCounts): this {
    const { df, total } = counts;
    let kept = [...df.entries()].filter(([, c]) => c >= this.minDf).map(([t]) => t);
    if (kept.length > this.maxFeatures) {
      kept.sort((a, b) => (total.get(b) ?? 0) - (total.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
      kept = kept.slice(0, this.maxFeatures);
    }
    kept.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const n = counts.docs;
    this.vocab = new Map(kept.map((t, i) => [t, i]));
    this.idf = Float64Array.from(kept, (t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
    return this;
  }

  transform(docs: readonly (string | null)[]): CsrMatrix {
    const vocab = this.vocab;
    const idf = this.idf;
    if (vocab === null || idf === null) throw new NotFittedError("Tfidf");
    const indptr = new Int32Array(docs.length + 1);
    const idx: number[] = [];
    const vals: number[] = [];
    for (let r = 0; r < docs.length; r++) {
      const counts = new Map<number, number>();
      for (const t of terms(docs[r], this.ngramMax)) {
        const j = vocab.get(t);
        if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
      }
      const cols = [...counts.keys()].sort((a, b) => a - b);
      let norm = 0;
      const start = vals.length;
      for (const j of cols) {
        const v = (1 + Math.log(counts.get(j) ?? 1)) * idf[j];
        idx.push(j);
        vals.push(v);
        norm += v * v;
      }
      if (norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let q = start; q < vals.length; q++) vals[q] *= inv;
      }
      indptr[r + 1] = vals.length;
    }
    return { kind: "csr", rows: docs.length, cols: vocab.size, indptr, indices: Int32Array.from(idx), values: Float64Array.from(vals) };
  }

  toJSON(): { minDf: number; ngramMax: number; vocabulary: string[]; idf: number[] } {
    if (this.vocab === null || this.idf === null) throw new NotFittedError("Tfidf");
    return { minDf: this.minDf, ngramMax: this.ngramMax, vocabulary: [...this.vocab.keys()], idf: Array.from(this.idf) };
  }

  static fromJSON(s: { minDf: number; ngramMax: number; vocabulary: string[]; idf: number[] }): Tfidf {
    const t = new Tfidf({ minDf: s.minDf, ngramMax: s.ngramMax === 2 ? 2 : 1 });
    t.vocab = new Map(s.vocabulary.map((w, i) => [w, i]));
    t.idf = Float64Array.from(s.idf);
    return t;
  }
}
