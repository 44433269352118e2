/**
 * Histogram of oriented gradients (Dalal & Triggs, "Histograms of Oriented Gradients for Human
 * Detection", CVPR 2005), the numeric part only: a grey image in, one feature vector out.
 *
 * Following the paper's best settings: centred [-1, 0, 1] gradients (no smoothing), unsigned
 * orientations in [0°, 180°) voted into `bins` (9) bins by gradient magnitude with linear
 * interpolation between the two nearest bin centres, cells of `cell` x `cell` pixels, blocks of
 * `block` x `block` cells overlapping with a stride of one cell, each block L2-Hys normalised
 * (L2 norm, values clipped at 0.2, L2 norm again). Two simplifications: votes go to the pixel's own
 * cell only (no spatial interpolation between cells), and image borders repeat the edge pixel.
 * Bin b is centred on b * 180° / bins, so bin 0 holds horizontal gradients (vertical edges) and,
 * with 9 bins, vertical gradients (horizontal edges) split evenly between bins 4 and 5.
 *
 * Good for: shape and outline (characters, parts, products on a plain background), robust to
 * brightness and contrast changes; not for colour or texture-by-colour.
 *
 * @example
 * const v = hog(grey, 32, 32, { cell: 8, block: 2, bins: 9 }); // 3 x 3 blocks x 4 cells x 9 bins = 324
 */
import { BadOptionError } from "../errors.js";

export interface HogOptions {
  /** Cell side in pixels (default 8). */
  readonly cell?: number;
  /** Block side in cells (default 2). */
  readonly block?: number;
  /** Orientation bins over [0°, 180°) (default 9). */
  readonly bins?: number;
}

/** Resolved HOG options and the output layout for a width x height image. */
export interface HogLayout {
  readonly cell: number;
  readonly block: number;
  readonly bins: number;
  readonly cellsX: number;
  readonly cellsY: number;
  readonly blocksX: number;
  readonly blocksY: number;
  /** Output length: blocksX * blocksY * block * block * bins. */
  readonly length: number;
}

/** The layout of HOG on a width x height image; an error if the image holds no whole block. */
export function hogLayout(width: number, height: number, options: HogOptions = {}): HogLayout {
  const cell = options.cell ?? 8;
  const block = options.block ?? 2;
  const bins = options.bins ?? 9;
  const problems: string[] = [];
  for (const [name, v] of [["cell", cell], ["block", block], ["bins", bins]] as const) {
    if (!Number.isInteger(v) || v < 1) problems.push(`HOG ${name} must be a whole number >= 1, got ${v}`);
  }
  if (problems.length > 0) throw new BadOptionError(problems);
  const cellsX = Math.floor(width / cell);
  const cellsY = Math.floor(height / cell);
  const blocksX = cellsX - block + 1;
  const blocksY = cellsY - block + 1;
  if (blocksX < 1 || blocksY < 1) {
    throw new BadOptionError([`HOG needs at least ${block} x ${block} cells of ${cell} pixels; a ${width} x ${height} image has ${cellsX} x ${cellsY}`]);
  }
  return { cell, block, bins, cellsX, cellsY, blocksX, blocksY, length: blocksX * blocksY * block * block * bins };
}

/** Clip value of L2-Hys (Lowe's SIFT value, used by Dalal & Triggs). */
const HYS_CLIP = 0.2;
/** Keeps flat blocks (all-zero gradients) at zero instead of 0 / 0. */
const EPS = 1e-6;

/**
 * HOG features of a grey image (row-major, `width * height` values, any scale).
 *
 * @param out optional output buffer of hogLayout(...).length values, written from `offset`
 * @returns the feature vector (blocks row by row, in each block cells row by row, bins in order)
 */
export function hog(grey: ArrayLike<number>, width: number, height: number, options: HogOptions = {}, out?: Float64Array, offset = 0): Float64Array {
  const L = hogLayout(width, height, options);
  const { cell, block, bins, cellsX, cellsY } = L;
  const res = out ?? new Float64Array(L.length);
  const hist = new Float64Array(cellsX * cellsY * bins);
  const binWidth = Math.PI / bins;
  // Pixels beyond the last whole cell are left out, as the cells do not reach them.
  const w = cellsX * cell;
  const h = cellsY * cell;
  for (let y = 0; y < h; y++) {
    const up = (y > 0 ? y - 1 : 0) * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    const row = y * width;
    const cy = Math.floor(y / cell);
    for (let x = 0; x < w; x++) {
      const gx = grey[row + (x < width - 1 ? x + 1 : x)] - grey[row + (x > 0 ? x - 1 : 0)];
      const gy = grey[down + x] - grey[up + x];
      const mag = Math.sqrt(gx * gx + gy * gy);
      if (mag === 0) continue;
      let theta = Math.atan2(gy, gx);
      if (theta < 0) theta += Math.PI;
      if (theta >= Math.PI) theta -= Math.PI;
      const pos = theta / binWidth;
      const b0 = Math.floor(pos);
      const frac = pos - b0;
      const base = (cy * cellsX + Math.floor(x / cell)) * bins;
      hist[base + (b0 % bins)] += mag * (1 - frac);
      hist[base + ((b0 + 1) % bins)] += mag * frac;
    }
  }
  const blockLen = block * block * bins;
  let p = offset;
  for (let by = 0; by < L.blocksY; by++) {
    for (let bx = 0; bx < L.blocksX; bx++) {
      const start = p;
      for (let j = 0; j < block; j++) {
        for (let i = 0; i < block; i++) {
          const base = ((by + j) * cellsX + bx + i) * bins;
          for (let b = 0; b < bins; b++) res[p++] = hist[base + b];
        }
      }
      l2Hys(res, start, blockLen);
    }
  }
  return res;
}

/** L2-Hys in place on v[start .. start + n): L2-normalise, clip at 0.2, L2-normalise again. */
export function l2Hys(v: Float64Array, start: number, n: number): void {
  let ss = 0;
  for (let k = start; k < start + n; k++) ss += v[k] * v[k];
  let inv = 1 / Math.sqrt(ss + EPS * EPS);
  ss = 0;
  for (let k = start; k < start + n; k++) {
    const c = Math.min(v[k] * inv, HYS_CLIP);
    v[k] = c;
    ss += c * c;
  }
  inv = 1 / Math.sqrt(ss + EPS * EPS);
  for (let k = start; k < start + n; k++) v[k] *= inv;
}
