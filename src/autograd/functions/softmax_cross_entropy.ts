import { getBackend } from '../../backend/index.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { add, config, Function, Variable, type VariableLike } from '../core.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { softmax, sumAlong } from './softmax.js';
import { sub } from './sub.js';
import { outputTensor } from './arena.js';

/** The book's guard inside the log: −log(y_t + 1e-7), as the SoftmaxWithLoss layer computes. */
export const CROSS_ENTROPY_EPS = 1e-7;

/**
 * Mean cross-entropy of softmax(x) against class labels t (one per row of x [batch, classes]):
 * L = −(1/N) Σ_i log(y[i, t_i] + 1e-7), the same loss as nabla's SoftmaxWithLoss layer, so
 * that the autograd network and the layer network compute the same numbers. Its exact
 * gradient is (y − onehot)/N times y_t/(y_t + 1e-7) per row (within 1e-6 of DeZero's
 * (y − onehot)/N, which is the gradient of the loss without the guard).
 *
 * First-order backward is one backend kernel (softmaxCrossEntropyBackwardLabels), as in
 * the layer. When backward records a graph (createGraph), the same formula is built from
 * Variables instead — softmax(x), onehot, the row factor — so it can be differentiated again.
 */
export class SoftmaxCrossEntropy extends Function {
  readonly name = 'SoftmaxCrossEntropy';
  private y: Tensor | null = null;

  constructor(readonly t: Int32Array) {
    super();
  }

  forward(x: Tensor): Tensor {
    checkLabels(x, this.t);
    const [rows, cols] = x.shape as [number, number];
    const backend = getBackend();
    const y = outputTensor(x.shape, x.dtype);
    backend.softmaxRows(rows, cols, x.data, y.data);
    this.y = y;
    return Tensor.from(backend.crossEntropyLabels(rows, cols, y.data, this.t) / rows, x.dtype);
  }

  backward(gy: Variable): Variable[] {
    const x = this.inputs[0]!;
    const [rows, cols] = x.shape as [number, number];
    if (!config.enableBackprop) {
      // Nothing will differentiate this gradient: gy is just a number here.
      const dx = outputTensor(x.shape, x.dtype);
      getBackend().softmaxCrossEntropyBackwardLabels(rows, cols, this.y!.data, this.t, gy.data.data[0]! / rows, dx.data);
      return [new Variable(dx)];
    }
    const onehot = Tensor.zeros(x.shape, x.dtype);
    for (let i = 0; i < rows; i++) onehot.data[i * cols + this.t[i]!] = 1;
    const y = softmax(x, 1);
    const yt = sumAlong(mul(y, onehot), 1); // [rows, 1]: y[i, t_i]
    const factor = div(yt, add(yt, CROSS_ENTROPY_EPS));
    return [mul(mul(sub(y, onehot), factor), div(gy, rows))];
  }
}

function checkLabels(x: Tensor, t: Int32Array): void {
  if (x.rank !== 2) throw new RangeError(`softmaxCrossEntropy: scores must be 2-d [batch, classes], got ${formatShape(x.shape)}`);
  const [rows, cols] = x.shape as [number, number];
  if (rows === 0) throw new RangeError('softmaxCrossEntropy: the batch is empty');
  if (t.length !== rows) throw new RangeError(`softmaxCrossEntropy: ${t.length} labels for scores of shape ${formatShape(x.shape)} (expected ${rows})`);
  for (let i = 0; i < rows; i++) {
    if (t[i]! < 0 || t[i]! >= cols) throw new RangeError(`softmaxCrossEntropy: label ${t[i]} at row ${i} is outside [0, ${cols}) for scores of shape ${formatShape(x.shape)}`);
  }
}

/** Mean over the batch of −log(softmax(x)[i, t_i] + 1e-7); t: one class index per row. */
export function softmaxCrossEntropy(x: VariableLike, t: Int32Array): Variable {
  if (!(t instanceof Int32Array)) throw new TypeError('softmaxCrossEntropy: t must be an Int32Array of class indices');
  return new SoftmaxCrossEntropy(t).call(x);
}
