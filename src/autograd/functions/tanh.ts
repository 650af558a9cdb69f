import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/** y = tanh x; ∂y/∂x = 1 − y². */
export class Tanh extends Function {
  readonly name = 'Tanh';
  forward(x: Tensor): Tensor {
    return map(x, Math.tanh);
  }
  backward(gy: Variable): Variable[] {
    const y = this.output!;
    return [mul(gy, sub(1, mul(y, y)))];
  }
}

export function tanh(x: VariableLike): Variable {
  return new Tanh().call(x);
}
