import { getBackend } from '../../backend/index.js';
import { requireSameShape } from '../../layers/check.js';
import { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { outputTensor } from './arena.js';

/**
 * The book's ReLU: y = x where x > 0, else 0 (NaN stays NaN, as in the Relu layer).
 * ∂y/∂x is the mask x > 0, a constant, as in DeZero: the gradient of the gradient is the
 * same mask again, and the second derivative is 0 almost everywhere.
 */
export class Relu extends Function {
  readonly name = 'Relu';
  forward(x: Tensor): Tensor {
    const y = outputTensor(x.shape, x.dtype);
    getBackend().reluForward(x.size, x.data, y.data);
    return y;
  }
  backward(gy: Variable): Variable[] {
    // y > 0 exactly where x > 0, so the output itself is the mask: nothing more is kept.
    return [new ReluMask(this.output!.data).call(gy)];
  }
}

/** g ↦ g where y > 0, else 0, for a fixed y: ReLU's backward, linear in g, so its own gradient is itself. */
export class ReluMask extends Function {
  readonly name = 'ReluMask';
  constructor(readonly y: Tensor) {
    super();
  }
  forward(g: Tensor): Tensor {
    requireSameShape(this.name, 'the gradient', g, this.y, 'the ReLU output');
    const out = outputTensor(g.shape, g.dtype);
    getBackend().reluBackward(g.size, g.data, this.y.data, out.data);
    return out;
  }
  backward(gy: Variable): Variable[] {
    return [new ReluMask(this.y).call(gy)];
  }
}

export function relu(x: VariableLike): Variable {
  return new Relu().call(x);
}
