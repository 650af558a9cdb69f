import { getBackend } from '../../backend/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { outputTensor } from './arena.js';

/** y = 1 / (1 + e⁻ˣ) on the backend's kernel; ∂y/∂x = y(1 − y), written in Variables so it can be differentiated again. */
export class Sigmoid extends Function {
  readonly name = 'Sigmoid';
  forward(x: Tensor): Tensor {
    const y = outputTensor(x.shape, x.dtype);
    getBackend().sigmoidForward(x.size, x.data, y.data);
    return y;
  }
  backward(gy: Variable): Variable[] {
    const y = this.output!;
    return [mul(gy, mul(y, sub(1, y)))];
  }
}

export function sigmoid(x: VariableLike): Variable {
  return new Sigmoid().call(x);
}
