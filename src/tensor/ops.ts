import { getBackend } from '../backend/index.js';
import type { DType } from '../backend/backend.js';
import { broadcastShapes, formatShape, normalizeAxis, sizeOf, stridesOf } from './shape.js';
import { Tensor } from './tensor.js';

// Tensor-level operations. Hot paths (matmul, row-vector add) go to the active
// backend's kernels; the rest are general n-d loops over the typed arrays, which
// work on any backend's storage.

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  /** Write into this tensor instead of allocating one (its shape must match). */
  out?: Tensor;
}

/** op(a)·op(b) for 2-d tensors, with op = transpose when asked, never materialised. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false } = options;
  if (a.rank !== 2 || b.rank !== 2) throw new RangeError(`matmul: expected 2-d tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  checkSameDtype(a, b, 'matmul');
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new RangeError(`matmul: inner dimensions differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${k} ≠ ${kb})`);
  }
  const out = options.out ?? Tensor.empty([m, n], a.dtype);
  if (out.rank !== 2 || out.shape[0] !== m || out.shape[1] !== n || out.dtype !== a.dtype) {
    throw new RangeError(`matmul: out has shape ${formatShape(out.shape)} ${out.dtype}, expected [${m}, ${n}] ${a.dtype}`);
  }
  getBackend().gemm(transA, transB, m, n, k, a.data, 0, ac, b.data, 0, bc, 0, out.data, 0, n);
  return out;
}

/** The transpose of a 2-d tensor, as a new tensor. */
export function transpose(a: Tensor): Tensor {
  if (a.rank !== 2) throw new RangeError(`transpose: expected a 2-d tensor, got ${formatShape(a.shape)}`);
  const [rows, cols] = a.shape as [number, number];
  const out = Tensor.empty([cols, rows], a.dtype);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.data[j * rows + i] = a.data[i * cols + j]!;
  return out;
}

type Binary = (x: number, y: number) => number;

/** Element-wise binary op with NumPy broadcasting; a number is a scalar. */
export function broadcast(a: Tensor | number, b: Tensor | number, fn: Binary, name: string): Tensor {
  const ta = typeof a === 'number' ? null : a;
  const tb = typeof b === 'number' ? null : b;
  if (ta && tb) checkSameDtype(ta, tb, name);
  const dtype: DType = (ta ?? tb)?.dtype ?? 'float64';
  const shapeA = ta?.shape ?? [];
  const shapeB = tb?.shape ?? [];
  const shape = broadcastShapes(shapeA, shapeB, name);
  const out = Tensor.empty(shape, dtype);
  const da = ta?.data;
  const db = tb?.data;
  const sa = a as number;
  const sb = b as number;
  if (da && db && sameShape(shapeA, shapeB)) {
    for (let i = 0; i < out.size; i++) out.data[i] = fn(da[i]!, db[i]!);
    return out;
  }
  if (da && db && shapeB.length === 1 && shapeA.length === 2 && shapeA[1] === shapeB[0]) {
    // The row-over-a-batch case (bias add, etc.) without index arithmetic.
    const cols = shapeB[0]!;
    for (let i = 0; i < out.size; i++) out.data[i] = fn(da[i]!, db[i % cols]!);
    return out;
  }
  const stridesA = broadcastStrides(shapeA, shape);
  const stridesB = broadcastStrides(shapeB, shape);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let i = 0; i < out.size; i++) {
    out.data[i] = fn(da ? da[offA]! : sa, db ? db[offB]! : sb);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      offA += stridesA[d]!;
      offB += stridesB[d]!;
      if (index[d]! < shape[d]!) break;
      offA -= stridesA[d]! * shape[d]!;
      offB -= stridesB[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

export const add = (a: Tensor | number, b: Tensor | number): Tensor => broadcast(a, b, (x, y) => x + y, 'add');
export const sub = (a: Tensor | number, b: Tensor | number): Tensor => broadcast(a, b, (x, y) => x - y, 'sub');
export const mul = (a: Tensor | number, b: Tensor | number): Tensor => broadcast(a, b, (x, y) => x * y, 'mul');
export const div = (a: Tensor | number, b: Tensor | number): Tensor => broadcast(a, b, (x, y) => x / y, 'div');

export function map(a: Tensor, fn: (x: number) => number): Tensor {
  const out = Tensor.empty(a.shape, a.dtype);
  for (let i = 0; i < a.size; i++) out.data[i] = fn(a.data[i]!);
  return out;
}

export const exp = (a: Tensor): Tensor => map(a, Math.exp);
export const log = (a: Tensor): Tensor => map(a, Math.log);
export const abs = (a: Tensor): Tensor => map(a, Math.abs);

export interface ReduceOptions {
  /** Keep the reduced axis with length 1 (NumPy's keepdims). */
  keepDims?: boolean;
}

/** Reduces along `axis`, or over every element when axis is undefined. */
function reduce(a: Tensor, axis: number | undefined, init: number, step: Binary, finish: (acc: number, count: number) => number, name: string, options: ReduceOptions): Tensor {
  if (axis === undefined) {
    if (a.size === 0 && init === -Infinity) throw new RangeError(`${name}: cannot reduce an empty tensor`);
    let acc = init;
    for (let i = 0; i < a.size; i++) acc = step(acc, a.data[i]!);
    const out = Tensor.empty(options.keepDims ? a.shape.map(() => 1) : [], a.dtype);
    out.data[0] = finish(acc, a.size);
    return out;
  }
  const ax = normalizeAxis(axis, a.rank, name);
  const length = a.shape[ax]!;
  if (length === 0 && init === -Infinity) throw new RangeError(`${name}: cannot reduce an empty axis of ${formatShape(a.shape)}`);
  const outer = sizeOf(a.shape.slice(0, ax));
  const inner = sizeOf(a.shape.slice(ax + 1));
  const shape = options.keepDims ? a.shape.map((d, i) => (i === ax ? 1 : d)) : a.shape.filter((_, i) => i !== ax);
  const out = Tensor.empty(shape, a.dtype);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = init;
      for (let r = 0; r < length; r++) acc = step(acc, a.data[(o * length + r) * inner + i]!);
      out.data[o * inner + i] = finish(acc, length);
    }
  }
  return out;
}

export const sum = (a: Tensor, axis?: number, options: ReduceOptions = {}): Tensor =>
  reduce(a, axis, 0, (acc, x) => acc + x, (acc) => acc, 'sum', options);
export const mean = (a: Tensor, axis?: number, options: ReduceOptions = {}): Tensor =>
  reduce(a, axis, 0, (acc, x) => acc + x, (acc, count) => acc / count, 'mean', options);
export const max = (a: Tensor, axis?: number, options: ReduceOptions = {}): Tensor =>
  reduce(a, axis, -Infinity, (acc, x) => (x > acc || Number.isNaN(x) ? x : acc), (acc) => acc, 'max', options);

/** Index of the first maximum along `axis` (default: the last), as a plain Int32Array. */
export function argmax(a: Tensor, axis = -1): Int32Array {
  const ax = normalizeAxis(axis, a.rank, 'argmax');
  const length = a.shape[ax]!;
  if (length === 0) throw new RangeError(`argmax: cannot take argmax over an empty axis of ${formatShape(a.shape)}`);
  const outer = sizeOf(a.shape.slice(0, ax));
  const inner = sizeOf(a.shape.slice(ax + 1));
  const out = new Int32Array(outer * inner);
  if (inner === 1) {
    getBackend().argmaxRows(outer, length, a.data, out);
    return out;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let r = 1; r < length; r++) if (a.data[(o * length + r) * inner + i]! > a.data[(o * length + best) * inner + i]!) best = r;
      out[o * inner + i] = best;
    }
  }
  return out;
}

/** Rows of a tensor picked by index (x[batch_mask] in NumPy). */
export function gatherRows(source: Tensor, indices: Int32Array, out?: Tensor): Tensor {
  if (source.rank < 1) throw new RangeError('gatherRows: expected a tensor with at least one dimension');
  const rows = source.shape[0]!;
  for (const i of indices) if (i < 0 || i >= rows) throw new RangeError(`gatherRows: row index ${i} is out of range for ${formatShape(source.shape)}`);
  const shape = [indices.length, ...source.shape.slice(1)];
  const target = out ?? Tensor.empty(shape, source.dtype);
  if (!sameShape(target.shape, shape) || target.dtype !== source.dtype) {
    throw new RangeError(`gatherRows: out has shape ${formatShape(target.shape)} ${target.dtype}, expected ${formatShape(shape)} ${source.dtype}`);
  }
  getBackend().gatherRows(indices, sizeOf(source.shape.slice(1)), source.data, target.data);
  return target;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function allClose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
  if (!sameShape(a.shape, b.shape)) return false;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i]!;
    const y = b.data[i]!;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return false;
  }
  return true;
}

function checkSameDtype(a: Tensor, b: Tensor, name: string): void {
  if (a.dtype !== b.dtype) throw new TypeError(`${name}: dtypes differ (${a.dtype} and ${b.dtype}); convert one with astype()`);
}

function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const pad = target.length - shape.length;
  return target.map((_, i) => (i < pad || shape[i - pad] === 1 ? 0 : strides[i - pad]!));
}

/** Sums a broadcast result back down to `shape` (the gradient of broadcasting). */
export function sumTo(a: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(a.shape, shape)) return a;
  broadcastShapes(shape, a.shape, 'sumTo');
  let out = a;
  const pad = a.rank - shape.length;
  for (let d = 0; d < pad; d++) out = sum(out, 0);
  for (let d = 0; d < shape.length; d++) if (shape[d] === 1 && out.shape[d] !== 1) out = sum(out, d, { keepDims: true });
  return out.reshape([...shape]);
}
