import type { Tensor } from '../../tensor/tensor.js';
import { asVariable, broadcastTo, Function, type Variable, type VariableLike } from '../core.js';
import { keptShape, normalizeAxes, reduceAxes } from './axes.js';
import { reshape } from './reshape.js';

/** Σ over some axes; the gradient spreads gy back over the summed entries. */
export class Sum extends Function {
  readonly name = 'Sum';
  constructor(readonly axes: readonly number[], readonly keepdims: boolean) {
    super();
  }
  forward(x: Tensor): Tensor {
    return reduceAxes(x, this.axes, this.keepdims, 0, (acc, v) => acc + v, 'sum');
  }
  backward(gy: Variable): Variable[] {
    // DeZero's reshape_sum_backward: put the dropped axes back as length 1, then broadcast.
    const shape = this.inputs[0]!.shape;
    return [broadcastTo(reshape(gy, keptShape(shape, this.axes)), shape)];
  }
}

/** Σ x over `axis` (one axis, a list, or every axis when absent; negative from the end). */
export function sum(x: VariableLike, axis?: number | readonly number[], keepdims = false): Variable {
  const v = asVariable(x);
  return new Sum(normalizeAxes(axis, v.ndim, 'sum'), keepdims).call(v);
}
