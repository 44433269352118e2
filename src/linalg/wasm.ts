/**
 * WebAssembly SIMD kernels for dense logistic regression (source: wasm/logistic.ts, compiled by
 * `npm run build` with AssemblyScript into dist/wasm/logistic.wasm). Two f64 lanes per
 * instruction and no bounds checks make the objective 2-3x faster than the JS loops on the
 * dense pools of the reference datasets; same formulas, same summation per lane pair, results
 * equal to the JS path up to rounding.
 *
 * Instances per thread, each with its own memory: one shared by the objectives (an objective
 * copies its rows in when first called and again whenever another objective has used the memory
 * since: a generation count, so any number of them may be alive at once), one per running pool
 * pass for scoring (linalg/pool-scores.ts streams the pool through it in fixed row blocks and
 * holds no matrix between calls), one for L-BFGS. `ACTIVELEARN_WASM=0` turns the
 * kernels off (the JS loops then run), as does a runtime without WebAssembly SIMD; `wasmStatus()`
 * says which runs and why, `NODE_DEBUG=activelearn` logs it, and a missing .wasm file (a broken
 * build or package) is a process warning.
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { debuglog } from "node:util";
import { isMainThread } from "node:worker_threads";
import type { DenseMatrix } from "./matrix.js";

// The runtime's WebAssembly API, as far as this file uses it (TypeScript's own types for it live
// in the DOM library, which this Node project does not load).
interface WasmModule {
  readonly kind?: never;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface Exports {
  readonly memory: WasmMemory;
  objective(n: number, dp: number, m: number, x: number, y: number, w: number, b: number, s: number, gw: number, gb: number, invC: number): number;
  scores(n: number, dp: number, m: number, x: number, w: number, b: number, s: number): void;
  linkMeasure(n: number, m: number, s: number, stride: number, binomial: number, measure: number, p: number, u: number): void;
  csrScores(n: number, mp: number, indptr: number, indices: number, values: number, wt: number, b: number, s: number): void;
  lbfgsDirection(np: number, m: number, stored: number, head: number, S: number, Y: number, rho: number, alpha: number, g: number, d: number): number;
  /** First byte after the module's static data (math tables). */
  heapBase(): number;
}

let module: WasmModule | null | undefined;
let loaded: Exports | null | undefined;
let generation = 0;

/** The compiled kernels, beside dist/src: dist/wasm/logistic.wasm (shipped in the npm package). */
const WASM_FILE = new URL("../../wasm/logistic.wasm", import.meta.url);
const debug = debuglog("activelearn");
let status: WasmStatus | undefined;

/** Whether the WebAssembly kernels run, and why not when they do not. */
export interface WasmStatus {
  /** True when the kernels loaded; false when the JS loops run instead. */
  readonly active: boolean;
  /** The .wasm file looked for. */
  readonly file: string;
  /** "loaded", "turned off by ACTIVELEARN_WASM=0", or what failed (a missing file, no SIMD). */
  readonly reason: string;
}

/** Records why the kernels are off: a debug line (NODE_DEBUG=activelearn), and a warning if the file is missing. */
function off(reason: string, missingFile: boolean): null {
  status = { active: false, file: fileURLToPath(WASM_FILE), reason };
  debug("WebAssembly kernels off, the JS loops run: %s", reason);
  // A missing file is a broken build or package, not a choice: say so once, on the main thread.
  if (missingFile && isMainThread) process.emitWarning(`activelearn: ${reason}; the slower JS loops run instead (npm run build compiles it)`, "ActiveLearnWasmWarning");
  return null;
}

function compiled(): WasmModule | null {
  if (module !== undefined) return module;
  module = null;
  if (process.env.ACTIVELEARN_WASM === "0") return off("turned off by ACTIVELEARN_WASM=0", false);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(WASM_FILE);
  } catch (e) {
    return off(`cannot read ${fileURLToPath(WASM_FILE)}: ${e instanceof Error ? e.message : String(e)}`, true);
  }
  try {
    module = new WebAssemblyApi.Module(bytes);
  } catch (e) {
    return off(`this runtime cannot compile the kernels (WebAssembly SIMD needed): ${e instanceof Error ? e.message : String(e)}`, false);
  }
  status = { active: true, file: fileURLToPath(WASM_FILE), reason: "loaded" };
  debug("WebAssembly kernels loaded from %s", status.file);
  return module;
}

function instantiate(): Exports | null {
  const m = compiled();
  if (m === null) return null;
  try {
    return new WebAssemblyApi.Instance(m, {}).exports as Exports;
  } catch (e) {
    return off(`cannot instantiate the kernels: ${e instanceof Error ? e.message : String(e)}`, false);
  }
}

/**
 * Whether dense logistic regression runs on the WebAssembly kernels in this thread (loading them
 * on first call). `NODE_DEBUG=activelearn` logs the same when they load or fail.
 *
 * @example
 * wasmStatus(); // { active: true, file: ".../dist/wasm/logistic.wasm", reason: "loaded" }
 */
export function wasmStatus(): WasmStatus {
  wasmKernels();
  return status ?? { active: false, file: fileURLToPath(WASM_FILE), reason: "not loaded" };
}

/** The kernels (the instance objectives share), or null where they are off or cannot load. */
export function wasmKernels(): Exports | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

/** Grows an instance's memory to at least `bytes` (whole 64 KiB pages). */
function reserve(e: Exports, bytes: number): void {
  const have = e.memory.buffer.byteLength;
  if (bytes > have) e.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** Makes the module's memory at least `bytes` long and hands it to a new user. */
function claim(k: Exports, bytes: number): number {
  reserve(k, bytes);
  return ++generation;
}

const align16 = (n: number): number => (n + 15) & ~15;

/**
 * Writes `count` rows of width d from `src` (row i = rows[first + i], or first + i when rows is
 * null) into `dst` from index `at`, dp doubles apart, the padding column (dp > d) zero.
 */
function putRows(dst: Float64Array, at: number, src: Float64Array, rows: Int32Array | null, count: number, d: number, dp: number, first = 0): void {
  for (let r = 0; r < count; r++) {
    const from = (rows === null ? first + r : rows[first + r]) * d;
    const to = at + r * dp;
    // Short rows element by element: a subarray per row would cost more than the copy.
    if (d < 64) for (let j = 0; j < d; j++) dst[to + j] = src[from + j];
    else dst.set(src.subarray(from, from + d), to);
    if (dp !== d) dst[to + d] = 0;
  }
}

/**
 * The logistic objective of `logisticObjective` (models/logistic.ts) for dense X, evaluated in
 * WebAssembly; null when the kernels are unavailable.
 */
export function wasmLogisticObjective(
  X: DenseMatrix,
  rows: Int32Array | null,
  y: Int32Array,
  m: number,
  C: number,
): ((theta: Float64Array, grad: Float64Array) => number) | null {
  const k = wasmKernels();
  if (k === null) return null;
  const n = y.length;
  const d = X.cols;
  const dp = d + (d & 1);
  const xOff = align16(k.heapBase());
  const yOff = align16(xOff + n * dp * 8);
  const wOff = align16(yOff + n * 4);
  const bOff = align16(wOff + m * dp * 8);
  const sOff = align16(bOff + m * 8);
  const gwOff = align16(sOff + n * m * 8);
  const gbOff = align16(gwOff + m * dp * 8);
  const total = align16(gbOff + m * 8);
  const invC = 1 / C;
  let mine = -1;
  let f64 = new Float64Array(0);
  const upload = (): void => {
    mine = claim(k, total);
    f64 = new Float64Array(k.memory.buffer);
    putRows(f64, xOff >> 3, X.data, rows, n, d, dp);
    new Int32Array(k.memory.buffer, yOff, n).set(y);
  };
  return (theta: Float64Array, grad: Float64Array): number => {
    if (mine !== generation || f64.buffer !== k.memory.buffer) upload();
    putRows(f64, wOff >> 3, theta, null, m, d, dp);
    f64.set(theta.subarray(m * d, m * d + m), bOff >> 3);
    const f = k.objective(n, dp, m, xOff, yOff, wOff, bOff, sOff, gwOff, gbOff, invC);
    const gw = gwOff >> 3;
    for (let c = 0; c < m; c++) grad.set(f64.subarray(gw + c * dp, gw + c * dp + d), c * d);
    grad.set(f64.subarray(gbOff >> 3, (gbOff >> 3) + m), m * d);
    return f;
  };
}

/**
 * Free scoring instances (each with its own memory, sized for one block of rows): a pool pass
 * (linalg/pool-scores.ts) takes one for its duration and hands it back, so a nested pass (none
 * today) would get another rather than overwrite a running one.
 */
const freeScorers: Exports[] = [];

/** A scoring instance for one pool pass; null without kernels. Hand it back with releaseScorer. */
export function acquireScorer(): Exports | null {
  const e = freeScorers.pop();
  if (e !== undefined) return e;
  if (wasmKernels() === null) return null;
  return instantiate();
}

/** Returns an instance taken with acquireScorer. */
export function releaseScorer(e: Exports): void {
  freeScorers.push(e);
}

export { align16, putRows, reserve };

/** L-BFGS buffers in a module's memory, with the two-loop recursion run there. */
export interface LbfgsWorkspace {
  /** Stride of the rows of S and Y (n rounded up to even; the padding stays zero). */
  readonly stride: number;
  readonly S: Float64Array;
  readonly Y: Float64Array;
  readonly rho: Float64Array;
  /** Gradient at the current point (length n). */
  readonly g: Float64Array;
  /** Search direction (length n). */
  readonly d: Float64Array;
  /** d = -H g from the stored pairs; returns g . d. */
  direction(stored: number, head: number): number;
  /** Hands the instance back (its buffers may then be reused). */
  release(): void;
}

let lbfgsInstance: Exports | null | undefined;
let lbfgsBusy = false;

/**
 * Buffers for one L-BFGS run of n variables with m pairs, in a module instance of their own; null
 * when the kernels are unavailable or another run holds them (a nested run then uses JS arrays).
 */
export function wasmLbfgsWorkspace(n: number, m: number): LbfgsWorkspace | null {
  if (lbfgsBusy) return null;
  if (lbfgsInstance === undefined) lbfgsInstance = instantiate();
  const e = lbfgsInstance;
  if (e === null) return null;
  const np = n + (n & 1);
  const base = align16(e.heapBase());
  const doubles = 2 * m * np + 2 * m + 2 * np;
  reserve(e, base + doubles * 8);
  const all = new Float64Array(e.memory.buffer, base, doubles);
  all.fill(0);
  const sOff = base;
  const yOff = sOff + m * np * 8;
  const rhoOff = yOff + m * np * 8;
  const alphaOff = rhoOff + m * 8;
  const gOff = alphaOff + m * 8;
  const dOff = gOff + np * 8;
  const view = (off: number, len: number): Float64Array => all.subarray((off - base) >> 3, ((off - base) >> 3) + len);
  lbfgsBusy = true;
  return {
    stride: np,
    S: view(sOff, m * np),
    Y: view(yOff, m * np),
    rho: view(rhoOff, m),
    g: view(gOff, n),
    d: view(dOff, n),
    direction: (stored, head) => e.lbfgsDirection(np, m, stored, head, sOff, yOff, rhoOff, alphaOff, gOff, dOff),
    release: () => {
      lbfgsBusy = false;
    },
  };
}
