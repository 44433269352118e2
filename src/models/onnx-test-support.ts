/**
 * Tiny ONNX models for tests, built in memory: the ONNX file format is a protobuf ModelProto,
 * so a few lines of protobuf wire encoding (varints, length-delimited fields, packed floats)
 * are enough for a graph of MatMul / Add / Reshape nodes with initializers. No download, no
 * Python. Field numbers follow onnx.proto (ModelProto.ir_version = 1, .opset_import = 8,
 * .graph = 7; GraphProto.node = 1, .initializer = 5, .input = 11, .output = 12; ...).
 *
 * @example
 * const bytes = linearModel({ W: denseFromRows([[1], [2]]), b: [0.5] }); // y = x·W + b
 */
import type { DenseMatrix } from "../linalg/matrix.js";

/** Protobuf writer: fields are appended in the order given. */
class Pb {
  private readonly parts: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n; // int64 negatives: ten-byte two's complement
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (x !== 0n);
  }
  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: Pb): this {
    return this.bytes(field, m.done());
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** ONNX element types used here. */
export const FLOAT = 1;
export const DOUBLE = 11;
export const INT64 = 7;

/** A dimension: a number, or a name for a symbolic one (the batch). */
export type Dim = number | string;

function valueInfo(name: string, elemType: number, shape: readonly Dim[]): Pb {
  const shp = new Pb();
  for (const d of shape) shp.msg(1, typeof d === "number" ? new Pb().int(1, d) : new Pb().str(2, d));
  const tensorType = new Pb().int(1, elemType).msg(2, shp);
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

/** A TensorProto initializer (values as raw little-endian bytes). */
function tensor(name: string, elemType: number, dims: readonly number[], values: ArrayLike<number>): Pb {
  const t = new Pb();
  for (const d of dims) t.int(1, d);
  t.int(2, elemType);
  t.str(8, name);
  const size = elemType === FLOAT ? 4 : 8;
  const raw = new Uint8Array(values.length * size);
  const v = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) {
    if (elemType === FLOAT) v.setFloat32(k * 4, values[k], true);
    else if (elemType === DOUBLE) v.setFloat64(k * 8, values[k], true);
    else v.setBigInt64(k * 8, BigInt(values[k]), true);
  }
  return t.bytes(9, raw);
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface GraphSpec {
  readonly inputs: readonly { name: string; elemType?: number; shape: readonly Dim[] }[];
  readonly outputs: readonly { name: string; elemType?: number; shape: readonly Dim[] }[];
  readonly initializers: readonly { name: string; elemType?: number; dims: readonly number[]; values: ArrayLike<number> }[];
  readonly nodes: readonly NodeSpec[];
  readonly opset?: number;
}

/** Serialises a graph as an ONNX ModelProto (IR version 8). */
export function onnxModel(spec: GraphSpec): Uint8Array {
  const g = new Pb();
  spec.nodes.forEach((n, i) => {
    const node = new Pb();
    for (const x of n.inputs) node.str(1, x);
    for (const x of n.outputs) node.str(2, x);
    node.str(3, `node${i}`).str(4, n.op);
    g.msg(1, node);
  });
  g.str(2, "test-graph");
  for (const t of spec.initializers) g.msg(5, tensor(t.name, t.elemType ?? FLOAT, t.dims, t.values));
  for (const x of spec.inputs) g.msg(11, valueInfo(x.name, x.elemType ?? FLOAT, x.shape));
  for (const x of spec.outputs) g.msg(12, valueInfo(x.name, x.elemType ?? FLOAT, x.shape));
  return new Pb()
    .int(1, 8)
    .str(2, "activelearn-tests")
    .msg(7, g)
    .msg(8, new Pb().str(1, "").int(2, spec.opset ?? 13))
    .done();
}

/** y = x·W (+ b): input "x" of shape [batch, d], output "y" of shape [batch, k]. */
export function linearModel(p: { W: DenseMatrix; b?: readonly number[]; elemType?: number; inputShape?: readonly Dim[] }): Uint8Array {
  const elemType = p.elemType ?? FLOAT;
  const { rows: d, cols: k } = p.W;
  const nodes: NodeSpec[] = [{ op: "MatMul", inputs: ["x", "W"], outputs: [p.b ? "xw" : "y"] }];
  const initializers: GraphSpec["initializers"][number][] = [{ name: "W", elemType, dims: [d, k], values: p.W.data }];
  if (p.b) {
    nodes.push({ op: "Add", inputs: ["xw", "b"], outputs: ["y"] });
    initializers.push({ name: "b", elemType, dims: [k], values: p.b });
  }
  return onnxModel({
    inputs: [{ name: "x", elemType, shape: p.inputShape ?? ["batch", d] }],
    outputs: [{ name: "y", elemType, shape: ["batch", k] }],
    initializers,
    nodes,
  });
}

/** A model whose output is 3-D: y = reshape(x·W, [-1, k, 1]). */
export function threeDModel(W: DenseMatrix): Uint8Array {
  const { rows: d, cols: k } = W;
  return onnxModel({
    inputs: [{ name: "x", shape: ["batch", d] }],
    outputs: [{ name: "y", shape: ["batch", k, 1] }],
    initializers: [
      { name: "W", dims: [d, k], values: W.data },
      { name: "shape", elemType: INT64, dims: [3], values: [-1, k, 1] },
    ],
    nodes: [
      { op: "MatMul", inputs: ["x", "W"], outputs: ["xw"] },
      { op: "Reshape", inputs: ["xw", "shape"], outputs: ["y"] },
    ],
  });
}

/** A model whose output has one row whatever the batch: y = ReduceSum(x·W, axis 0, keepdims). */
export function pooledModel(W: DenseMatrix): Uint8Array {
  const { rows: d, cols: k } = W;
  return onnxModel({
    inputs: [{ name: "x", shape: ["batch", d] }],
    outputs: [{ name: "y", shape: [1, k] }],
    initializers: [
      { name: "W", dims: [d, k], values: W.data },
      { name: "axes", elemType: INT64, dims: [1], values: [0] },
    ],
    nodes: [
      { op: "MatMul", inputs: ["x", "W"], outputs: ["xw"] },
      { op: "ReduceSum", inputs: ["xw", "axes"], outputs: ["y"] },
    ],
  });
}
