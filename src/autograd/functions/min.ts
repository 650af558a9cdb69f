import type { Tensor } from '../../tensor/tensor.js';
import { asVariable, Function, type Variable, type VariableLike } from '../core.js';
import { normalizeAxes, reduceAxes } from './axes.js';
import { extremumBackward } from './max.js';

/** The smallest entry along some axes; NaN wins, as in NumPy. */
export class Min extends Function {
  readonly name = 'Min';
  constructor(readonly axes: readonly number[], readonly keepdims: boolean) {
    super();
  }
  forward(x: Tensor): Tensor {
    return reduceAxes(x, this.axes, this.keepdims, Infinity, (acc, v) => (v < acc || Number.isNaN(v) ? v : acc), 'min');
  }
  backward(gy: Variable): Variable[] {
    return extremumBackward(this, gy);
  }
}

/** min of x over `axis` (one axis, a list, or every axis when absent). */
export function min(x: VariableLike, axis?: number | readonly number[], keepdims = false): Variable {
  const v = asVariable(x);
  return new Min(normalizeAxes(axis, v.ndim, 'min'), keepdims).call(v);
}
