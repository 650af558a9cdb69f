import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { cos } from './cos.js';
import { mul } from './mul.js';

/** y = sin x; ∂y/∂x = cos x. */
export class Sin extends Function {
  readonly name = 'Sin';
  forward(x: Tensor): Tensor {
    return map(x, Math.sin);
  }
  backward(gy: Variable): Variable[] {
    return [mul(gy, cos(this.inputs[0]!))];
  }
}

export function sin(x: VariableLike): Variable {
  return new Sin().call(x);
}
