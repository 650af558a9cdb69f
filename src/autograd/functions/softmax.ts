import { getBackend } from '../../backend/index.js';
import { transpose } from '../../tensor/ops.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { outputTensor } from './arena.js';

/**
 * Softmax of a 2-d x along axis 1 (each row, the default) or axis 0 (each column),
 * stabilised by subtracting the max, on the backend's softmaxRows kernel.
 * ∂: gx = y·(gy − Σ_axis gy·y), in Variables so it can be differentiated again.
 */
export class Softmax extends Function {
  readonly name = 'Softmax';
  readonly axis: 0 | 1;

  constructor(axis: number) {
    super();
    if (axis !== 0 && axis !== 1 && axis !== -1 && axis !== -2) throw new RangeError(`softmax: axis must be 0 or 1 (or -2, -1) for a 2-d input, got ${String(axis)}`);
    this.axis = axis === 1 || axis === -1 ? 1 : 0;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 2) throw new RangeError(`softmax: expected a 2-d input, got ${formatShape(x.shape)}`);
    if (this.axis === 0) return transpose(softmaxRows(transpose(x)));
    return softmaxRows(x);
  }

  backward(gy: Variable): Variable[] {
    const y = this.output!;
    const gyy = mul(gy, y);
    return [mul(y, sub(gy, sumAlong(gyy, this.axis)))];
  }
}

function softmaxRows(x: Tensor): Tensor {
  const [rows, cols] = x.shape as [number, number];
  const y = outputTensor(x.shape, x.dtype);
  getBackend().softmaxRows(rows, cols, x.data, y.data);
  return y;
}

/**
 * Σ of a 2-d z along `axis`, keeping it as length 1 ([rows, 1] or [1, cols]), as a product
 * with a vector of ones: a differentiable sum built from MatMul alone.
 */
export function sumAlong(z: Variable, axis: 0 | 1): Variable {
  const [rows, cols] = z.shape as [number, number];
  return axis === 1 ? matmul(z, Tensor.full([cols, 1], 1, z.dtype)) : matmul(Tensor.full([1, rows], 1, z.dtype), z);
}

export function softmax(x: VariableLike, axis = 1): Variable {
  return new Softmax(axis).call(x);
}
