import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { div } from './div.js';

/** y = ln x; ∂y/∂x = 1/x. */
export class Log extends Function {
  readonly name = 'Log';
  forward(x: Tensor): Tensor {
    return map(x, Math.log);
  }
  backward(gy: Variable): Variable[] {
    return [div(gy, this.inputs[0]!)];
  }
}

export function log(x: VariableLike): Variable {
  return new Log().call(x);
}
