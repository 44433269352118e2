import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { checkRowAlignment, parseNpy, parseNpyHeader, readNpy, writeNpy } from "./npy.js";

/** A .npy file built by hand: magic, version, little-endian header length, header text, data. */
function npyBytes(header: string, data: Uint8Array, major = 1): Uint8Array {
  const lenSize = major === 1 ? 2 : 4;
  const text = new TextEncoder().encode(header + "\n");
  const out = new Uint8Array(8 + lenSize + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, text.length, true);
  else v.setUint32(8, text.length, true);
  out.set(text, 8 + lenSize);
  out.set(data, 8 + lenSize + text.length);
  return out;
}

function bytesOf(kind: "f4" | "f8" | "i4" | "i8", values: readonly number[], little = true): Uint8Array {
  const size = kind.endsWith("8") ? 8 : 4;
  const b = new Uint8Array(values.length * size);
  const v = new DataView(b.buffer);
  values.forEach((x, k) => {
    if (kind === "f4") v.setFloat32(k * 4, x, little);
    else if (kind === "f8") v.setFloat64(k * 8, x, little);
    else if (kind === "i4") v.setInt32(k * 4, x, little);
    else v.setBigInt64(k * 8, BigInt(x), little);
  });
  return b;
}

const hdr = (descr: string, shape: string, fortran = "False"): string => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

void test("float64, float32 and integer arrays of shape (n, d) decode row by row", () => {
  const vals = [1.5, -2, 3.25, 4, 5, 6];
  for (const [descr, kind] of [["<f8", "f8"], ["<f4", "f4"], ["<i4", "i4"], ["<i8", "i8"]] as const) {
    const data = kind.startsWith("i") ? [1, -2, 3, 4, 5, 6] : vals;
    const X = parseNpy(npyBytes(hdr(descr, "(2, 3)"), bytesOf(kind, data)), "e.npy");
    assert.deepEqual([X.rows, X.cols, Array.from(X.data)], [2, 3, data], descr);
  }
  // float32 rounding is kept as float32 gives it.
  const X = parseNpy(npyBytes(hdr("<f4", "(1, 1)"), bytesOf("f4", [0.1])), "e.npy");
  assert.equal(X.data[0], Math.fround(0.1));
});

void test("versions 2.0 and 3.0 (4-byte header length, UTF-8) and big-endian data are read", () => {
  const data = [1, 2, 3, 4];
  for (const major of [2, 3]) {
    const X = parseNpy(npyBytes(hdr("<f8", "(2, 2)"), bytesOf("f8", data), major), "e.npy");
    assert.deepEqual(Array.from(X.data), data);
    assert.equal(parseNpyHeader(npyBytes(hdr("<f8", "(2, 2)"), bytesOf("f8", data), major), "e.npy").version, `${major}.0`);
  }
  assert.deepEqual(Array.from(parseNpy(npyBytes(hdr(">f8", "(2, 2)"), bytesOf("f8", data, false)), "e.npy").data), data);
  assert.deepEqual(Array.from(parseNpy(npyBytes(hdr(">i4", "(2, 2)"), bytesOf("i4", [-1, 2, 3, -4], false)), "e.npy").data), [-1, 2, 3, -4]);
});

void test("Fortran order (column-major) is transposed into rows", () => {
  // The 2 × 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
  const X = parseNpy(npyBytes(hdr("<f8", "(2, 3)", "True"), bytesOf("f8", [1, 4, 2, 5, 3, 6])), "e.npy");
  assert.deepEqual(Array.from(X.data), [1, 2, 3, 4, 5, 6]);
});

void test("bad magic, unsupported dtype and wrong shapes are located and explained", () => {
  const bad = new TextEncoder().encode("a,b\n1,2\n");
  assert.throws(() => parseNpy(bad, "e.npy"), (e: Error) => /^e\.npy: not a NumPy \.npy file/.test(e.message) && /found 61 2c 62/.test(e.message));
  assert.throws(() => parseNpy(npyBytes(hdr("<c16", "(1, 1)"), new Uint8Array(16)), "e.npy"), /unsupported dtype "<c16"/);
  assert.throws(() => parseNpy(npyBytes(hdr("<U10", "(1, 1)"), new Uint8Array(40)), "e.npy"), /unsupported dtype "<U10"/);
  assert.throws(() => parseNpy(npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), "e.npy"), /malformed \.npy header|structured/);
  assert.throws(() => parseNpy(npyBytes(hdr("<f8", "(4,)"), bytesOf("f8", [1, 2, 3, 4])), "e.npy"), /expected a 2-D array of shape \(rows, dimensions\).*got 1-D shape \(4,\).*reshape\(-1, 1\)/);
  assert.throws(() => parseNpy(npyBytes(hdr("<f8", "(2, 1, 2)"), bytesOf("f8", [1, 2, 3, 4])), "e.npy"), /got 3-D shape \(2, 1, 2\).*reshape\(len\(x\), -1\)/);
  assert.throws(() => parseNpy(npyBytes(hdr("<f8", "(2, 0)"), new Uint8Array(0)), "e.npy"), /no dimensions/);
  const v4 = npyBytes(hdr("<f8", "(1, 1)"), bytesOf("f8", [1]));
  v4[6] = 4;
  assert.throws(() => parseNpy(v4, "e.npy"), /unsupported \.npy format version 4\.0/);
});

void test("truncated or over-long data, NaN and huge int64 are refused with counts or places", () => {
  const short = npyBytes(hdr("<f8", "(3, 2)"), bytesOf("f8", [1, 2, 3, 4, 5]));
  assert.throws(() => parseNpy(short, "e.npy"), /e\.npy: truncated \.npy data: shape \(3, 2\) of <f8 needs 48 bytes, the file has 40; 2 complete rows/);
  const long = npyBytes(hdr("<f8", "(1, 2)"), bytesOf("f8", [1, 2, 3]));
  assert.throws(() => parseNpy(long, "e.npy"), /8 bytes after the data/);
  const headerCut = npyBytes(hdr("<f8", "(1, 2)"), new Uint8Array(0)).subarray(0, 30);
  assert.throws(() => parseNpy(headerCut, "e.npy"), /truncated \.npy file: the header should be/);
  assert.throws(() => parseNpy(npyBytes(hdr("<f8", "(2, 2)"), bytesOf("f8", [1, 2, NaN, 4])), "e.npy"), (e: Error & { location?: unknown }) => {
    assert.match(e.message, /^e\.npy, row 2, column "e\[0\]": value is NaN/);
    assert.deepEqual(e.location, { file: "e.npy", row: 2, column: "e[0]" });
    return true;
  });
  const big = new Uint8Array(8);
  new DataView(big.buffer).setBigInt64(0, 2n ** 60n, true);
  assert.throws(() => parseNpy(npyBytes(hdr("<i8", "(1, 1)"), big), "e.npy"), /too large to hold exactly/);
});

void test("the writer round-trips through the reader in every version, dtype and order", () => {
  const X = denseFromRows([[0.1, -2, 3e10], [4, 5.5, -6e-7]]);
  for (const version of ["1.0", "2.0", "3.0"] as const) {
    for (const fortranOrder of [false, true]) {
      const bytes = writeNpy(X, { version, fortranOrder });
      assert.equal(parseNpyHeader(bytes, "x").dataOffset % 64, 0);
      assert.deepEqual(parseNpy(bytes, "x"), X);
    }
  }
  const f4 = parseNpy(writeNpy(X, { dtype: ">f4" }), "x");
  assert.deepEqual(Array.from(f4.data), Array.from(X.data, Math.fround));
});

void test("readNpy names columns after the file; the alignment check names both counts", () => {
  const dir = mkdtempSync(join(tmpdir(), "npy-"));
  const path = join(dir, "emb.npy");
  writeFileSync(path, writeNpy(denseFromRows([[1, 2], [3, 4], [5, 6]])));
  const { X, names } = readNpy(path);
  assert.deepEqual([X.rows, names], [3, ["emb[0]", "emb[1]"]]);
  assert.throws(() => readNpy(join(dir, "none.npy")), /none\.npy: cannot read the \.npy file \(no such file\)/);
  assert.doesNotThrow(() => checkRowAlignment(3, 3, { file: path, table: "data.csv" }));
  assert.throws(() => checkRowAlignment(3, 4, { file: "emb.npy", table: "data.csv" }), /: emb\.npy: has 3 rows but the table data\.csv has 4/);
});
