import { getBackend } from '../backend/index.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { describeValue } from '../util/options.js';
import { requireForward } from './check.js';

/** Targets: a one-hot (or soft) tensor shaped like the scores, or one class index per row. */
export type Labels = Tensor | Int32Array;

/** What the API accepts as targets: Labels, or class indices in a plain array or any typed array. */
export type LabelsInput = Labels | ArrayLike<number>;

/** Class indices given as a number[] (or another typed array) as an Int32Array; Labels as they are. */
export function toLabels(t: LabelsInput, where: string): Labels {
  if (t instanceof Int32Array || t instanceof Tensor) return t;
  if (t === null || typeof t !== 'object' || typeof t.length !== 'number') {
    throw new TypeError(`${where}: targets must be a one-hot Tensor or class indices (Int32Array or number[]), got ${describeValue(t)}`);
  }
  const labels = new Int32Array(t.length);
  for (let i = 0; i < labels.length; i++) {
    const label = t[i];
    // Checked before the Int32Array would wrap 2^32 + 1 into the valid class 1.
    if (typeof label !== 'number' || !Number.isInteger(label) || Math.abs(label) > 0x7fffffff) {
      throw new TypeError(`${where}: label ${describeValue(label)} at row ${i} is not a class index`);
    }
    labels[i] = label;
  }
  return labels;
}

/**
 * Softmax followed by cross-entropy, as one node: together their gradient is simply
 * (y − t) / batch, which is both cheaper and more stable than chaining the two.
 * The loss keeps the book's log(y + 1e-7) guard, and backward is the exact derivative
 * of that loss: (y − t) / batch · y_t / (y_t + 1e-7). The factor is within 1e-6 of 1
 * for any sensible y_t, yet dropping it leaves a 1e-7 gap in a gradient check.
 */
export class SoftmaxWithLoss {
  readonly name = 'SoftmaxWithLoss';
  loss = Number.NaN;
  private y: Tensor | null = null; // [batch, classes] softmax output
  private t: Labels | null = null;
  private readonly yBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  /** The mean cross-entropy over the batch of scores x: [batch, classes]. */
  forward(x: Tensor, labels: LabelsInput): number {
    const t = toLabels(labels, 'SoftmaxWithLoss');
    if (x.rank !== 2) throw new RangeError(`SoftmaxWithLoss: scores must be 2-d [batch, classes], got ${formatShape(x.shape)}`);
    const [batch, classes] = x.shape as [number, number];
    if (batch === 0) throw new RangeError('SoftmaxWithLoss: the batch is empty');
    checkLabels(t, x);
    const backend = getBackend();
    const y = this.yBuffer.get(x.shape, x.dtype);
    backend.softmaxRows(batch, classes, x.data, y.data);
    const total = t instanceof Int32Array
      ? backend.crossEntropyLabels(batch, classes, y.data, t)
      : backend.crossEntropyOneHot(batch, classes, y.data, t.data);
    this.y = y;
    this.t = t;
    this.loss = total / batch;
    return this.loss;
  }

  /** ∂L/∂x = dout · (y − t) / batch (times the 1e-7 factor). dout is ∂(final)/∂loss, 1 when this loss is final. */
  backward(dout: number = 1): Tensor {
    const y = requireForward(this.name, this.y);
    const t = requireForward(this.name, this.t);
    if (typeof dout !== 'number' || !Number.isFinite(dout)) throw new TypeError(`SoftmaxWithLoss: dout must be a finite number, got ${String(dout)}`);
    const [batch, classes] = y.shape as [number, number];
    const dx = this.dxBuffer.get(y.shape, y.dtype);
    const scale = dout / batch;
    const backend = getBackend();
    if (t instanceof Int32Array) backend.softmaxCrossEntropyBackwardLabels(batch, classes, y.data, t, scale, dx.data);
    else backend.softmaxCrossEntropyBackwardOneHot(batch, classes, y.data, t.data, scale, dx.data);
    return dx;
  }

  /** The softmax probabilities of the last forward pass. */
  get probabilities(): Tensor {
    return requireForward(this.name, this.y);
  }
}

function checkLabels(t: Labels, x: Tensor): void {
  const [batch, classes] = x.shape as [number, number];
  if (t instanceof Int32Array) {
    if (t.length !== batch) throw new RangeError(`SoftmaxWithLoss: ${t.length} labels for scores of shape ${formatShape(x.shape)} (expected ${batch})`);
    for (let i = 0; i < batch; i++) {
      if (t[i]! < 0 || t[i]! >= classes) throw new RangeError(`SoftmaxWithLoss: label ${t[i]} at row ${i} is outside [0, ${classes}) for scores of shape ${formatShape(x.shape)}`);
    }
    return;
  }
  if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== classes) {
    throw new RangeError(`SoftmaxWithLoss: one-hot targets have shape ${formatShape(t.shape)} but scores have shape ${formatShape(x.shape)}`);
  }
  if (t.dtype !== x.dtype) throw new TypeError(`SoftmaxWithLoss: targets are ${t.dtype} but scores are ${x.dtype}`);
}
