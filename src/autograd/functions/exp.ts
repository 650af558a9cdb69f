import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';

/** y = eˣ; ∂y/∂x = eˣ = y. */
export class Exp extends Function {
  readonly name = 'Exp';
  forward(x: Tensor): Tensor {
    return map(x, Math.exp);
  }
  backward(gy: Variable): Variable[] {
    return [mul(gy, this.output!)];
  }
}

export function exp(x: VariableLike): Variable {
  return new Exp().call(x);
}
