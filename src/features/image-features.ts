/**
 * The numeric part of the image features (no I/O): grey conversion, area resizing, HSV, the
 * feature set's layout and names, and writing one decoded image's features into a row. See
 * image.ts for what each feature is good for and for decoding files.
 *
 * @example
 * const row = new Float64Array(featuresLength(features));
 * writeImageFeatures(img, features, row);
 */
import { BadOptionError } from "../errors.js";
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
