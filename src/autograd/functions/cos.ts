import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { sin } from './sin.js';

/** y = cos x; ∂y/∂x = −sin x. */
export class Cos extends Function {
  readonly name = 'Cos';
  forward(x: Tensor): Tensor {
    return map(x, Math.cos);
  }
  backward(gy: Variable): Variable[] {
    return [mul(gy, neg(sin(this.inputs[0]!)))];
  }
}

export function cos(x: VariableLike): Variable {
  return new Cos().call(x);
}
