import { formatShape, normalizeAxis, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { asVariable, Function, type Variable, type VariableLike } from '../core.js';

/** out's axis i is x's axis axes[i] (np.transpose(x, axes)), as a new tensor. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const shape = axes.map((a) => x.shape[a]!);
  const out = Tensor.empty(shape, x.dtype);
  const sourceStrides = stridesOf(x.shape);
  const strides = axes.map((a) => sourceStrides[a]!);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = 0;
  for (let i = 0; i < out.size; i++) {
    out.data[i] = x.data[at]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      at += strides[d]!;
      if (index[d]! < shape[d]!) break;
      at -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/** Permutes the axes; its gradient permutes them back. */
export class Transpose extends Function {
  readonly name = 'Transpose';
  constructor(readonly axes: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return permute(x, this.axes);
  }
  backward(gy: Variable): Variable[] {
    const inverse = new Array<number>(this.axes.length);
    this.axes.forEach((a, i) => (inverse[a] = i));
    return [transpose(gy, inverse)];
  }
}

/**
 * x with its axes permuted: reversed by default (the matrix transpose for 2-d), else
 * axis i of the result is axis axes[i] of x; negative axes count from the end.
 */
export function transpose(x: VariableLike, axes?: readonly number[]): Variable {
  const v = asVariable(x);
  const rank = v.ndim;
  if (axes === undefined) return new Transpose(Array.from({ length: rank }, (_, i) => rank - 1 - i)).call(v);
  if (!Array.isArray(axes)) throw new TypeError(`transpose: axes must be a list of numbers, got ${typeof axes}`);
  const normalized = axes.map((a) => normalizeAxis(a, rank, 'transpose'));
  if (normalized.length !== rank || new Set(normalized).size !== rank) {
    throw new RangeError(`transpose: axes ${formatShape(axes)} are not a permutation of the ${rank} axes of ${formatShape(v.shape)}`);
  }
  return new Transpose(normalized).call(v);
}
