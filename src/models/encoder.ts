/**
 * `--encoder model.onnx`: turn rows (numbers, or images as float tensors) into embedding vectors
 * with a model the team already has, run by onnxruntime-node on the CPU.
 *
 * Design: onnxruntime-node is imported lazily, so nothing loads the native runtime unless an
 * encoder is used. The model's first input and first output are used unless named; their
 * element type and shape come from the model's metadata, and everything checkable is checked
 * before running (input width, image size and channels against static dimensions; element
 * type float32 or float64). Rows go through in batches (default 64) and each batch's output
 * must be 2-D with one row per input row; anything else (a 3-D output, a pooled output with
 * one row per batch) is an error naming the shape, not silently reshaped. Images arrive as
 * height × width × channels values (channels last, as image decoders give them); they are
 * scaled, normalised per channel ((v·scale − mean[c]) / std[c]) and laid out NCHW or NHWC.
 * Errors are BadInputError located by the model file (and the option or row at fault).
 *
 * @example
 * const enc = await OnnxEncoder.load("resnet.onnx", { image: { height: 224, width: 224, layout: "NCHW", mean, std } });
 * const { X, names } = await enc.encodeImages(pixels);   // X: n × d, names encoder[0] ..
 * await enc.close();
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { BadInputError } from "../errors.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";

export interface ImageInputOptions {
  readonly height: number;
  readonly width: number;
  /** Default 3. */
  readonly channels?: number;
  /** Layout the model expects: NCHW (PyTorch exports, the default) or NHWC (TensorFlow). */
  readonly layout?: "NCHW" | "NHWC";
  /** Multiplier applied first (e.g. 1/255 for 0..255 pixels); default 1. */
  readonly scale?: number;
  /** Per-channel mean and standard deviation; default 0 and 1. */
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
}

export interface EncoderOptions {
  /** Default: the model's first input / output. */
  readonly inputName?: string;
  readonly outputName?: string;
  /** Rows per run; default 64. */
  readonly batchSize?: number;
  /** Prefix of the output column names; default "encoder". */
  readonly prefix?: string;
  /** Threads for one run; default 1 (the CLI's workers are the parallelism). */
  readonly threads?: number;
}

type Ort = typeof import("onnxruntime-node");

interface TensorMeta {
  readonly type: "float32" | "float64";
  readonly shape: readonly (number | string)[];
}

function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === "number" && d >= 0 ? String(d) : typeof d === "string" && d !== "" ? d : "?")).join(", ")}]`;
}

/** A static dimension (a non-negative number), or undefined for a symbolic one. */
function fixed(d: number | string | undefined): number | undefined {
  return typeof d === "number" && d >= 0 ? d : undefined;
}

export class OnnxEncoder {
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly file: string,
    readonly inputName: string,
    readonly outputName: string,
    readonly input: TensorMeta,
    readonly output: TensorMeta,
    private readonly options: EncoderOptions,
  ) {}

  /**
   * Loads an ONNX model for CPU inference.
   * @throws BadInputError for a missing file, a file that is not an ONNX model, unknown input or
   *   output names, or an input/output that is not a float tensor
   */
  static async load(file: string, options: EncoderOptions = {}): Promise<OnnxEncoder> {
    if (!existsSync(file) || !statSync(file).isFile()) throw new BadInputError("no such model file", { file, option: "encoder" });
    const bytes = readFileSync(file);
    if (bytes.length === 0) throw new BadInputError("not an ONNX model: the file is empty", { file });
    const batch = options.batchSize ?? 64;
    if (!Number.isInteger(batch) || batch < 1) throw new BadInputError(`batch size must be a whole number of at least 1, got ${batch}`, { file });
    const ort: Ort = await import("onnxruntime-node");
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ["cpu"],
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        logSeverityLevel: 3,
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new BadInputError(`not an ONNX model onnxruntime can load (${why})`, { file });
    }
    const pick = (kind: "input" | "output", names: readonly string[], wanted: string | undefined): string => {
      if (wanted === undefined) {
        if (names.length === 0) throw new BadInputError(`the model has no ${kind}s`, { file });
        return names[0];
      }
      if (!names.includes(wanted)) throw new BadInputError(`the model has no ${kind} "${wanted}"; its ${kind}s: ${names.join(", ")}`, { file });
      return wanted;
    };
    const inputName = pick("input", session.inputNames, options.inputName);
    const outputName = pick("output", session.outputNames, options.outputName);
    const meta = (kind: "input" | "output", name: string): TensorMeta => {
      const m = (kind === "input" ? session.inputMetadata : session.outputMetadata).find((x) => x.name === name);
      if (m === undefined || !m.isTensor) throw new BadInputError(`the model's ${kind} "${name}" is not a tensor`, { file });
      if (m.type !== "float32" && m.type !== "float64") {
        throw new BadInputError(`the model's ${kind} "${name}" holds ${m.type}; an encoder needs float32 or float64 ${kind === "input" ? "inputs" : "embeddings"}`, { file });
      }
      return { type: m.type, shape: m.shape };
    };
    const input = meta("input", inputName);
    const output = meta("output", outputName);
    if (output.shape.length !== 0 && output.shape.length !== 2) {
      throw new BadInputError(`the model's output "${outputName}" has shape ${describeShape(output.shape)}; an encoder must give a 2-D [batch, dimensions] output (one vector per row)`, { file });
    }
    return new OnnxEncoder(ort, session, file, inputName, outputName, input, output, { ...options, batchSize: batch });
  }

  /** The length of the vectors, when the model declares it. */
  get dimensions(): number | undefined {
    return fixed(this.output.shape[1]);
  }

  /**
   * Encodes numeric rows: the model's input must be [batch, d] with d = X.cols (or symbolic).
   * @throws BadInputError when the widths disagree or the output is not one vector per row
   */
  async encodeRows(X: DenseMatrix): Promise<{ X: DenseMatrix; names: string[] }> {
    const shape = this.input.shape;
    if (shape.length !== 2) {
      throw new BadInputError(`the model's input "${this.inputName}" has shape ${describeShape(shape)}; numeric rows need a 2-D [batch, ${X.cols}] input (for images, give image options)`, { file: this.file });
    }
    const d = fixed(shape[1]);
    if (d !== undefined && d !== X.cols) {
      throw new BadInputError(`input size mismatch: the model's input "${this.inputName}" takes ${d} values per row, the rows have ${X.cols}`, { file: this.file });
    }
    return this.run(X.rows, [X.cols], (i, out, at) => {
      for (let j = 0; j < X.cols; j++) out[at + j] = X.data[i * X.cols + j];
    });
  }

  /**
   * Encodes images given as height × width × channels values (channels last).
   * @throws BadInputError when an image has the wrong number of values (row named) or the size,
   *   channels or layout disagree with the model's input
   */
  async encodeImages(images: readonly ArrayLike<number>[], opts: ImageInputOptions): Promise<{ X: DenseMatrix; names: string[] }> {
    const c = opts.channels ?? 3;
    const { height: h, width: w } = opts;
    const layout = opts.layout ?? "NCHW";
    const scale = opts.scale ?? 1;
    const mean = opts.mean ?? Array.from({ length: c }, () => 0);
    const std = opts.std ?? Array.from({ length: c }, () => 1);
    const file = this.file;
    for (const [what, v] of [["height", h], ["width", w], ["channels", c]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new BadInputError(`image ${what} must be a whole number of at least 1, got ${v}`, { file });
    }
    if (mean.length !== c || std.length !== c) throw new BadInputError(`mean and std need one value per channel (${c}), got ${mean.length} and ${std.length}`, { file });
    if (std.some((s) => !(s > 0))) throw new BadInputError(`every std must be positive, got ${std.join(", ")}`, { file });
    const want = layout === "NCHW" ? [c, h, w] : [h, w, c];
    const shape = this.input.shape;
    if (shape.length !== 4) {
      throw new BadInputError(`the model's input "${this.inputName}" has shape ${describeShape(shape)}; images need a 4-D ${layout} input [batch, ${want.join(", ")}]`, { file });
    }
    for (let k = 0; k < 3; k++) {
      const m = fixed(shape[k + 1]);
      if (m !== undefined && m !== want[k]) {
        throw new BadInputError(
          `input size mismatch: the model's input "${this.inputName}" is ${describeShape(shape)}, the images as ${layout} are [batch, ${want.join(", ")}]` +
            " (check the image size, the channels and the layout option)",
          { file },
        );
      }
    }
    const per = h * w * c;
    images.forEach((img, i) => {
      if (img.length !== per) throw new BadInputError(`image has ${img.length} values, expected ${per} (${h} × ${w} × ${c})`, { file, row: i + 1 });
    });
    return this.run(images.length, want, (i, out, at) => {
      const img = images[i];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let ch = 0; ch < c; ch++) {
            const v = (img[(y * w + x) * c + ch] * scale - mean[ch]) / std[ch];
            out[layout === "NCHW" ? at + (ch * h + y) * w + x : at + (y * w + x) * c + ch] = v;
          }
        }
      }
    });
  }

  /** Runs the rows in batches; `fill(i, buf, at)` writes row i's input at buf[at ..]. */
  private async run(n: number, rowShape: readonly number[], fill: (i: number, buf: Float32Array | Float64Array, at: number) => void): Promise<{ X: DenseMatrix; names: string[] }> {
    const per = rowShape.reduce((a, b) => a * b, 1);
    const batch = this.options.batchSize ?? 64;
    let d = this.dimensions ?? -1;
    let out = new Float64Array(0);
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      const buf = this.input.type === "float32" ? new Float32Array(m * per) : new Float64Array(m * per);
      for (let r = 0; r < m; r++) fill(start + r, buf, r * per);
      const feed: Record<string, Tensor> = { [this.inputName]: new this.ort.Tensor(this.input.type, buf, [m, ...rowShape]) };
      let result: InferenceSession.ReturnType;
      try {
        result = await this.session.run(feed, [this.outputName]);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new BadInputError(`the model failed on rows ${start + 1}-${start + m} (${why})`, { file: this.file });
      }
      const y = result[this.outputName];
      const dims = y.dims;
      if (dims.length !== 2) {
        throw new BadInputError(`the model's output "${this.outputName}" has shape [${dims.join(", ")}] for a batch of ${m}; an encoder must give a 2-D [batch, dimensions] output`, { file: this.file });
      }
      if (dims[0] !== m) {
        throw new BadInputError(`the model's output "${this.outputName}" has ${dims[0]} rows for a batch of ${m} rows (shape [${dims.join(", ")}]): it must give one vector per input row`, { file: this.file });
      }
      if (d < 0) d = dims[1];
      if (dims[1] !== d) throw new BadInputError(`the model's output width changed from ${d} to ${dims[1]} between batches`, { file: this.file });
      if (out.length === 0) out = new Float64Array(n * d);
      const data = y.data;
      if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new BadInputError(`the model's output "${this.outputName}" is ${y.type}, not floats`, { file: this.file });
      for (let k = 0; k < m * d; k++) {
        const v = data[k];
        if (!Number.isFinite(v)) {
          throw new BadInputError(`the model gave ${v} at element ${k % d} of the vector`, { file: this.file, row: start + Math.floor(k / d) + 1 });
        }
        out[start * d + k] = v;
      }
    }
    if (d < 0) d = 0;
    const prefix = this.options.prefix ?? "encoder";
    return { X: dense(n, d, n === 0 ? new Float64Array(0) : out), names: Array.from({ length: d }, (_, j) => `${prefix}[${j}]`) };
  }

  /** Frees the runtime's session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
