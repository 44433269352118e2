/**
 * NumPy .npy files: embeddings a team already computed, one row per table row.
 *
 * Design: the whole file is read into memory (embedding files are n × d numbers; a streaming
 * reader buys nothing when the result is one Float64Array anyway). The header is a Python dict
 * literal; only the subset NumPy writes is parsed (quoted keys, a quoted descr, True/False, a
 * tuple of integers), by a small hand-written scanner, never `eval`. Supported dtypes: floats
 * (f4, f8), signed and unsigned integers (1, 2, 4, 8 bytes) and bool, either byte order
 * (big-endian is converted through DataView). 64-bit integers beyond 2^53 and non-finite values
 * are refused with their row and column, since neither makes sense as an embedding coordinate.
 * Fortran order (column-major) is transposed into the row-major DenseMatrix. Every error is a
 * BadInputError located by file (and row/column where one element is at fault).
 *
 * @example
 * const { X, names } = readNpy("emb.npy");        // X.rows × X.cols, names emb[0] ..
 * checkRowAlignment(X.rows, ds.rows, { file: "emb.npy", table: ds.source });
 * writeFileSync("out.npy", writeNpy(X, { dtype: "<f4" }));
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { BadInputError } from "../errors.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** What the header of a .npy file says. */
export interface NpyHeader {
  readonly version: "1.0" | "2.0" | "3.0";
  /** As written, e.g. "<f4". */
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the data. */
  readonly dataOffset: number;
}

interface DtypeInfo {
  readonly size: number;
  readonly little: boolean;
  readonly read: (view: DataView, at: number, little: boolean) => number | bigint;
}

const READERS: Record<string, { size: number; read: DtypeInfo["read"] }> = {
  f4: { size: 4, read: (v, at, le) => v.getFloat32(at, le) },
  f8: { size: 8, read: (v, at, le) => v.getFloat64(at, le) },
  i1: { size: 1, read: (v, at) => v.getInt8(at) },
  u1: { size: 1, read: (v, at) => v.getUint8(at) },
  b1: { size: 1, read: (v, at) => (v.getUint8(at) === 0 ? 0 : 1) },
  i2: { size: 2, read: (v, at, le) => v.getInt16(at, le) },
  u2: { size: 2, read: (v, at, le) => v.getUint16(at, le) },
  i4: { size: 4, read: (v, at, le) => v.getInt32(at, le) },
  u4: { size: 4, read: (v, at, le) => v.getUint32(at, le) },
  i8: { size: 8, read: (v, at, le) => v.getBigInt64(at, le) },
  u8: { size: 8, read: (v, at, le) => v.getBigUint64(at, le) },
};

function dtypeInfo(descr: string, file: string): DtypeInfo {
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const r = m === null ? undefined : READERS[m[2]];
  if (m === null || r === undefined || (r.size > 1 && m[1] === "|")) {
    throw new BadInputError(
      `unsupported dtype "${descr}": expected numbers (float32 <f4, float64 <f8, integers such as <i4 or <i8, or bool); ` +
        `convert with x.astype("float32") before np.save`,
      { file },
    );
  }
  // "=" is native order, which NumPy never writes to a file; "|" (one byte) has no order.
  return { size: r.size, little: m[1] !== ">", read: r.read };
}

/** Reads a Python literal of the subset NumPy writes: 'str', True, False, (int, ...). */
class HeaderScanner {
  pos = 0;
  constructor(readonly text: string, readonly file: string) {}

  fail(what: string): never {
    throw new BadInputError(`malformed .npy header (${what} at character ${this.pos + 1}): ${JSON.stringify(this.text.trim())}`, { file: this.file });
  }
  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  eat(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }
  expect(ch: string): void {
    if (!this.eat(ch)) this.fail(`expected "${ch}"`);
  }
  value(): string | boolean | number[] {
    this.skip();
    const c = this.text[this.pos];
    if (c === "'" || c === '"') {
      const end = this.text.indexOf(c, this.pos + 1);
      if (end < 0) this.fail("unterminated string");
      const s = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return s;
    }
    if (this.text.startsWith("True", this.pos)) {
      this.pos += 4;
      return true;
    }
    if (this.text.startsWith("False", this.pos)) {
      this.pos += 5;
      return false;
    }
    if (c === "(") {
      this.pos++;
      const dims: number[] = [];
      while (!this.eat(")")) {
        this.skip();
        const m = /^\d+L?/.exec(this.text.slice(this.pos));
        if (m === null) this.fail("expected a dimension");
        dims.push(Number(m[0].replace("L", "")));
        this.pos += m[0].length;
        if (!this.eat(",")) {
          this.expect(")");
          break;
        }
      }
      return dims;
    }
    return this.fail("expected a value");
  }
  dict(): Map<string, string | boolean | number[]> {
    const out = new Map<string, string | boolean | number[]>();
    this.expect("{");
    while (!this.eat("}")) {
      const key = this.value();
      if (typeof key !== "string") this.fail("expected a quoted key");
      this.expect(":");
      out.set(key, this.value());
      if (!this.eat(",")) {
        this.expect("}");
        break;
      }
    }
    return out;
  }
}

/** Parses the magic, version and header dict of a .npy file. */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const start = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new BadInputError(`not a NumPy .npy file: it must start with the bytes 93 4e 55 4d 50 59 ("\\x93NUMPY"), found ${start || "an empty file"}`, { file });
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new BadInputError(`unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`, { file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) throw new BadInputError("truncated .npy file: it ends inside the header length", { file });
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenSize + headerLen;
  if (bytes.length < dataOffset) {
    throw new BadInputError(`truncated .npy file: the header should be ${headerLen} bytes but the file ends after ${bytes.length - 8 - lenSize}`, { file });
  }
  const raw = bytes.subarray(8 + lenSize, dataOffset);
  const text = major === 3 ? new TextDecoder("utf-8").decode(raw) : Array.from(raw, (b) => String.fromCharCode(b)).join("");
  const dict = new HeaderScanner(text, file).dict();
  const descr = dict.get("descr");
  const fortran = dict.get("fortran_order");
  const shape = dict.get("shape");
  if (typeof descr !== "string") {
    throw new BadInputError(descr === undefined ? "the .npy header has no 'descr'" : "unsupported dtype: a structured (record) array; save one plain numeric array", { file });
  }
  if (typeof fortran !== "boolean") throw new BadInputError("the .npy header has no 'fortran_order' True/False", { file });
  if (!Array.isArray(shape)) throw new BadInputError("the .npy header has no 'shape' tuple", { file });
  return { version: `${major}.0` as NpyHeader["version"], descr, fortranOrder: fortran, shape, dataOffset };
}

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/**
 * Decodes a .npy file of shape (n, d) into an n × d row-major matrix.
 * @throws BadInputError for a bad magic or header, an unsupported dtype (named), a shape that is
 *   not 2-D, truncated or over-long data, and non-finite or too-large values (row and column named)
 */
export function parseNpy(bytes: Uint8Array, file: string): DenseMatrix {
  const h = parseNpyHeader(bytes, file);
  const dt = dtypeInfo(h.descr, file);
  if (h.shape.length !== 2) {
    const hint =
      h.shape.length === 1
        ? "for one number per row save x.reshape(-1, 1)"
        : h.shape.length === 0
          ? "it holds a single number"
          : "flatten each row first: x.reshape(len(x), -1)";
    throw new BadInputError(`expected a 2-D array of shape (rows, dimensions), one row per table row; got ${h.shape.length}-D shape ${shapeText(h.shape)} (${hint})`, { file });
  }
  const [n, d] = h.shape;
  if (d === 0) throw new BadInputError(`shape ${shapeText(h.shape)} has no dimensions: each row must hold at least one number`, { file });
  const need = n * d * dt.size;
  const have = bytes.length - h.dataOffset;
  if (have < need) {
    const rowsComplete = h.fortranOrder ? "" : `; ${Math.floor(have / (d * dt.size))} complete rows`;
    throw new BadInputError(`truncated .npy data: shape ${shapeText(h.shape)} of ${h.descr} needs ${need} bytes, the file has ${have}${rowsComplete}`, { file });
  }
  if (have > need) {
    throw new BadInputError(`${have - need} bytes after the data of shape ${shapeText(h.shape)} of ${h.descr}: not one .npy array (several arrays appended to one file?)`, { file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const out = new Float64Array(n * d);
  const name = columnPrefix(file);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const k = h.fortranOrder ? j * n + i : i * d + j;
      const raw = dt.read(view, k * dt.size, dt.little);
      let v: number;
      if (typeof raw === "bigint") {
        if (raw > BigInt(Number.MAX_SAFE_INTEGER) || raw < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new BadInputError(`value ${raw} of ${h.descr} is too large to hold exactly as a number (beyond 2^53)`, { file, row: i + 1, column: `${name}[${j}]` });
        }
        v = Number(raw);
      } else v = raw;
      if (!Number.isFinite(v)) throw new BadInputError(`value is ${v}; embeddings must be finite numbers`, { file, row: i + 1, column: `${name}[${j}]` });
      out[i * d + j] = v;
    }
  }
  return dense(n, d, out);
}

/** The stem of a file name, the default prefix of column names: "emb.npy" → "emb". */
export function columnPrefix(file: string): string {
  return basename(file).replace(/\.npy$/i, "") || "npy";
}

/** Reads a .npy file: the matrix and column names `prefix[0]`, `prefix[1]`, .. (prefix: the file's stem). */
export function readNpy(path: string, prefix = columnPrefix(path)): { X: DenseMatrix; names: string[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : e instanceof Error ? e.message : String(e);
    throw new BadInputError(`cannot read the .npy file (${why})`, { file: path });
  }
  const X = parseNpy(bytes, path);
  return { X, names: Array.from({ length: X.cols }, (_, j) => `${prefix}[${j}]`) };
}

/**
 * Checks that a matrix read from `file` has one row per row of `table`.
 * @throws BadInputError naming both files and both counts
 */
export function checkRowAlignment(rows: number, tableRows: number, where: { readonly file: string; readonly table: string }): void {
  if (rows !== tableRows) {
    throw new BadInputError(
      `has ${rows} rows but the table ${where.table} has ${tableRows}: row i of the vectors must belong to data row i of the table, so both need the same number of rows`,
      { file: where.file },
    );
  }
}

export interface NpyWriteOptions {
  /** Default "<f8" (exact); "<f4" halves the size. */
  readonly dtype?: "<f8" | "<f4" | ">f8" | ">f4";
  /** Write column-major (Fortran order); default false. */
  readonly fortranOrder?: boolean;
  /** Format version; default the lowest that fits ("1.0", or "2.0" for a header over 64 KiB). */
  readonly version?: "1.0" | "2.0" | "3.0";
}

/** Encodes a matrix as a .npy file (header padded to a multiple of 64 bytes, as NumPy does). */
export function writeNpy(X: DenseMatrix, options: NpyWriteOptions = {}): Uint8Array {
  const dtype = options.dtype ?? "<f8";
  const fortran = options.fortranOrder ?? false;
  const dict = `{'descr': '${dtype}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': (${X.rows}, ${X.cols}), }`;
  const version = options.version ?? (dict.length + 12 > 65535 ? "2.0" : "1.0");
  const lenSize = version === "1.0" ? 2 : 4;
  const unpadded = 8 + lenSize + dict.length + 1;
  const header = dict + " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const size = dtype.endsWith("8") ? 8 : 4;
  const little = dtype.startsWith("<");
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + lenSize + headerBytes.length + X.rows * X.cols * size);
  out.set(MAGIC, 0);
  out[6] = Number(version[0]);
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lenSize === 2) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 8 + lenSize);
  let at = 8 + lenSize + headerBytes.length;
  const { rows: n, cols: d } = X;
  for (let k = 0; k < n * d; k++, at += size) {
    const v = fortran ? X.data[(k % n) * d + Math.floor(k / n)] : X.data[k];
    if (size === 8) view.setFloat64(at, v, little);
    else view.setFloat32(at, v, little);
  }
  return out;
}
