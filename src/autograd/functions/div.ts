import { div as divTensors } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, sumTo, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

/** y = x0 / x1 (broadcasting); ∂y/∂x0 = 1/x1, ∂y/∂x1 = −x0/x1². */
export class Div extends Function {
  readonly name = 'Div';
  forward(x0: Tensor, x1: Tensor): Tensor {
    return divTensors(x0, x1);
  }
  backward(gy: Variable): Variable[] {
    const [x0, x1] = this.inputs as [Variable, Variable];
    const gx0 = div(gy, x1);
    const gx1 = mul(gy, neg(div(x0, mul(x1, x1))));
    return [sumTo(gx0, x0.shape), sumTo(gx1, x1.shape)];
  }
}

export function div(x0: VariableLike, x1: VariableLike): Variable {
  return new Div().call(x0, x1);
}
