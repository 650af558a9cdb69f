// Axis handling shared by the reductions (sum, max, min, mean): NumPy's `axis` may be
// one axis, a list of them, or absent (every axis), negative counting from the end.

import { formatShape, normalizeAxis, sizeOf, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** `axis` as sorted, distinct, non-negative axes of a rank-`rank` tensor. */
export function normalizeAxes(axis: number | readonly number[] | undefined, rank: number, where: string): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError(`${where}: axis must be a number or a list of numbers, got ${typeof axis}`);
  const axes = list.map((a) => normalizeAxis(a, rank, where));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length !== axes.length) throw new RangeError(`${where}: axis ${formatShape(list)} repeats an axis`);
  return sorted;
}

/** The shape with every reduced axis kept at length 1 (keepdims=True). */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** The shape with every reduced axis dropped (keepdims=False). */
export function droppedShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

/**
 * Folds `step` over the reduced axes in one pass over x. The accumulator is a float64
 * array whatever x's dtype, so a float32 sum rounds once, not at every step.
 */
export function reduceAxes(x: Tensor, axes: readonly number[], keepdims: boolean, init: number, step: (acc: number, v: number) => number, where: string): Tensor {
  if (!Number.isFinite(init) && axes.some((a) => x.shape[a] === 0)) {
    throw new RangeError(`${where}: cannot reduce an empty axis of ${formatShape(x.shape)}`);
  }
  const kept = keptShape(x.shape, axes);
  const acc = new Float64Array(sizeOf(kept)).fill(init);
  const outStrides = stridesOf(kept).map((s, d) => (axes.includes(d) ? 0 : s));
  const rank = x.rank;
  const index = new Array<number>(rank).fill(0);
  let at = 0;
  for (let i = 0; i < x.size; i++) {
    acc[at] = step(acc[at]!, x.data[i]!);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      at += outStrides[d]!;
      if (index[d]! < x.shape[d]!) break;
      at -= outStrides[d]! * x.shape[d]!;
      index[d] = 0;
    }
  }
  const out = Tensor.empty(keepdims ? kept : droppedShape(x.shape, axes), x.dtype);
  out.data.set(acc);
  return out;
}
