import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';

/** y = x²; ∂y/∂x = 2x. */
export class Square extends Function {
  readonly name = 'Square';
  forward(x: Tensor): Tensor {
    return map(x, (v) => v * v);
  }
  backward(gy: Variable): Variable[] {
    return [mul(gy, mul(this.inputs[0]!, 2))];
  }
}

export function square(x: VariableLike): Variable {
  return new Square().call(x);
}
