import { mul } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';

/** y = −x; ∂y/∂x = −1. */
export class Neg extends Function {
  readonly name = 'Neg';
  forward(x: Tensor): Tensor {
    return mul(x, -1);
  }
  backward(gy: Variable): Variable[] {
    return [neg(gy)];
  }
}

export function neg(x: VariableLike): Variable {
  return new Neg().call(x);
}
