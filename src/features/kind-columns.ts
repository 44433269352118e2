/**
 * Image and series columns of a table (and image folders) as numeric feature columns, for the
 * commands that take `--image COL`, `--series COL` or `--data DIR/`:
 *
 * - `--image-features` text ("pixels:8,hog:32") to ImageFeature specs;
 * - a cell holding a series ("1;2;3", "1 2 3", "[1, 2, 3]", or a JSONL array of numbers) to numbers;
 * - the image paths of a table column (relative to the table's folder) to an image feature matrix;
 * - an image folder (`DIR/<label>/<file>`) to a Dataset of image features;
 * - matrix columns appended to a Dataset under a prefix ("photo:hog:0:1:7").
 *
 * Every bad cell is a BadInputError naming the file, row and column; nothing is half-built.
 *
 * @example
 * const features = parseImageFeatures("pixels:8,hog:32");
 * const ds = await imageFolderDataset("photos", features);
 */
import path from "node:path";
import type { Cell } from "../data/jsonl.js";
import type { Dataset } from "../data/types.js";
import { BadInputError, BadOptionError, type InputLocation } from "../errors.js";
import type { DenseMatrix } from "../linalg/matrix.js";
import { featuresLength, type ImageFeature } from "./image-features.js";
import { imageMatrix, listImageFolder, type ImageMatrix } from "./image.js";
import { datasetFromMatrix } from "./matrix-dataset.js";
import { seriesMatrix } from "./series.js";

/**
 * The default image features: 8 x 8 grey pixels and HOG on the 32 x 32 grey image. On the digits
 * (bench:data) pixels + HOG beat HOG alone and pixels alone, in full-pool accuracy and AULC.
 */
export const DEFAULT_IMAGE_FEATURES = "pixels:8,hog:32";

const whole = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined);

/**
 * Parses comma-separated feature specs: `pixels[:SIZE][:colour]`, `hog[:SIZE[:CELL]]`,
 * `colour-histogram[:hsv|rgb]` (also spelt `color-histogram`).
 *
 * @throws BadOptionError listing every bad spec, naming `option`
 */
export function parseImageFeatures(text: string, option = "image-features"): ImageFeature[] {
  const problems: string[] = [];
  const features: ImageFeature[] = [];
  const specs = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (specs.length === 0) problems.push(`--${option} is empty; give one or more of pixels[:SIZE][:colour], hog[:SIZE[:CELL]], colour-histogram[:hsv|rgb]`);
  for (const spec of specs) {
    const [kind, ...args] = spec.split(":");
    const bad = (why: string): void => void problems.push(`--${option} "${spec}": ${why}`);
    if (kind === "pixels") {
      const colour = args[args.length - 1] === "colour" || args[args.length - 1] === "color";
      const rest = colour ? args.slice(0, -1) : args;
      const size = rest.length === 0 ? 8 : whole(rest[0]);
      if (rest.length > 1 || size === undefined || size < 1) bad("expected pixels, pixels:SIZE or pixels:SIZE:colour with SIZE a whole number >= 1");
      else features.push({ kind: "pixels", size, ...(colour ? { colour: true } : {}) });
    } else if (kind === "hog") {
      const size = args.length === 0 ? 32 : whole(args[0]);
      const cell = args.length < 2 ? undefined : whole(args[1]);
      if (args.length > 2 || size === undefined || (args.length === 2 && cell === undefined)) bad("expected hog, hog:SIZE or hog:SIZE:CELL with whole numbers");
      else features.push({ kind: "hog", size, ...(cell !== undefined ? { cell } : {}) });
    } else if (kind === "colour-histogram" || kind === "color-histogram") {
      const mode = args.length === 0 ? "hsv" : args[0];
      if (args.length > 1 || (mode !== "hsv" && mode !== "rgb")) bad("expected colour-histogram, colour-histogram:hsv or colour-histogram:rgb");
      else features.push({ kind: "colour-histogram", mode });
    } else bad(`unknown image feature "${kind}"; known: pixels, hog, colour-histogram`);
  }
  if (problems.length === 0) {
    try {
      featuresLength(features);
    } catch (e) {
      if (e instanceof BadOptionError) problems.push(...e.problems.map((p) => `--${option}: ${p}`));
      else throw e;
    }
  }
  if (problems.length > 0) throw new BadOptionError(problems, option);
  return features;
}

/**
 * The numbers of a series cell: a JSON array ("[1, 2.5, 3]"), or numbers separated by `;`, `,` or
 * white space; a lone number is a series of one.
 *
 * @throws BadInputError at `where` for a missing cell, an empty series or a value that is not a finite number
 */
export function seriesCell(v: Cell | undefined, where: InputLocation): Float64Array {
  if (v === undefined || v === null || v === "") throw new BadInputError("missing series (expected numbers separated by ; or spaces, or a JSON array)", where);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new BadInputError(`series value ${v} is not a finite number`, where);
    return Float64Array.of(v);
  }
  if (typeof v === "boolean") throw new BadInputError(`a series must be numbers, got ${v}`, where);
  const text = v.trim();
  let tokens: unknown[];
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error("not an array");
      tokens = parsed;
    } catch (e) {
      throw new BadInputError(`series "${text.length > 40 ? text.slice(0, 40) + "..." : text}" is not a JSON array of numbers (${e instanceof Error ? e.message : String(e)})`, where);
    }
  } else tokens = text.split(/[\s;,]+/).filter((t) => t !== "");
  if (tokens.length === 0) throw new BadInputError("empty series", where);
  const out = new Float64Array(tokens.length);
  tokens.forEach((t, i) => {
    const x = typeof t === "number" ? t : typeof t === "string" && t.trim() !== "" ? Number(t) : NaN;
    if (!Number.isFinite(x)) throw new BadInputError(`series value ${i + 1} (${JSON.stringify(t)}) is not a finite number`, where);
    out[i] = x;
  });
  return out;
}

export interface KindColumnSource {
  /** The table file; image paths are relative to its folder. */
  readonly file: string;
  /** The column's name. */
  readonly column: string;
  /** Row number of each cell, for errors. */
  readonly rowNumbers: ArrayLike<number>;
}

/** The series features of a column's cells (one per row), feature names without prefix. */
export function seriesColumnMatrix(cells: readonly (Cell | undefined)[], src: KindColumnSource): { X: DenseMatrix; names: string[] } {
  const items = cells.map((v, i) => seriesCell(v, { file: src.file, row: src.rowNumbers[i], column: src.column }));
  return seriesMatrix(items, { source: src.file, rowNumbers: src.rowNumbers });
}

/** The image paths of a column's cells, checked present; relative to the table's folder. */
export function imagePaths(cells: readonly (Cell | undefined)[], src: KindColumnSource): string[] {
  return cells.map((v, i) => {
    if (v === undefined || v === null || String(v).trim() === "") throw new BadInputError("missing image path", { file: src.file, row: src.rowNumbers[i], column: src.column });
    return String(v).trim();
  });
}

/** The image features of a column of paths relative to the table's folder. */
export async function imageColumnMatrix(cells: readonly (Cell | undefined)[], src: KindColumnSource, features: readonly ImageFeature[]): Promise<ImageMatrix> {
  const paths = imagePaths(cells, src);
  return imageMatrix(paths, { base: path.dirname(src.file), features, source: src.file, column: src.column, rowNumbers: src.rowNumbers });
}

/** An image folder `dir/<label>/<file>` as a Dataset of image features: ids the relative paths, labels the subfolders. */
export async function imageFolderDataset(dir: string, features: readonly ImageFeature[]): Promise<Dataset> {
  const { paths, labels } = await listImageFolder(dir);
  const { X, names } = await imageMatrix(paths, { base: dir, features, source: dir });
  return datasetFromMatrix(X, names, { labels, labelColumn: "label", ids: paths, source: dir });
}

/**
 * `ds` with the columns of `X` appended as numeric columns named `prefix:name`.
 *
 * @throws BadInputError when such a name is already a column of `ds`
 */
export function withMatrixColumns(ds: Dataset, X: DenseMatrix, names: readonly string[], prefix: string): Dataset {
  const extra = datasetFromMatrix(X, names.map((n) => `${prefix}:${n}`), { source: ds.source }).columns;
  const taken = new Set(ds.columns.map((c) => c.name));
  const clash = extra.find((c) => taken.has(c.name));
  if (clash !== undefined) throw new BadInputError(`the feature name "${clash.name}" is also a column of the file`, { file: ds.source, column: prefix });
  return { ...ds, columns: [...ds.columns, ...extra] };
}
