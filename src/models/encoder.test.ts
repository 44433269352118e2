import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { dense, denseFromRows, type DenseMatrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { OnnxEncoder } from "./encoder.js";
import { DOUBLE, linearModel, onnxModel, pooledModel, threeDModel } from "./onnx-test-support.js";

const dir = mkdtempSync(join(tmpdir(), "onnx-"));
function modelFile(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** X·W + b in float64. */
function affine(X: DenseMatrix, W: DenseMatrix, b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < W.cols; k++) {
      let s = b[k];
      for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] * W.data[j * W.cols + k];
      out.push(s);
    }
  }
  return out;
}

void test("a hand-built MatMul + Add model computes X·W + b exactly as JS does, in batches", async () => {
  // Dyadic values (k/4) keep every product and sum exact in float32, whatever the order.
  const rng = new Rng(7);
  const q = (): number => Math.round((rng.next() - 0.5) * 16) / 4;
  const W = dense(5, 3, Float64Array.from({ length: 15 }, q));
  const b = [0.5, -1.25, 2];
  const X = dense(11, 5, Float64Array.from({ length: 55 }, q));
  const enc = await OnnxEncoder.load(modelFile("lin.onnx", linearModel({ W, b })), { batchSize: 4, prefix: "emb" });
  assert.deepEqual([enc.inputName, enc.outputName, enc.input.type, enc.dimensions], ["x", "y", "float32", 3]);
  const { X: Y, names } = await enc.encodeRows(X);
  assert.deepEqual([Y.rows, Y.cols, names], [11, 3, ["emb[0]", "emb[1]", "emb[2]"]]);
  assert.deepEqual(Array.from(Y.data), affine(X, W, b));
  await enc.close();
});

void test("float64 models and arbitrary (seeded random) values agree to double precision", async () => {
  const r = new Rng(11);
  const rng = (): number => r.next();
  const W = dense(4, 2, Float64Array.from({ length: 8 }, () => rng() - 0.5));
  const b = [rng(), -rng()];
  const X = dense(9, 4, Float64Array.from({ length: 36 }, () => rng() * 10));
  const enc = await OnnxEncoder.load(modelFile("lin64.onnx", linearModel({ W, b, elemType: DOUBLE })));
  assert.equal(enc.input.type, "float64");
  const Y = (await enc.encodeRows(X)).X;
  const want = affine(X, W, b);
  Y.data.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-12, `${v} vs ${want[k]}`));
  await enc.close();
});

void test("missing file, not a model, wrong input width, 3-D and pooled outputs are clear errors", async () => {
  await assert.rejects(OnnxEncoder.load(join(dir, "none.onnx")), /none\.onnx, option --encoder: no such model file/);
  await assert.rejects(OnnxEncoder.load(modelFile("bad.onnx", new TextEncoder().encode("a,b\n1,2\n"))), /bad\.onnx: not an ONNX model onnxruntime can load/);
  await assert.rejects(OnnxEncoder.load(modelFile("empty.onnx", new Uint8Array(0))), /the file is empty/);
  const W = denseFromRows([[1, 2], [3, 4], [5, 6]]);
  const lin = await OnnxEncoder.load(modelFile("l.onnx", linearModel({ W })));
  await assert.rejects(lin.encodeRows(denseFromRows([[1, 2]])), /input size mismatch: the model's input "x" takes 3 values per row, the rows have 2/);
  await assert.rejects(lin.encodeImages([new Float32Array(12)], { height: 2, width: 2 }), /has shape \[batch, 3\]; images need a 4-D NCHW input/);
  await lin.close();
  await assert.rejects(OnnxEncoder.load(modelFile("l.onnx", linearModel({ W })), { inputName: "pixels" }), /no input "pixels"; its inputs: x/);
  // A 3-D output is refused from the metadata, before any run.
  await assert.rejects(OnnxEncoder.load(modelFile("3d.onnx", threeDModel(W))), /3d\.onnx: the model's output "y" has shape \[batch, 2, 1\]; an encoder must give a 2-D/);
  // A 3-D output the metadata does not declare is caught on the first batch.
  const hidden = onnxModel({
    inputs: [{ name: "x", shape: ["batch", 3] }],
    outputs: [{ name: "y", shape: [] }],
    initializers: [{ name: "W", dims: [3, 2], values: W.data }, { name: "s", elemType: 7, dims: [3], values: [-1, 2, 1] }],
    nodes: [{ op: "MatMul", inputs: ["x", "W"], outputs: ["xw"] }, { op: "Reshape", inputs: ["xw", "s"], outputs: ["y"] }],
  });
  const h = await OnnxEncoder.load(modelFile("hidden.onnx", hidden));
  await assert.rejects(h.encodeRows(denseFromRows([[1, 2, 3]])), /output "y" has shape \[1, 2, 1\] for a batch of 1; an encoder must give a 2-D/);
  await h.close();
  // One row per batch instead of one per input row: the batch dimension is wrong.
  const p = await OnnxEncoder.load(modelFile("pool.onnx", pooledModel(W)));
  await assert.rejects(p.encodeRows(denseFromRows([[1, 2, 3], [4, 5, 6]])), /has 1 rows for a batch of 2 rows \(shape \[1, 2\]\): it must give one vector per input row/);
  await p.close();
});

/** A model on images: flatten a [batch, ...rest] input and multiply by W. */
function imageModel(rest: readonly number[], W: DenseMatrix): Uint8Array {
  return onnxModel({
    inputs: [{ name: "img", shape: ["N", ...rest] }],
    outputs: [{ name: "y", shape: ["N", W.cols] }],
    initializers: [{ name: "W", dims: [W.rows, W.cols], values: W.data }],
    nodes: [{ op: "Flatten", inputs: ["img"], outputs: ["flat"] }, { op: "MatMul", inputs: ["flat", "W"], outputs: ["y"] }],
  });
}

void test("images are normalised per channel and laid out NCHW or NHWC as the model expects", async () => {
  const [h, w, c] = [2, 3, 2];
  const per = h * w * c;
  // Identity weights: the embedding is the model's input tensor itself, so the layout shows.
  const I = dense(per, per, Float64Array.from({ length: per * per }, (_, k) => (Math.floor(k / per) === k % per ? 1 : 0)));
  const img = Float32Array.from({ length: per }, (_, k) => k * 2); // HWC: value at (y, x, ch) = 2 * ((y*w + x)*c + ch)
  const mean = [1, 2];
  const std = [2, 4];
  const norm = (y: number, x: number, ch: number): number => (img[(y * w + x) * c + ch] * 0.5 - mean[ch]) / std[ch];
  const nchw = await OnnxEncoder.load(modelFile("nchw.onnx", imageModel([c, h, w], I)));
  const a = (await nchw.encodeImages([img, img], { height: h, width: w, channels: c, layout: "NCHW", scale: 0.5, mean, std })).X;
  const wantNchw: number[] = [];
  for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) wantNchw.push(norm(y, x, ch));
  assert.deepEqual(Array.from(a.data.subarray(0, per)), wantNchw);
  assert.deepEqual(Array.from(a.data.subarray(per)), wantNchw);
  await assert.rejects(nchw.encodeImages([img], { height: h, width: w, channels: c, layout: "NHWC" }), /input size mismatch: the model's input "img" is \[N, 2, 2, 3\], the images as NHWC are \[batch, 2, 3, 2\]/);
  await assert.rejects(nchw.encodeImages([img, new Float32Array(5)], { height: h, width: w, channels: c }), /row 2: image has 5 values, expected 12 \(2 × 3 × 2\)/);
  await assert.rejects(nchw.encodeImages([img], { height: h, width: w, channels: c, mean: [0] }), /one value per channel/);
  await nchw.close();
  const nhwc = await OnnxEncoder.load(modelFile("nhwc.onnx", imageModel([h, w, c], I)));
  const b = (await nhwc.encodeImages([img], { height: h, width: w, channels: c, layout: "NHWC", scale: 0.5, mean, std })).X;
  const wantNhwc: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) wantNhwc.push(norm(y, x, ch));
  assert.deepEqual(Array.from(b.data), wantNhwc);
  await nhwc.close();
});
