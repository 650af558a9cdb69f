import { broadcast } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { asVariable, broadcastTo, Function, type Variable, type VariableLike } from '../core.js';
import { keptShape, normalizeAxes, reduceAxes } from './axes.js';
import { mul } from './mul.js';
import { reshape } from './reshape.js';

/**
 * The gradient of a max or min (DeZero's Max.backward): gy·(x == y), so it flows only
 * to the entries that were picked (to every one of them on a tie). The mask is a
 * constant of the graph, which makes the second derivative zero, as it is.
 */
export function extremumBackward(f: Function & { readonly axes: readonly number[] }, gy: Variable): Variable[] {
  const x = f.inputs[0]!;
  const kept = keptShape(x.shape, f.axes);
  const y = f.output!.data.reshape(kept);
  const mask = broadcast(x.data, y, (a, b) => (a === b ? 1 : 0), f.name);
  return [mul(broadcastTo(reshape(gy, kept), x.shape), mask)];
}

/** The largest entry along some axes; NaN wins, as in NumPy. */
export class Max extends Function {
  readonly name = 'Max';
  constructor(readonly axes: readonly number[], readonly keepdims: boolean) {
    super();
  }
  forward(x: Tensor): Tensor {
    return reduceAxes(x, this.axes, this.keepdims, -Infinity, (acc, v) => (v > acc || Number.isNaN(v) ? v : acc), 'max');
  }
  backward(gy: Variable): Variable[] {
    return extremumBackward(this, gy);
  }
}

/** max of x over `axis` (one axis, a list, or every axis when absent). */
export function max(x: VariableLike, axis?: number | readonly number[], keepdims = false): Variable {
  const v = asVariable(x);
  return new Max(normalizeAxes(axis, v.ndim, 'max'), keepdims).call(v);
}
