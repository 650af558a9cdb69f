import { mul as mulTensors } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, sumTo, type Variable, type VariableLike } from '../core.js';

/** y = x0·x1 (broadcasting); ∂y/∂x0 = x1, ∂y/∂x1 = x0. */
export class Mul extends Function {
  readonly name = 'Mul';
  forward(x0: Tensor, x1: Tensor): Tensor {
    return mulTensors(x0, x1);
  }
  backward(gy: Variable): Variable[] {
    const [x0, x1] = this.inputs as [Variable, Variable];
    return [sumTo(mul(gy, x1), x0.shape), sumTo(mul(gy, x0), x1.shape)];
  }
}

export function mul(x0: VariableLike, x1: VariableLike): Variable {
  return new Mul().call(x0, x1);
}
