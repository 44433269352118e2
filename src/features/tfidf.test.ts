import assert from "node:assert/strict";
import test from "node:test";
import { rowToArray, type CsrMatrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { Tfidf, tokenize } from "./tfidf.js";

void test("tokens: lower-cased runs of two or more word characters", () => {
  assert.deepEqual(tokenize("Hello, WORLD! a b2 x_y 42 é café"), ["hello", "world", "b2", "x_y", "42", "café"]);
});

void test("tf-idf values follow sublinear tf, smooth idf and L2 row norm (computed by hand)", () => {
  const docs = ["cheap cheap offer", "cheap pills", "meeting offer", "rare"];
  const t = new Tfidf({ minDf: 2 }).fit(docs);
  // df: cheap 2, offer 2; pills, meeting, rare: 1 -> dropped by minDf = 2.
  assert.deepEqual(t.vocabulary(), ["cheap", "offer"]);
  const idf = Math.log(5 / 3) + 1;
  const X = t.transform(docs);
  assert.equal(X.kind, "csr");
  const a = (1 + Math.log(2)) * idf;
  const b = 1 * idf;
  const norm = Math.hypot(a, b);
  const row0 = rowToArray(X, 0);
  assert.ok(Math.abs(row0[0] - a / norm) < 1e-12 && Math.abs(row0[1] - b / norm) < 1e-12);
  assert.deepEqual(rowToArray(X, 1), [1, 0]);
  assert.deepEqual(rowToArray(X, 3), [0, 0]);
  assert.equal(X.indptr[4], 4);
});

void test("bigrams are optional; unseen words at transform time are ignored", () => {
  const t = new Tfidf({ minDf: 1, ngramMax: 2 }).fit(["new york city", "new york"]);
  assert.ok(t.vocabulary().includes("new york"));
  const X = t.transform(["boston only"]);
  assert.equal(X.indptr[1], 0);
  assert.throws(() => new Tfidf().transform(["x"]), { code: "NOT_FITTED" });
});

/** The implementation before interning and count-then-fill, kept as the reference. */
class ReferenceTfidf {
  vocab = new Map<string, number>();
  idf = new Float64Array(0);
  constructor(
    readonly minDf: number,
    readonly ngramMax: number,
    readonly maxFeatures = Infinity,
  ) {}

  private terms(text: string | null): string[] {
    if (text === null) return [];
    const toks = tokenize(text);
    if (this.ngramMax < 2) return toks;
    const out = toks.slice();
    for (let i = 0; i + 1 < toks.length; i++) out.push(`${toks[i]} ${toks[i + 1]}`);
    return out;
  }

  fit(docs: readonly (string | null)[]): this {
    const df = new Map<string, number>();
    const total = new Map<string, number>();
    for (const doc of docs) {
      const seen = new Set<string>();
      for (const t of this.terms(doc)) {
        total.set(t, (total.get(t) ?? 0) + 1);
        if (!seen.has(t)) {
          seen.add(t);
          df.set(t, (df.get(t) ?? 0) + 1);
        }
      }
    }
    let kept = [...df.entries()].filter(([, c]) => c >= this.minDf).map(([t]) => t);
    if (kept.length > this.maxFeatures) {
      kept.sort((a, b) => (total.get(b) ?? 0) - (total.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
      kept = kept.slice(0, this.maxFeatures);
    }
    kept.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const n = docs.length;
    this.vocab = new Map(kept.map((t, i) => [t, i]));
    this.idf = Float64Array.from(kept, (t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
    return this;
  }

  transform(docs: readonly (string | null)[]): CsrMatrix {
    const { vocab, idf } = this;
    const indptr = new Int32Array(docs.length + 1);
    const idx: number[] = [];
    const vals: number[] = [];
    for (let r = 0; r < docs.length; r++) {
      const counts = new Map<number, number>();
      for (const t of this.terms(docs[r])) {
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
}

/** Seeded random corpora: Zipf-ish words, mixed case, punctuation, one-letter words, non-ASCII, nulls. */
function corpus(seed: number, n: number): (string | null)[] {
  const rng = new Rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng.next() * a.length)];
  const letters = "abcdefghij";
  const words = Array.from({ length: 60 }, (_, w) => {
    let s = "";
    const len = 1 + (w % 6);
    for (let k = 0; k < len; k++) s += letters[Math.floor(rng.next() * letters.length)];
    return s;
  });
  const odd = ["Café", "naïve", "ÉCOLE", "straße", "İstanbul", "ß", "日本語", "e\u0301t\u00e9", "KELVIN\u212a", "x_y", "42", "4x4", "ǅemal", "😀smile", "a\u200bb"];
  const seps = [" ", " ", " ", ", ", ". ", "-", "\t", "!", "'", "\n"];
  return Array.from({ length: n }, () => {
    const u = rng.next();
    if (u < 0.05) return null;
    if (u < 0.08) return "";
    const len = Math.floor(rng.next() * 14);
    let s = "";
    for (let k = 0; k < len; k++) {
      const r = rng.next();
      let w = r < 0.06 ? pick(odd) : words[Math.floor(words.length * r * r)];
      const c = rng.next();
      if (c < 0.1) w = w.toUpperCase();
      else if (c < 0.2) w = w[0].toUpperCase() + w.slice(1);
      s += (k > 0 ? pick(seps) : "") + w;
    }
    return s;
  });
}

function* lazily(docs: readonly (string | null)[]): Generator<string | null> {
  for (const d of docs) yield d;
}

async function* lazilyAsync(docs: readonly (string | null)[]): AsyncGenerator<string | null> {
  for (const d of docs) {
    await Promise.resolve();
    yield d;
  }
}

void test("randomized: vocabulary, idf and every CSR array equal the reference implementation exactly", () => {
  const settings = [
    { minDf: 1, ngramMax: 1 as const },
    { minDf: 2, ngramMax: 1 as const },
    { minDf: 3, ngramMax: 2 as const },
    { minDf: 1, ngramMax: 2 as const },
    { minDf: 2, ngramMax: 2 as const, maxFeatures: 40 },
    { minDf: 1, ngramMax: 1 as const, maxFeatures: 7 },
  ];
  for (let seed = 1; seed <= 12; seed++) {
    const train = corpus(seed, 30 + seed * 25);
    const test2 = corpus(seed + 1000, 40);
    for (const o of settings) {
      const ref = new ReferenceTfidf(o.minDf, o.ngramMax, o.maxFeatures).fit(train);
      const t = new Tfidf(o).fit(train);
      const what = `seed ${seed} ${JSON.stringify(o)}`;
      assert.deepEqual(t.vocabulary(), [...ref.vocab.keys()], what);
      assert.ok(t.vocabularySize > 0, what);
      assert.deepEqual(t.toJSON().idf, Array.from(ref.idf), what);
      assert.deepEqual(t.transform(train), ref.transform(train), what);
      assert.deepEqual(t.transform(test2), ref.transform(test2), what);
      assert.deepEqual(new Tfidf(o).fitTransform(train), ref.transform(train), what);
    }
  }
});

void test("iterators: a generator fits as an array does; one-shot and re-readable transforms agree", () => {
  const docs = corpus(7, 300);
  const a = new Tfidf({ minDf: 2, ngramMax: 2 }).fit(docs);
  const b = new Tfidf({ minDf: 2, ngramMax: 2 }).fit(lazily(docs));
  assert.deepEqual(b.toJSON(), a.toJSON());
  const X = a.transform(docs);
  assert.deepEqual(b.transform(lazily(docs)), X);
  assert.deepEqual(b.transform(() => lazily(docs)), X);
  assert.deepEqual(new Tfidf({ minDf: 2, ngramMax: 2 }).fitTransform(() => lazily(docs)), X);
  // A big enough one-shot input to make the growing buffers grow several times.
  const many = corpus(8, 6000);
  assert.deepEqual(a.transform(lazily(many)), a.transform(many));
});

void test("async iterators: fitAsync, transformAsync and fitTransformAsync equal the sync results", async () => {
  const docs = corpus(9, 400);
  const sync = new Tfidf({ minDf: 2, ngramMax: 2 });
  const X = sync.fitTransform(docs);
  const t = await new Tfidf({ minDf: 2, ngramMax: 2 }).fitAsync(lazilyAsync(docs));
  assert.deepEqual(t.toJSON(), sync.toJSON());
  assert.deepEqual(await t.transformAsync(() => lazilyAsync(docs)), X);
  assert.deepEqual(await t.transformAsync(docs), X);
  let passes = 0;
  const Y = await new Tfidf({ minDf: 2, ngramMax: 2 }).fitTransformAsync(() => {
    passes++;
    return lazilyAsync(docs);
  });
  assert.deepEqual(Y, X);
  assert.equal(passes, 2);
});

void test("output arrays are exactly sized typed arrays; fromJSON transforms identically", () => {
  const docs = corpus(11, 500);
  const t = new Tfidf({ minDf: 2, ngramMax: 2 }).fit(docs);
  const X = t.transform(docs);
  assert.ok(X.indices instanceof Int32Array && X.values instanceof Float64Array);
  assert.equal(X.indices.length, X.indptr[X.rows]);
  assert.equal(X.values.length, X.indptr[X.rows]);
  assert.equal(X.indptr.length, X.rows + 1);
  assert.equal(X.indices.buffer.byteLength, X.indices.length * 4);
  for (let r = 0; r < X.rows; r++) {
    let norm = 0;
    for (let q = X.indptr[r]; q < X.indptr[r + 1]; q++) {
      if (q > X.indptr[r]) assert.ok(X.indices[q] > X.indices[q - 1], "columns strictly increase in a row");
      norm += X.values[q] ** 2;
    }
    if (X.indptr[r + 1] > X.indptr[r]) assert.ok(Math.abs(norm - 1) < 1e-12);
  }
  const g = Tfidf.fromJSON(JSON.parse(JSON.stringify(t.toJSON())) as ReturnType<typeof t.toJSON>);
  assert.deepEqual(g.transform(docs), X);
  // A unigram-only model ignores bigram-looking vocabulary, as before.
  const u = Tfidf.fromJSON({ minDf: 1, ngramMax: 1, vocabulary: ["new", "new york"], idf: [1, 1] });
  assert.deepEqual(Array.from(u.transform(["new york"]).indices), [0]);
});

void test("documents that change between the two passes are an input error, not a wrong matrix", () => {
  const t = new Tfidf({ minDf: 1 }).fit(["alpha beta", "beta gamma"]);
  let pass = 0;
  const shifting = (): string[] => (pass++ === 0 ? ["alpha beta", "beta"] : ["alpha beta gamma", "beta"]);
  assert.throws(() => t.transform(shifting), { code: "BAD_INPUT" });
  pass = 0;
  const fewer = (): string[] => (pass++ === 0 ? ["alpha", "beta"] : ["alpha"]);
  assert.throws(() => new Tfidf({ minDf: 1 }).fitTransform(fewer), { code: "BAD_INPUT" });
});
