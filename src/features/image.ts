/**
 * Image features that need no download: files (PNG, JPEG, WebP, told apart by their first bytes,
 * not their names) are decoded with sharp into 8-bit sRGB (EXIF orientation applied, transparency
 * flattened onto white, images larger than `maxSide` shrunk first), then every feature is computed
 * in image-features.ts in plain typed-array loops from that one decoded raster:
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
import { BadInputError, BadOptionError, type InputLocation } from "../errors.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";
import { featuresLength, imageFeatureNames, writeImageFeatures, type ImageFeature, type RgbImage } from "./image-features.js";

export type { GreyImage, ImageFeature, RgbImage } from "./image-features.js";

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

/** sharp (a native module), loaded on first decode so programs that never decode an image do not load it. */
type Sharp = (typeof import("sharp"))["default"];
let sharpLoading: Promise<Sharp> | undefined;
function loadSharp(): Promise<Sharp> {
  sharpLoading ??= import("sharp").then((m) => m.default);
  return sharpLoading;
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
  const sharp = await loadSharp();
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
