/**
 * Image features that need no download: files (PNG, JPEG, WebP, told apart by their first bytes,
 * not their names) are decoded with sharp into 8-bit sRGB (EXIF orientation applied, transparency
 * flattened onto white, images larger than `maxSide` shrunk first), then every feature is computed
 * here in plain typed-array loops from that one decoded raster:
 *
 * - `pixels`: the image resized (area averaging) to size x size, grey or colour, values in [0, 1].
 *   Good for small, aligned images of one subject (scanned characters, icons, centred parts).
 * - `hog`: histogram of oriented gradients (hog.ts) on the grey image resized to size x size.
 *   Good for shape and outline, robust to brightness and contrast.
 * - `colour-histogram`: the share of pixels per colour bin, per RGB channel or joint HSV bins;
 *   sums to 1 over the feature. Good when colour tells the classes apart (produce, materials,
 *   scenes), blind to shape and position.
 *
 * imageMatrix turns a list of image paths (relative to a base folder, never leaving it) into a
 * DenseMatrix, decoding a bounded number of files at a time; a missing or undecodable file is a
 * BadInputError naming the file and the row, never a silent zero row. Files are read with
 * synchronous calls (one small file at a time on the calling thread; measured faster than the
 * asynchronous ones, which queue on the same thread pool as the decoding). listImageFolder reads the
 * `DIR/<label>/<file>` layout.
 *
 * @example
 * const { paths, labels } = await listImageFolder("photos");
 * const { X, names } = await imageMatrix(paths, { base: "photos", features: [{ kind: "hog" }, { kind: "colour-histogram" }] });
 */
import { promises as fsp, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { BadInputError, BadOptionError, type InputLocation } from "../errors.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";
import { hog, hogLayout } from "./hog.js";

export type ImageFeature =
  | { readonly kind: "pixels"; /** Side of the resized image (default 8). */ readonly size?: number; /** RGB instead of grey (default false). */ readonly colour?: boolean }
  | { readonly kind: "hog"; /** Side of the resized grey image (default 32). */ readonly size?: number; readonly cell?: number; readonly block?: number; readonly bins?: number }
  | {
      readonly kind: "colour-histogram";
      /** "rgb": `bins` bins per channel, concatenated; "hsv": joint hue x saturation x value bins (default "hsv"). */
      readonly mode?: "rgb" | "hsv";
      /** Bins per channel for "rgb" (default 8). */
      readonly bins?: number;
      /** Hue, saturation and value bins for "hsv" (default [8, 3, 3]). */
      readonly hsvBins?: readonly [number, number, number];
    };

/** A decoded image: 8-bit sRGB, row-major, 3 values per pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** A single-channel float image, row-major. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// Numeric parts (no I/O)

/** Grey level in [0, 1] of every pixel: Rec. 601 luma (0.299 R + 0.587 G + 0.114 B) / 255; exact for grey pixels. */
export function toGrey(img: RgbImage): GreyImage {
  const n = img.width * img.height;
  const data = new Float64Array(n);
  const s = img.rgb;
  for (let i = 0, q = 0; i < n; i++, q += 3) {
    const r = s[q];
    const g = s[q + 1];
    const b = s[q + 2];
    data[i] = (r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b) / 255;
  }
  return { width: img.width, height: img.height, data };
}

/**
 * For an axis of `from` pixels resized to `to`: for each output pixel, the source pixels it covers
 * and their weights (overlap of the footprints, summing to 1).
 */
interface AxisWeights {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weight: Float64Array;
  readonly stride: number;
}

const axisCache = new Map<string, AxisWeights>();

function axisWeights(from: number, to: number): AxisWeights {
  const key = `${from}>${to}`;
  const hit = axisCache.get(key);
  if (hit !== undefined) return hit;
  const scale = from / to;
  const stride = Math.ceil(scale) + 1;
  const first = new Int32Array(to);
  const count = new Int32Array(to);
  const weight = new Float64Array(to * stride);
  for (let o = 0; o < to; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    const s0 = Math.floor(a);
    const s1 = Math.min(from, Math.ceil(b));
    first[o] = s0;
    count[o] = s1 - s0;
    for (let s = s0; s < s1; s++) weight[o * stride + (s - s0)] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
  }
  const w = { first, count, weight, stride };
  if (axisCache.size > 256) axisCache.clear();
  axisCache.set(key, w);
  return w;
}

/**
 * Resizes interleaved `channels`-valued pixels by area averaging: each output pixel is the mean of
 * the source area it covers (fractional pixels weighted by overlap). Shrinking averages; enlarging
 * repeats pixels, blending only where a source pixel boundary falls inside an output pixel.
 */
export function resizeArea(src: ArrayLike<number>, width: number, height: number, channels: number, outW: number, outH: number): Float64Array {
  const wx = axisWeights(width, outW);
  const wy = axisWeights(height, outH);
  // Horizontal pass into a height x outW buffer, then the vertical pass.
  const tmp = new Float64Array(height * outW * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let o = 0; o < outW; o++) {
      const f = wx.first[o];
      const n = wx.count[o];
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += wx.weight[o * wx.stride + k] * src[row + (f + k) * channels + c];
        tmp[(y * outW + o) * channels + c] = acc;
      }
    }
  }
  const out = new Float64Array(outH * outW * channels);
  const rowLen = outW * channels;
  for (let o = 0; o < outH; o++) {
    const f = wy.first[o];
    const n = wy.count[o];
    for (let k = 0; k < n; k++) {
      const w = wy.weight[o * wy.stride + k];
      const base = (f + k) * rowLen;
      for (let j = 0; j < rowLen; j++) out[o * rowLen + j] += w * tmp[base + j];
    }
  }
  return out;
}

/** Hue (degrees in [0, 360)), saturation and value (both [0, 1]) of an 8-bit RGB pixel. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const v = max / 255;
  const s = max === 0 ? 0 : d / max;
  if (d === 0) return [0, s, v];
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  h *= 60;
  if (h < 0) h += 360;
  return [h, s, v];
}

const binOf = (x: number, bins: number): number => Math.min(bins - 1, Math.floor(x * bins));

/** Number of values feature `f` adds (validates its options; every problem at once). */
export function featureLength(f: ImageFeature): number {
  const problems: string[] = [];
  const whole = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) problems.push(`image feature "${f.kind}": ${name} must be a whole number >= ${min}, got ${v}`);
  };
  let len = 0;
  if (f.kind === "pixels") {
    const size = f.size ?? 8;
    whole("size", size, 1);
    len = size * size * (f.colour === true ? 3 : 1);
  } else if (f.kind === "hog") {
    const size = f.size ?? 32;
    whole("size", size, 1);
    if (problems.length === 0) len = hogLayout(size, size, f).length;
  } else if (f.kind === "colour-histogram") {
    if ((f.mode ?? "hsv") === "rgb") {
      whole("bins", f.bins ?? 8, 1);
      len = 3 * (f.bins ?? 8);
    } else {
      const hb = f.hsvBins ?? [8, 3, 3];
      hb.forEach((v, i) => whole(`hsvBins[${i}]`, v, 1));
      len = hb[0] * hb[1] * hb[2];
    }
  } else {
    problems.push(`unknown image feature "${(f as { kind: string }).kind}"; known: pixels, hog, colour-histogram`);
  }
  if (problems.length > 0) throw new BadOptionError(problems);
  return len;
}

/** Total length of a feature set; every problem of every feature reported at once. */
export function featuresLength(features: readonly ImageFeature[]): number {
  const problems: string[] = [];
  let width = 0;
  for (const f of features) {
    try {
      width += featureLength(f);
    } catch (e) {
      if (!(e instanceof BadOptionError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new BadOptionError(problems);
  return width;
}

/** Names of the values feature set `features` produces, in order ("pixel:3:1", "hog:0:1:7", "hsv:5:0:2", "rgb:g:3"). */
export function imageFeatureNames(features: readonly ImageFeature[]): string[] {
  const names: string[] = [];
  for (const f of features) {
    if (f.kind === "pixels") {
      const size = f.size ?? 8;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
        if (f.colour === true) for (const c of "rgb") names.push(`pixel:${y}:${x}:${c}`);
        else names.push(`pixel:${y}:${x}`);
      }
    } else if (f.kind === "hog") {
      const size = f.size ?? 32;
      const L = hogLayout(size, size, f);
      for (let b = 0; b < L.blocksX * L.blocksY; b++) for (let c = 0; c < L.block * L.block; c++) for (let o = 0; o < L.bins; o++) names.push(`hog:${b}:${c}:${o}`);
    } else if ((f.mode ?? "hsv") === "rgb") {
      for (const c of "rgb") for (let b = 0; b < (f.bins ?? 8); b++) names.push(`rgb:${c}:${b}`);
    } else {
      const [hb, sb, vb] = f.hsvBins ?? [8, 3, 3];
      for (let h = 0; h < hb; h++) for (let s = 0; s < sb; s++) for (let v = 0; v < vb; v++) names.push(`hsv:${h}:${s}:${v}`);
    }
  }
  return names;
}

/**
 * Writes the features of one decoded image into `out` from `offset` (featureLength(f) values per
 * feature, in order); returns the offset after the last value.
 */
export function writeImageFeatures(img: RgbImage, features: readonly ImageFeature[], out: Float64Array, offset = 0): number {
  let p = offset;
  let grey: GreyImage | null = null;
  const getGrey = (): GreyImage => (grey ??= toGrey(img));
  for (const f of features) {
    if (f.kind === "pixels") {
      const size = f.size ?? 8;
      if (f.colour === true) {
        const r = resizeArea(img.rgb, img.width, img.height, 3, size, size);
        for (let k = 0; k < r.length; k++) out[p + k] = r[k] / 255;
        p += r.length;
      } else {
        const g = getGrey();
        const r = resizeArea(g.data, g.width, g.height, 1, size, size);
        out.set(r, p);
        p += r.length;
      }
    } else if (f.kind === "hog") {
      const size = f.size ?? 32;
      const g = getGrey();
      const r = resizeArea(g.data, g.width, g.height, 1, size, size);
      hog(r, size, size, f, out, p);
      p += hogLayout(size, size, f).length;
    } else {
      p = colourHistogram(img, f, out, p);
    }
  }
  return p;
}

function colourHistogram(img: RgbImage, f: Extract<ImageFeature, { kind: "colour-histogram" }>, out: Float64Array, p: number): number {
  const n = img.width * img.height;
  const s = img.rgb;
  out.fill(0, p, p + featureLength(f));
  if ((f.mode ?? "hsv") === "rgb") {
    const bins = f.bins ?? 8;
    const share = 1 / (3 * n);
    for (let i = 0, q = 0; i < n; i++, q += 3) {
      for (let c = 0; c < 3; c++) out[p + c * bins + binOf(s[q + c] / 256, bins)] += share;
    }
    return p + 3 * bins;
  }
  const [hb, sb, vb] = f.hsvBins ?? [8, 3, 3];
  const share = 1 / n;
  for (let i = 0, q = 0; i < n; i++, q += 3) {
    const [h, sat, v] = rgbToHsv(s[q], s[q + 1], s[q + 2]);
    out[p + (binOf(h / 360, hb) * sb + binOf(sat, sb)) * vb + binOf(v, vb)] += share;
  }
  return p + hb * sb * vb;
}

// ---------------------------------------------------------------------------------------------
// Files

export interface DecodeOptions {
  /** Images with a side longer than this are shrunk (aspect kept) before features (default 512). */
  readonly maxSide?: number;
}

/** The format told by a file's first bytes, or null when it is none of PNG, JPEG, WebP. */
export function sniffImageFormat(head: Uint8Array): "png" | "jpeg" | "webp" | null {
  const at = (i: number, bytes: number[]): boolean => bytes.every((b, k) => head[i + k] === b);
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (at(0, [0xff, 0xd8, 0xff])) return "jpeg";
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return "webp";
  return null;
}

/** What a PNG's chunks before the image data say: size, transparency, an EXIF orientation chunk; null if malformed. */
export function pngHeader(bytes: Uint8Array): { width: number; height: number; alpha: boolean; exif: boolean } | null {
  const u32 = (i: number): number => ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
  const type = (i: number): string => String.fromCharCode(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]);
  if (bytes.length < 33 || type(12) !== "IHDR") return null;
  const colourType = bytes[25];
  let alpha = colourType === 4 || colourType === 6;
  let exif = false;
  for (let p = 8; p + 8 <= bytes.length; ) {
    const t = type(p + 4);
    if (t === "IDAT") return { width: u32(16), height: u32(20), alpha, exif };
    if (t === "tRNS") alpha = true;
    if (t === "eXIf") exif = true;
    p += 12 + u32(p);
  }
  return null;
}

/**
 * Decodes PNG, JPEG or WebP bytes into 8-bit sRGB; `where` names the file in errors. A PNG whose
 * header shows no transparency, no EXIF chunk and no side above maxSide skips those steps.
 */
export async function decodeImage(bytes: Uint8Array, where: InputLocation, name: string, options: DecodeOptions = {}): Promise<RgbImage> {
  const format = sniffImageFormat(bytes);
  if (format === null) throw new BadInputError(`"${name}" is not a PNG, JPEG or WebP image`, where);
  const maxSide = options.maxSide ?? 512;
  const png = format === "png" ? pngHeader(bytes) : null;
  try {
    let s = sharp(bytes, { failOn: "error" });
    if (png === null || png.exif) s = s.autoOrient();
    if (png === null || png.width > maxSide || png.height > maxSide) s = s.resize({ width: maxSide, height: maxSide, fit: "inside", withoutEnlargement: true });
    if (png === null || png.alpha) s = s.flatten({ background: "#ffffff" });
    const { data, info } = await s.toColourspace("srgb").raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw new BadInputError(`cannot decode image "${name}": ${e instanceof Error ? e.message : String(e)}`, where);
  }
}

/** True when `inner` is `outer` or lies inside it (both absolute, normalised). */
function inside(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export interface ImageMatrixOptions extends DecodeOptions {
  /** Folder the paths are relative to; no path may leave it (symbolic links included). */
  readonly base: string;
  readonly features: readonly ImageFeature[];
  /** Files decoded at a time (default 8). */
  readonly concurrency?: number;
  /** The table that listed the paths, and its column, for error locations (default: the image path itself). */
  readonly source?: string;
  readonly column?: string;
  /** Row number of each path for errors (default i + 1). */
  readonly rowNumbers?: ArrayLike<number>;
}

export interface ImageMatrix {
  /** One row per path, in order; columns as `names`. */
  readonly X: DenseMatrix;
  readonly names: string[];
}

/**
 * Features of every image in `paths` (relative to `options.base`), one row each, in order.
 *
 * @throws BadInputError naming the file and row for a path leaving the base folder, a missing
 *   file, or a file that is not a decodable PNG, JPEG or WebP (the first such row, in row order)
 * @throws BadOptionError for bad feature options or an empty feature list
 */
export async function imageMatrix(paths: readonly string[], options: ImageMatrixOptions): Promise<ImageMatrix> {
  if (options.features.length === 0) throw new BadOptionError(["no image features chosen; pick at least one of pixels, hog, colour-histogram"]);
  const width = featuresLength(options.features);
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new BadOptionError([`image decoding concurrency must be a whole number >= 1, got ${concurrency}`]);
  const baseAbs = path.resolve(options.base);
  let baseReal: string;
  try {
    baseReal = await fsp.realpath(baseAbs);
  } catch {
    throw new BadInputError(`image folder "${options.base}" does not exist`, { ...(options.source !== undefined ? { file: options.source } : {}) });
  }
  const X = dense(paths.length, width);
  const names = imageFeatureNames(options.features);
  const failures: { row: number; error: unknown }[] = [];
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const rel = paths[i];
    const row = options.rowNumbers?.[i] ?? i + 1;
    const where: InputLocation = { file: options.source ?? rel, row, ...(options.column !== undefined ? { column: options.column } : {}) };
    const abs = path.resolve(baseAbs, rel);
    if (rel === "" || !inside(baseAbs, abs)) throw new BadInputError(`image path "${rel}" leaves the image folder "${options.base}"; paths must stay inside it`, where);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw new BadInputError(`image file "${rel}" not found in "${options.base}"`, where);
    }
    if (!inside(baseReal, real)) throw new BadInputError(`image path "${rel}" leads outside the image folder "${options.base}" (through a symbolic link); paths must stay inside it`, where);
    let bytes: Buffer;
    try {
      bytes = readFileSync(real);
    } catch (e) {
      throw new BadInputError(`cannot read image file "${rel}": ${e instanceof Error ? e.message : String(e)}`, where);
    }
    const img = await decodeImage(bytes, where, rel, options);
    writeImageFeatures(img, options.features, X.data, i * width);
  };
  const worker = async (): Promise<void> => {
    while (next < paths.length && failures.length === 0) {
      const i = next++;
      try {
        await one(i);
      } catch (error) {
        failures.push({ row: i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  if (failures.length > 0) {
    failures.sort((a, b) => a.row - b.row);
    throw failures[0].error;
  }
  return { X, names };
}

/** Image file endings listImageFolder picks up (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = [".png", ".jpg", ".jpeg", ".webp"];

export interface ImageFolder {
  /** Paths relative to the folder, "/"-separated: `<label>/<file>` (deeper folders keep their path). */
  readonly paths: string[];
  /** The top subfolder of each path. */
  readonly labels: string[];
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lists `dir/<label>/...` image files (PNG, JPEG, WebP by ending, in subfolders at any depth;
 * hidden entries and files directly in `dir` skipped; symbolic links not followed), sorted by path
 * in code-unit order, so the same folder gives the same rows on every machine.
 *
 * @throws BadInputError when `dir` is not a folder or holds no images in subfolders
 */
export async function listImageFolder(dir: string): Promise<ImageFolder> {
  let top;
  try {
    top = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    throw new BadInputError(`image folder "${dir}" does not exist or is not a folder`, { file: dir });
  }
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fsp.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile() && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) found.push(child);
    }
  };
  for (const e of top) if (e.isDirectory() && !e.name.startsWith(".")) await walk(e.name);
  if (found.length === 0) throw new BadInputError(`no images in subfolders of "${dir}"; expected ${dir}/<label>/<image>.png|.jpg|.webp`, { file: dir });
  found.sort(byCodeUnit);
  return { paths: found, labels: found.map((p) => p.slice(0, p.indexOf("/"))) };
}
