/**
 * One column of a file as `init` sees it while streaming the rows by, once: whether every value
 * is a number, what the featurizer fits (mean, spread and range as {@link Moments}, the category
 * set, term document frequencies) and what the column checks read (data/roles.ts
 * {@link ColumnProfile}: missing and distinct values, id-likeness, free-text length, the keys of
 * the rows with a seed label). Memory is bounded per column, not by the rows:
 *  - distinct values are counted up to {@link DISTINCT_CAP} while the column is numeric (a
 *    categorical column keeps all of them: they are its one-hot categories);
 *  - whether a whole-number column repeats a value is kept in a bitset over its range (at most
 *    {@link MAX_BITSET} values wide), so an id-like column is recognised past the cap;
 *  - numeric values are summed a batch at a time ({@link Moments.add});
 *  - the rule sample (shared by all columns, {@link RuleSampler}) keeps at most 2 × MAX_RULE_ROWS rows.
 * A column that turns out not to be numeric after its distinct values were capped has lost the
 * categories of its earlier rows: {@link ColumnScan.needsRescan} says so, and init reads the file
 * once more for such columns.
 */
import type { Cell } from "../data/jsonl.js";
import { cellNumber, isMissing, parseNumber } from "../data/dataset.js";
import { MAX_RULE_ROWS, spacesIn, type ColumnProfile } from "../data/roles.js";
import { Moments, type ColumnStats } from "../features/featurizer.js";
import { TfidfCounts } from "../features/tfidf.js";

/** Distinct values counted for a numeric column (a categorical one keeps all). */
export const DISTINCT_CAP = 10_000;
/** Widest range of whole numbers whose repeats are tracked (bits). */
export const MAX_BITSET = 1 << 27;

/** A non-missing cell as a trimmed string (numbers and booleans in their JSON spelling). */
export function cellKey(v: Cell): string {
  return typeof v === "string" ? v.trim() : String(v);
}

/**
 * Which labelled rows the rule check sees: every `stride`-th one, the stride doubling (and every
 * other kept row dropped) whenever 2 × MAX_RULE_ROWS are kept; all of them up to that many.
 */
export class RuleSampler {
  readonly labels: string[] = [];
  private stride = 1;
  private seen = 0;
  private readonly columns: ColumnScan[] = [];

  register(c: ColumnScan): void {
    this.columns.push(c);
    // Kept rows before the column appeared (JSON Lines keys may come late) had it missing.
    c.sampleKeys.length = this.labels.length;
    c.sampleKeys.fill(null);
  }

  /** Whether this labelled row is kept (then each column adds its key). */
  take(label: string): boolean {
    const keep = this.seen++ % this.stride === 0;
    if (!keep) return false;
    if (this.labels.length === 2 * MAX_RULE_ROWS) {
      const half = <T>(xs: T[]): void => {
        let q = 0;
        for (let i = 0; i < xs.length; i += 2) xs[q++] = xs[i];
        xs.length = q;
      };
      half(this.labels);
      for (const c of this.columns) half(c.sampleKeys);
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return false;
    }
    this.labels.push(label);
    return true;
  }
}

export class ColumnScan {
  /** Every non-missing value so far is a number (never for the text column). */
  numeric: boolean;
  rows = 0;
  missing = 0;
  /** Trimmed texts of the values (all of them once the column is not numeric). */
  private readonly strings = new Set<string>();
  private stringsCapped = false;
  private readonly numbers = new Set<number>();
  private numbersCapped = false;
  private chars = 0;
  private spaces = 0;
  private whole = true;
  private up = true;
  private down = true;
  private prev = NaN;
  private lo = Infinity;
  private hi = -Infinity;
  /** Repeats of whole numbers: bit (v - anchor) of pos (v >= anchor) or neg (v < anchor). */
  private bits: { anchor: number; pos: Uint8Array; neg: Uint8Array } | null = null;
  /** True once a whole number repeated; null when repeats are not tracked (not whole, too wide). */
  private repeated: boolean | null = false;
  private readonly moments = new Moments();
  private readonly batch: Float64Array;
  private batched = 0;
  private readonly counts: TfidfCounts | null;
  /** Keys of the rule sample's rows (raw trimmed texts). */
  sampleKeys: (string | null)[] = [];

  constructor(
    readonly name: string,
    readonly text: boolean,
    batchSize: number,
    ngramMax: 1 | 2 = 1,
    /** Scan as a categorical column from the start (the rescan of a column that stopped being numeric). */
    categorical = false,
  ) {
    this.numeric = !text && !categorical;
    this.batch = new Float64Array(this.numeric ? batchSize : 0);
    this.counts = text ? new TfidfCounts(ngramMax) : null;
  }

  /** Missing cells of rows read before the column appeared. */
  addMissing(k: number): void {
    this.rows += k;
    this.missing += k;
    if (this.text) for (let i = 0; i < k; i++) this.counts?.add(null);
    if (this.numeric) this.whole = false;
  }

  /** One pool row's cell; `sampled`: the row is in the rule sample. */
  add(v: Cell, sampled: boolean): void {
    this.rows++;
    if (this.text) {
      const missing = isMissing(v);
      this.counts?.add(missing ? null : typeof v === "string" ? v : String(v));
      if (missing) this.missing++;
      else this.countString(cellKey(v));
      return;
    }
    const x = cellNumber(v);
    if (x !== undefined && Number.isNaN(x)) {
      this.missing++;
      if (sampled) this.sampleKeys.push(null);
      this.whole = false;
      return;
    }
    // A number past the cap needs no text: its count stopped, and should the column stop being
    // numeric, the rescan reads its texts again (sample rows still need their key).
    if (this.numeric && x !== undefined && this.stringsCapped && !sampled) {
      this.addNumber(x);
      return;
    }
    const key = cellKey(v);
    if (sampled) this.sampleKeys.push(key);
    this.chars += key.length;
    if (this.numeric) {
      if (x !== undefined) {
        this.addNumber(x);
        this.countString(key);
        return;
      }
      this.numeric = false;
    }
    this.spaces += spacesIn(key);
    this.strings.add(key);
  }

  /** Adds a distinct text up to the cap (numeric and text columns). */
  private countString(key: string): void {
    if (this.stringsCapped) return;
    if (this.strings.size < DISTINCT_CAP) this.strings.add(key);
    else if (!this.strings.has(key)) this.stringsCapped = true;
  }

  private addNumber(x: number): void {
    this.batch[this.batched++] = x;
    if (this.batched === this.batch.length) this.flush();
    if (!this.numbersCapped) {
      if (this.numbers.size < DISTINCT_CAP) this.numbers.add(x);
      else if (!this.numbers.has(x)) this.numbersCapped = true;
    }
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    if (!Number.isNaN(this.prev)) {
      if (x <= this.prev) this.up = false;
      if (x >= this.prev) this.down = false;
    }
    this.prev = x;
    if (!Number.isInteger(x)) this.whole = false;
    if (this.whole && this.repeated === false) this.markSeen(x);
    else this.bits = null;
  }

  private markSeen(x: number): void {
    if (this.bits === null) this.bits = { anchor: x, pos: new Uint8Array(1024), neg: new Uint8Array(1024) };
    const b = this.bits;
    const off = x >= b.anchor ? x - b.anchor : b.anchor - x - 1;
    if (off >= MAX_BITSET) {
      this.repeated = null;
      this.bits = null;
      return;
    }
    const side = x >= b.anchor ? "pos" : "neg";
    let arr = b[side];
    const byte = Math.floor(off / 8);
    if (byte >= arr.length) {
      const grown = new Uint8Array(Math.max(byte + 1, arr.length * 2));
      grown.set(arr);
      b[side] = arr = grown;
    }
    const bit = 1 << (off % 8);
    if ((arr[byte] & bit) !== 0) {
      this.repeated = true;
      this.bits = null;
    } else arr[byte] |= bit;
  }

  private flush(): void {
    this.moments.add(this.batch, this.batched);
    this.batched = 0;
  }

  /** The column stopped being numeric after its distinct values were capped (see the module comment). */
  get needsRescan(): boolean {
    return !this.numeric && !this.text && this.stringsCapped;
  }

  /** What the featurizer fits for the column. */
  stats(): ColumnStats {
    if (this.text) return { kind: "text", name: this.name, counts: this.counts as TfidfCounts };
    if (this.numeric) {
      this.flush();
      return { kind: "numeric", name: this.name, moments: this.moments };
    }
    return { kind: "categorical", name: this.name, categories: this.strings };
  }

  /** What the column checks read; `labels`: the rule sample's labels. */
  profile(labels: readonly string[]): ColumnProfile {
    const kind = this.text ? "text" : this.numeric ? "numeric" : "categorical";
    const nonMissing = this.rows - this.missing;
    if (kind === "numeric") {
      const keys = [...this.numbers].map(String);
      const distinct = this.numbers.size;
      const noRepeat = this.numbersCapped ? this.up || this.down || (this.whole && this.repeated === false) : distinct === this.rows;
      const values = Float64Array.from(this.sampleKeys, (k) => (k === null ? NaN : parseNumber(k)));
      return {
        name: this.name,
        kind,
        rows: this.rows,
        missing: this.missing,
        distinct,
        distinctCapped: this.numbersCapped,
        keys,
        unique: this.missing === 0 && noRepeat,
        chars: this.chars,
        spaces: 0,
        numeric: { whole: this.whole && this.missing === 0, up: this.up, down: this.down, lo: this.lo, hi: this.hi },
        sample: { keys: Array.from(values, (x) => (Number.isNaN(x) ? null : String(x))), values, labels },
      };
    }
    return {
      name: this.name,
      kind,
      rows: this.rows,
      missing: this.missing,
      distinct: this.strings.size,
      distinctCapped: this.text && this.stringsCapped,
      keys: this.strings,
      unique: this.missing === 0 && this.strings.size === nonMissing,
      chars: this.chars,
      spaces: this.spaces,
      sample: { keys: this.sampleKeys, values: null, labels },
    };
  }
}
