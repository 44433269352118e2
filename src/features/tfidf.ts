/**
 * TF-IDF as scikit-learn's TfidfVectorizer computes it with `sublinear_tf=True`, `min_df`:
 * lower-cased tokens of two or more word characters (letters, digits, underscore), optional
 * bigrams of adjacent tokens, tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1 (smooth idf),
 * each row scaled to unit L2 norm. Output is CSR; nothing is densified.
 *
 * Design (built for 10^7 short documents on one machine):
 * - Tokens are interned, not materialised: an ASCII document is scanned char by char, each token
 *   hashed (FNV-1a over its lower-cased UTF-16 units) and looked up in an open-addressing table
 *   whose keys live in one Uint16Array, so no substring or per-document Map/Set is created. A
 *   document with any non-ASCII unit goes through `tokenize` (the Unicode regex) and the same
 *   table, so both paths give the same ids. A bigram is the pair of its two token ids (a table of
 *   Int32 pairs); its string "a b" is built only for vocabulary terms.
 * - Count then fill: fitting is one pass collecting document frequencies (per-term counters in
 *   typed arrays that grow geometrically; a per-term "last document" stamp replaces a Set per
 *   document). The CSR is then filled straight into Int32Array/Float64Array of the exact size:
 *   after a fit on the same documents the size is the sum of the kept terms' document
 *   frequencies; for other documents a counting pass sizes every row first. No number[] holds
 *   per-nonzero data and nothing is copied after filling.
 * - Streaming: every method takes an iterator; the `...Async` ones also take async iterators
 *   (rows read from a file). A two-pass method (transform, fitTransform) takes an array or a
 *   function that starts a new pass, so the texts need not be held: memory is the output CSR
 *   plus the vocabulary plus one document. A one-shot iterator given to transform is read once
 *   into geometrically growing typed buffers, trimmed once at the end.
 *
 * @example
 * const t = new Tfidf({ minDf: 2 }).fit(["a cheap offer", "cheap cheap pills"]);
 * const X = t.transform(["cheap offer"]); // CSR, 1 x vocabulary size
 * const Y = await new Tfidf().fitTransformAsync(() => readLines("texts.txt")); // two passes over the file
 */
import { BadInputError, BadOptionError, NotFittedError } from "../errors.js";
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

type Doc = string | null;
/** Documents that can be read more than once: an array, or a function that starts a new pass over them. */
export type RereadableDocs = readonly Doc[] | (() => Iterable<Doc>);
/** As RereadableDocs, a pass may also be an async iterator (e.g. lines of a file). */
export type AsyncRereadableDocs = readonly Doc[] | (() => Iterable<Doc> | AsyncIterable<Doc>);

const MAX_NNZ = 2 ** 31 - 1;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** ASCII units matched by the token class: 0-9, A-Z, a-z, "_". */
const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) WORD[c] = 1;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function growInt32(a: Int32Array<ArrayBuffer>, need: number, fill = 0): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

function growFloat64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, Math.ceil(a.length * 1.5) + 16));
  b.set(a);
  return b;
}

/** Interned strings keyed by their UTF-16 units with A-Z folded to a-z; ids 0, 1, 2, ... */
class TermTable {
  count = 0;
  private chars = new Uint16Array(1 << 12);
  private used = 0;
  private offsets = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 10);
  private slots = new Int32Array(1 << 11).fill(-1);
  private mask = (1 << 11) - 1;
  private freeSlot = 0;

  /** The id of text[start, end), whose folded hash is h, or -1. */
  find(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    const slots = this.slots;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const id = slots[slot];
      if (id < 0) {
        this.freeSlot = slot;
        return -1;
      }
      if (this.hashes[id] === h) {
        const off = this.offsets[id];
        if (this.offsets[id + 1] - off === len && this.same(text, start, off, len)) return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** As find, adding the term when it is new. */
  intern(text: string, start: number, end: number, h: number): number {
    const found = this.find(text, start, end, h);
    if (found >= 0) return found;
    const id = this.count++;
    const len = end - start;
    if (this.used + len > this.chars.length) {
      const c = new Uint16Array(Math.max(this.used + len, this.chars.length * 2));
      c.set(this.chars.subarray(0, this.used));
      this.chars = c;
    }
    for (let k = 0; k < len; k++) {
      const c = text.charCodeAt(start + k);
      this.chars[this.used + k] = c >= 65 && c <= 90 ? c + 32 : c;
    }
    this.offsets = growInt32(this.offsets, id + 2);
    this.hashes = growInt32(this.hashes, id + 1);
    this.offsets[id] = this.used;
    this.used += len;
    this.offsets[id + 1] = this.used;
    this.hashes[id] = h;
    this.slots[this.freeSlot] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  term(id: number): string {
    const a = this.offsets[id];
    const b = this.offsets[id + 1];
    let s = "";
    for (let p = a; p < b; p += 4096) s += String.fromCharCode(...this.chars.subarray(p, Math.min(b, p + 4096)));
    return s;
  }

  private same(text: string, start: number, off: number, len: number): boolean {
    const chars = this.chars;
    for (let k = 0; k < len; k++) {
      let c = text.charCodeAt(start + k);
      if (c >= 65 && c <= 90) c += 32;
      if (chars[off + k] !== c) return false;
    }
    return true;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Folded FNV-1a hash of a whole string, as the ASCII scanner computes it per token. */
function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < s.length; k++) {
    let c = s.charCodeAt(k);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return fmix(h);
}

/** Interned ordered pairs of token ids (bigrams); ids 0, 1, 2, ... */
class PairTable {
  count = 0;
  private keys = new Int32Array(1 << 11);
  private slots = new Int32Array(1 << 11).fill(-1);
  private mask = (1 << 11) - 1;
  private freeSlot = 0;

  find(a: number, b: number): number {
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let slot = PairTable.hash(a, b) & mask;
    for (;;) {
      const id = slots[slot];
      if (id < 0) {
        this.freeSlot = slot;
        return -1;
      }
      if (keys[2 * id] === a && keys[2 * id + 1] === b) return id;
      slot = (slot + 1) & mask;
    }
  }

  intern(a: number, b: number): number {
    const found = this.find(a, b);
    if (found >= 0) return found;
    const id = this.count++;
    this.keys = growInt32(this.keys, 2 * id + 2);
    this.keys[2 * id] = a;
    this.keys[2 * id + 1] = b;
    this.slots[this.freeSlot] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  first(id: number): number {
    return this.keys[2 * id];
  }

  second(id: number): number {
    return this.keys[2 * id + 1];
  }

  private static hash(a: number, b: number): number {
    return fmix(Math.imul(a, 0x9e3779b1) ^ b);
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = PairTable.hash(this.keys[2 * id], this.keys[2 * id + 1]) & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Turns a document into the ids of its tokens, in order (-1: not in the table when not inserting). */
class Scanner {
  ids = new Int32Array(256);

  constructor(
    private readonly table: TermTable,
    private readonly insert: boolean,
  ) {}

  /** Number of tokens of `doc`; their ids are ids[0 .. n). */
  scan(doc: Doc): number {
    if (doc === null) return 0;
    const n = this.scanAscii(doc);
    return n >= 0 ? n : this.scanUnicode(doc);
  }

  /** Tokens of an ASCII text; -1 (and nothing counted) at the first non-ASCII unit. */
  private scanAscii(text: string): number {
    const len = text.length;
    const table = this.table;
    let n = 0;
    let i = 0;
    while (i < len) {
      let c = text.charCodeAt(i);
      if (c >= 128) return -1;
      if (WORD[c] === 0) {
        i++;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      for (;;) {
        if (c >= 65 && c <= 90) c += 32;
        h = Math.imul(h ^ c, FNV_PRIME);
        if (++i >= len) break;
        c = text.charCodeAt(i);
        if (c >= 128) return -1;
        if (WORD[c] === 0) break;
      }
      if (i - start < 2) continue;
      h = fmix(h);
      const id = this.insert ? table.intern(text, start, i, h) : table.find(text, start, i, h);
      if (n >= this.ids.length) this.ids = growInt32(this.ids, n + 1);
      this.ids[n++] = id;
    }
    return n;
  }

  private scanUnicode(text: string): number {
    const toks = tokenize(text);
    if (toks.length > this.ids.length) this.ids = growInt32(this.ids, toks.length);
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      const h = hashString(t);
      this.ids[k] = this.insert ? this.table.intern(t, 0, t.length, h) : this.table.find(t, 0, t.length, h);
    }
    return toks.length;
  }
}

/** The fitting pass: document frequency and corpus count of every term seen. */
class DfCounter {
  docs = 0;
  private readonly words = new TermTable();
  private readonly scanner = new Scanner(this.words, true);
  private wDf = new Int32Array(1024);
  private wTotal = new Float64Array(1024);
  private wLast = new Int32Array(1024).fill(-1);
  private readonly pairs = new PairTable();
  private pDf = new Int32Array(1024);
  private pTotal = new Float64Array(1024);
  private pLast = new Int32Array(1024).fill(-1);

  constructor(private readonly ngramMax: number) {}

  add(doc: Doc): void {
    const d = this.docs++;
    const n = this.scanner.scan(doc);
    if (n === 0) return;
    const ids = this.scanner.ids;
    if (this.words.count > this.wDf.length) {
      const need = this.words.count;
      this.wDf = growInt32(this.wDf, need);
      this.wTotal = growFloat64(this.wTotal, need);
      this.wLast = growInt32(this.wLast, need, -1);
    }
    const df = this.wDf;
    const total = this.wTotal;
    const last = this.wLast;
    for (let k = 0; k < n; k++) {
      const id = ids[k];
      total[id]++;
      if (last[id] !== d) {
        last[id] = d;
        df[id]++;
      }
    }
    if (this.ngramMax < 2) return;
    for (let k = 0; k + 1 < n; k++) {
      const id = this.pairs.intern(ids[k], ids[k + 1]);
      if (id >= this.pDf.length) {
        this.pDf = growInt32(this.pDf, id + 1);
        this.pTotal = growFloat64(this.pTotal, id + 1);
        this.pLast = growInt32(this.pLast, id + 1, -1);
      }
      this.pTotal[id]++;
      if (this.pLast[id] !== d) {
        this.pLast[id] = d;
        this.pDf[id]++;
      }
    }
  }

  /** The vocabulary in column order, its idf, and the number of non-zeros of these documents' CSR. */
  finish(minDf: number, maxFeatures: number): { terms: string[]; idf: Float64Array; nnz: number } {
    const terms: string[] = [];
    let df = new Int32Array(64);
    let total = new Float64Array(64);
    const keep = (term: string, d: number, t: number): void => {
      const j = terms.length;
      terms.push(term);
      df = growInt32(df, j + 1);
      total = growFloat64(total, j + 1);
      df[j] = d;
      total[j] = t;
    };
    for (let id = 0; id < this.words.count; id++) if (this.wDf[id] >= minDf) keep(this.words.term(id), this.wDf[id], this.wTotal[id]);
    for (let id = 0; id < this.pairs.count; id++) {
      if (this.pDf[id] >= minDf) keep(`${this.words.term(this.pairs.first(id))} ${this.words.term(this.pairs.second(id))}`, this.pDf[id], this.pTotal[id]);
    }
    const lex = (a: number, b: number): number => (terms[a] < terms[b] ? -1 : terms[a] > terms[b] ? 1 : 0);
    let order = Int32Array.from({ length: terms.length }, (_, j) => j);
    if (order.length > maxFeatures) order = order.sort((a, b) => total[b] - total[a] || lex(a, b)).slice(0, maxFeatures);
    order.sort(lex);
    const n = this.docs;
    const idf = new Float64Array(order.length);
    let nnz = 0;
    const vocab = Array.from(order, (j, c) => {
      idf[c] = Math.log((1 + n) / (1 + df[j])) + 1;
      nnz += df[j];
      return terms[j];
    });
    return { terms: vocab, idf, nnz };
  }
}

/** Vocabulary lookup for transforming: unigram columns by token id, bigram columns by token-id pair. */
interface Lookup {
  readonly words: TermTable;
  /** Column of a token id, -1 for a token kept only as part of a bigram. */
  readonly wordCol: Int32Array;
  readonly pairs: PairTable | null;
  readonly pairCol: Int32Array;
}

function buildLookup(terms: readonly string[], ngramMax: number): Lookup {
  const words = new TermTable();
  let wordCol = new Int32Array(16).fill(-1);
  const pairs = ngramMax >= 2 ? new PairTable() : null;
  let pairCol = new Int32Array(16);
  const word = (w: string): number => {
    const id = words.intern(w, 0, w.length, hashString(w));
    wordCol = growInt32(wordCol, id + 1, -1);
    return id;
  };
  terms.forEach((t, j) => {
    const space = t.indexOf(" ");
    // A term with a space is a bigram (never matched with unigrams only, as before).
    if (space < 0) {
      const id = word(t); // (before indexing: word() may grow wordCol)
      wordCol[id] = j;
    } else if (pairs !== null) {
      const id = pairs.intern(word(t.slice(0, space)), word(t.slice(space + 1)));
      pairCol = growInt32(pairCol, id + 1);
      pairCol[id] = j;
    }
  });
  return { words, wordCol, pairs, pairCol };
}

/** Per-row term counts of the transform, and the row's tf-idf values. */
class RowMaker {
  /** Distinct columns of the last row, in order of first occurrence (sorted by `fill`). */
  cols = new Int32Array(256);
  private readonly scanner: Scanner;
  private readonly mark: Int32Array;
  private readonly count: Int32Array;
  private stamp = 0;

  constructor(
    private readonly lookup: Lookup,
    private readonly idf: Float64Array,
  ) {
    this.scanner = new Scanner(lookup.words, false);
    this.mark = new Int32Array(idf.length).fill(-1);
    this.count = new Int32Array(idf.length);
  }

  /** Number of distinct vocabulary terms of `doc` (its non-zeros); they are cols[0 .. m). */
  row(doc: Doc): number {
    const s = this.stamp++;
    const n = this.scanner.scan(doc);
    const ids = this.scanner.ids;
    const { wordCol, pairs, pairCol } = this.lookup;
    let m = 0;
    for (let k = 0; k < n; k++) {
      const id = ids[k];
      if (id >= 0 && wordCol[id] >= 0) m = this.add(wordCol[id], s, m);
    }
    if (pairs !== null) {
      for (let k = 0; k + 1 < n; k++) {
        const a = ids[k];
        const b = ids[k + 1];
        if (a < 0 || b < 0) continue;
        const p = pairs.find(a, b);
        if (p >= 0) m = this.add(pairCol[p], s, m);
      }
    }
    return m;
  }

  /** Writes the row just counted by `row` (m entries) at indices/values[at ..]. */
  write(m: number, indices: Int32Array, values: Float64Array, at: number): void {
    const cols = this.cols;
    if (m <= 32) {
      for (let a = 1; a < m; a++) {
        const v = cols[a];
        let b = a - 1;
        while (b >= 0 && cols[b] > v) {
          cols[b + 1] = cols[b];
          b--;
        }
        cols[b + 1] = v;
      }
    } else cols.subarray(0, m).sort();
    const idf = this.idf;
    const count = this.count;
    let norm = 0;
    for (let q = 0; q < m; q++) {
      const j = cols[q];
      const v = (1 + Math.log(count[j])) * idf[j];
      indices[at + q] = j;
      values[at + q] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let q = at; q < at + m; q++) values[q] *= inv;
    }
  }

  private add(c: number, s: number, m: number): number {
    if (this.mark[c] !== s) {
      this.mark[c] = s;
      this.count[c] = 1;
      if (m >= this.cols.length) this.cols = growInt32(this.cols, m + 1);
      this.cols[m] = c;
      return m + 1;
    }
    this.count[c]++;
    return m;
  }
}

function changedError(): BadInputError {
  return new BadInputError("tfidf: the documents changed between the counting pass and the filling pass");
}

function tooManyError(): BadInputError {
  return new BadInputError(`tfidf: more than ${MAX_NNZ} non-zeros (the CSR's Int32 indptr limit); transform the documents in parts`);
}

function isArray(docs: unknown): docs is readonly Doc[] {
  return Array.isArray(docs);
}

function pass(docs: RereadableDocs): Iterable<Doc> {
  return isArray(docs) ? docs : docs();
}

function passAsync(docs: AsyncRereadableDocs): Iterable<Doc> | AsyncIterable<Doc> {
  return isArray(docs) ? docs : docs();
}

/** Fills a CSR of known size from a pass over the documents (sync and async share it). */
class CsrFiller {
  readonly indices: Int32Array;
  readonly values: Float64Array;
  private indptr: Int32Array;
  private rows = 0;
  private at = 0;

  /** `rowNnz` given: every row's length is known (the counting pass) and checked. */
  constructor(
    private readonly maker: RowMaker,
    nnz: number,
    rows: number,
    private readonly rowNnz: Int32Array | null,
  ) {
    this.indices = new Int32Array(nnz);
    this.values = new Float64Array(nnz);
    this.indptr = rowNnz ?? new Int32Array(rows + 1);
  }

  add(doc: Doc): void {
    if (this.rows + 1 >= this.indptr.length) throw changedError();
    const m = this.maker.row(doc);
    if (m > this.indices.length - this.at) throw changedError();
    this.maker.write(m, this.indices, this.values, this.at);
    this.at += m;
    this.rows++;
    if (this.rowNnz !== null) {
      if (this.indptr[this.rows] !== this.at) throw changedError();
    } else this.indptr[this.rows] = this.at;
  }

  finish(cols: number): CsrMatrix {
    if (this.rows + 1 !== this.indptr.length || this.at !== this.indices.length) throw changedError();
    return { kind: "csr", rows: this.rows, cols, indptr: this.indptr, indices: this.indices, values: this.values };
  }
}

/** The counting pass: row offsets (indptr) of the documents' CSR. */
class RowCounter {
  indptr: Int32Array<ArrayBuffer>;
  rows = 0;

  constructor(
    private readonly maker: RowMaker,
    rows: number,
  ) {
    this.indptr = new Int32Array(rows + 1);
  }

  add(doc: Doc): void {
    const next = this.indptr[this.rows] + this.maker.row(doc);
    if (next > MAX_NNZ) throw tooManyError();
    this.rows++;
    if (this.rows >= this.indptr.length) this.indptr = growInt32(this.indptr, this.rows + 1);
    this.indptr[this.rows] = next;
  }

  /** Offsets of exactly rows + 1 entries (trimmed once when the count was not known). */
  finish(): Int32Array {
    return this.indptr.length === this.rows + 1 ? this.indptr : this.indptr.slice(0, this.rows + 1);
  }
}

/** One read of a one-shot iterator: rows appended to geometrically growing typed buffers. */
class CsrAppender {
  private indptr = new Int32Array(1025);
  private indices = new Int32Array(1 << 14);
  private values = new Float64Array(1 << 14);
  private rows = 0;
  private at = 0;

  constructor(private readonly maker: RowMaker) {}

  add(doc: Doc): void {
    const m = this.maker.row(doc);
    if (this.at + m > MAX_NNZ) throw tooManyError();
    if (this.at + m > this.indices.length) {
      this.indices = growInt32(this.indices, this.at + m);
      this.values = growFloat64(this.values, this.at + m);
    }
    this.maker.write(m, this.indices, this.values, this.at);
    this.at += m;
    this.rows++;
    if (this.rows >= this.indptr.length) this.indptr = growInt32(this.indptr, this.rows + 1);
    this.indptr[this.rows] = this.at;
  }

  finish(cols: number): CsrMatrix {
    const n = this.at;
    return {
      kind: "csr",
      rows: this.rows,
      cols,
      indptr: this.indptr.slice(0, this.rows + 1),
      indices: this.indices.length === n ? this.indices : this.indices.slice(0, n),
      values: this.values.length === n ? this.values : this.values.slice(0, n),
    };
  }
}

/**
 * Document frequencies gathered one document at a time, kept until a Tfidf fits from them
 * (`fitCounts`): what init's first streamed pass over a file collects per text column.
 */
export class TfidfCounts {
  /** @internal the fitting pass's counter */
  readonly counter: DfCounter;
  constructor(readonly ngramMax: 1 | 2 = 1) {
    this.counter = new DfCounter(ngramMax);
  }

  add(doc: Doc): void {
    this.counter.add(doc);
  }

  get docs(): number {
    return this.counter.docs;
  }
}

export class Tfidf {
  readonly minDf: number;
  readonly ngramMax: 1 | 2;
  readonly maxFeatures: number;
  private terms: string[] | null = null;
  private idf: Float64Array | null = null;
  private lookup: Lookup | null = null;

  constructor(options: TfidfOptions = {}) {
    this.minDf = options.minDf ?? 2;
    this.ngramMax = options.ngramMax ?? 1;
    this.maxFeatures = options.maxFeatures ?? Infinity;
    if (!(this.minDf >= 1)) throw new BadOptionError([`tfidf: minDf must be >= 1, got ${this.minDf}`]);
  }

  get vocabularySize(): number {
    return this.terms?.length ?? 0;
  }

  /** The vocabulary in column order. */
  vocabulary(): string[] {
    if (this.terms === null) throw new NotFittedError("Tfidf");
    return this.terms.slice();
  }

  /** Learns the vocabulary and idf in one pass over `docs` (an array or any iterator). */
  fit(docs: Iterable<Doc>): this {
    const counter = new DfCounter(this.ngramMax);
    for (const d of docs) counter.add(d);
    this.finishFit(counter);
    return this;
  }

  /** Learns the vocabulary and idf from counts gathered beforehand (a streamed pass over the documents). */
  fitCounts(counts: TfidfCounts): this {
    if (counts.ngramMax !== this.ngramMax) throw new BadOptionError([`tfidf: counts gathered with ngramMax ${counts.ngramMax} cannot fit ngramMax ${this.ngramMax}`]);
    this.finishFit(counts.counter);
    return this;
  }

  /** As fit, from an iterator or async iterator (e.g. lines of a file). */
  async fitAsync(docs: Iterable<Doc> | AsyncIterable<Doc>): Promise<this> {
    const counter = new DfCounter(this.ngramMax);
    for await (const d of docs) counter.add(d);
    this.finishFit(counter);
    return this;
  }

  /**
   * TF-IDF rows of `docs`. An array or a function starting a new pass: a counting pass then a
   * filling pass into arrays of the exact size. A one-shot iterator: read once into growing buffers.
   */
  transform(docs: RereadableDocs | Iterable<Doc>): CsrMatrix {
    const maker = this.rowMaker();
    const cols = this.vocabularySize;
    if (!isArray(docs) && typeof docs !== "function") {
      const app = new CsrAppender(maker);
      for (const d of docs) app.add(d);
      return app.finish(cols);
    }
    const counter = new RowCounter(maker, isArray(docs) ? docs.length : 1024);
    for (const d of pass(docs)) counter.add(d);
    const indptr = counter.finish();
    const filler = new CsrFiller(maker, indptr[counter.rows], counter.rows, indptr);
    for (const d of pass(docs)) filler.add(d);
    return filler.finish(cols);
  }

  /** As transform with a re-readable source whose passes may be async iterators. */
  async transformAsync(docs: AsyncRereadableDocs): Promise<CsrMatrix> {
    const maker = this.rowMaker();
    const counter = new RowCounter(maker, isArray(docs) ? docs.length : 1024);
    for await (const d of passAsync(docs)) counter.add(d);
    const indptr = counter.finish();
    const filler = new CsrFiller(maker, indptr[counter.rows], counter.rows, indptr);
    for await (const d of passAsync(docs)) filler.add(d);
    return filler.finish(this.vocabularySize);
  }

  /**
   * fit then transform of the same documents in two passes (the fit's document frequencies give
   * the exact number of non-zeros, so no counting pass).
   */
  fitTransform(docs: RereadableDocs): CsrMatrix {
    const counter = new DfCounter(this.ngramMax);
    for (const d of pass(docs)) counter.add(d);
    const nnz = this.finishFit(counter);
    const filler = new CsrFiller(this.rowMaker(), nnz, counter.docs, null);
    for (const d of pass(docs)) filler.add(d);
    return filler.finish(this.vocabularySize);
  }

  /** As fitTransform with passes that may be async iterators (e.g. a file read twice). */
  async fitTransformAsync(docs: AsyncRereadableDocs): Promise<CsrMatrix> {
    const counter = new DfCounter(this.ngramMax);
    for await (const d of passAsync(docs)) counter.add(d);
    const nnz = this.finishFit(counter);
    const filler = new CsrFiller(this.rowMaker(), nnz, counter.docs, null);
    for await (const d of passAsync(docs)) filler.add(d);
    return filler.finish(this.vocabularySize);
  }

  toJSON(): { minDf: number; ngramMax: number; vocabulary: string[]; idf: number[] } {
    if (this.terms === null || this.idf === null) throw new NotFittedError("Tfidf");
    return { minDf: this.minDf, ngramMax: this.ngramMax, vocabulary: this.terms.slice(), idf: Array.from(this.idf) };
  }

  static fromJSON(s: { minDf: number; ngramMax: number; vocabulary: string[]; idf: number[] }): Tfidf {
    const t = new Tfidf({ minDf: s.minDf, ngramMax: s.ngramMax === 2 ? 2 : 1 });
    t.terms = s.vocabulary.slice();
    t.idf = Float64Array.from(s.idf);
    return t;
  }

  /** Sets the vocabulary and idf; returns the number of non-zeros of the fitted documents. */
  private finishFit(counter: DfCounter): number {
    const { terms, idf, nnz } = counter.finish(this.minDf, this.maxFeatures);
    if (nnz > MAX_NNZ) throw tooManyError();
    this.terms = terms;
    this.idf = idf;
    this.lookup = null;
    return nnz;
  }

  private rowMaker(): RowMaker {
    if (this.terms === null || this.idf === null) throw new NotFittedError("Tfidf");
    this.lookup ??= buildLookup(this.terms, this.ngramMax);
    return new RowMaker(this.lookup, this.idf);
  }
}
