import { sub as subTensors } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, sumTo, type Variable, type VariableLike } from '../core.js';
import { neg } from './neg.js';

/** y = x0 − x1 (broadcasting); ∂y/∂x0 = 1, ∂y/∂x1 = −1. */
export class Sub extends Function {
  readonly name = 'Sub';
  forward(x0: Tensor, x1: Tensor): Tensor {
    return subTensors(x0, x1);
  }
  backward(gy: Variable): Variable[] {
    return [sumTo(gy, this.inputs[0]!.shape), sumTo(neg(gy), this.inputs[1]!.shape)];
  }
}

export function sub(x0: VariableLike, x1: VariableLike): Variable {
  return new Sub().call(x0, x1);
}
