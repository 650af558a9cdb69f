import { getBackend } from '../../backend/index.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { broadcastTo, Function, type Variable, type VariableLike } from '../core.js';
import { outputTensor } from './arena.js';

/**
 * y[j] = Σ_i x[i, j] for a 2-d x, on the backend's sumRows kernel: a bias's gradient,
 * computed as the Affine layer computes db (so the two agree bit for bit, float32 too).
 * ∂: gy broadcast back over the rows.
 */
export class SumRows extends Function {
  readonly name = 'SumRows';
  forward(x: Tensor): Tensor {
    if (x.rank !== 2) throw new RangeError(`sumRows: expected a 2-d input, got ${formatShape(x.shape)}`);
    const [rows, cols] = x.shape as [number, number];
    const y = outputTensor([cols], x.dtype);
    getBackend().sumRows(rows, cols, x.data, y.data);
    return y;
  }
  backward(gy: Variable): Variable[] {
    return [broadcastTo(gy, this.inputs[0]!.shape)];
  }
}

export function sumRows(x: VariableLike): Variable {
  return new SumRows().call(x);
}
