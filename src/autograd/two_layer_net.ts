// The book's TwoLayerNet (Affine → ReLU → Affine → softmax cross-entropy) on the autograd
// engine: the forward pass is four function calls and backprop is loss.backward(). It has
// the same parameters, initialisation and loss as nets/two_layer_net.ts and the
// TrainableNetwork contract, so nabla's optimizers and Trainer work on it unchanged.

import type { DType } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { toLabels, type Labels, type LabelsInput } from '../layers/softmax_with_loss.js';
import type { TrainableNetwork } from '../nets/network.js';
import { EVAL_BLOCK, type ParamName, type Params, type TwoLayerNetOptions } from '../nets/two_layer_net.js';
import { Random } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkDType, checkOptions, describeValue } from '../util/options.js';
import { noGrad, Variable } from './core.js';
import { Arena, withArena } from './functions/arena.js';
import { linear } from './functions/linear.js';
import { relu } from './functions/relu.js';
import { softmaxCrossEntropy } from './functions/softmax_cross_entropy.js';

export class TwoLayerNet implements TrainableNetwork {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly dtype: DType;
  /** The learned Variables, whose data the optimizers update in place. */
  readonly vars: Record<ParamName, Variable>;
  /** The Variables' data under the book's names: the optimizers' view (the same tensors, not copies). */
  readonly params: Params;
  lastLoss = Number.NaN;
  private readonly arena = new Arena();

  constructor(inputSize: number, hiddenSize: number, outputSize: number, options: TwoLayerNetOptions = {}) {
    for (const [name, value] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['outputSize', outputSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`TwoLayerNet: ${name} must be a positive integer, got ${value}`);
    }
    checkOptions('TwoLayerNet', options, ['weightInitStd', 'seed', 'dtype']);
    const { weightInitStd = 0.01, seed = 42, dtype = 'float64' } = options;
    if (typeof weightInitStd !== 'number' || !(weightInitStd >= 0) || !Number.isFinite(weightInitStd)) {
      throw new RangeError(`TwoLayerNet: weightInitStd must be a finite number ≥ 0, got ${describeValue(weightInitStd)}`);
    }
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new RangeError(`TwoLayerNet: seed must be an integer, got ${describeValue(seed)}`);
    checkDType('TwoLayerNet', dtype);
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.dtype = dtype;
    // The layer network's draws in the layer network's order: the same seed gives the same weights.
    const rng = new Random(seed);
    const W1 = Tensor.randn([inputSize, hiddenSize], rng, dtype, 'backend');
    const W2 = Tensor.randn([hiddenSize, outputSize], rng, dtype, 'backend');
    for (const W of [W1, W2]) for (let i = 0; i < W.size; i++) W.data[i] = weightInitStd * W.data[i]!;
    const b1 = Tensor.zeros([hiddenSize], dtype, 'backend');
    const b2 = Tensor.zeros([outputSize], dtype, 'backend');
    this.vars = { W1: new Variable(W1, 'W1'), b1: new Variable(b1, 'b1'), W2: new Variable(W2, 'W2'), b2: new Variable(b2, 'b2') };
    this.params = { W1, b1, W2, b2 };
  }

  /** The class scores as a Variable, recording the graph (unless inside noGrad). */
  forward(x: Tensor): Variable {
    this.checkInput(x);
    const { W1, b1, W2, b2 } = this.vars;
    return linear(relu(linear(x, W1, b1)), W2, b2);
  }

  /** Class scores (before softmax), [batch, outputSize], without a graph. trainFlg: the same net in training and test. */
  predict(x: Tensor, _trainFlg?: boolean): Tensor {
    return noGrad(() => this.forward(x)).data;
  }

  /** Mean cross-entropy loss of the batch, without a graph. */
  loss(x: Tensor, t: LabelsInput, _trainFlg?: boolean): number {
    const labels = this.labels(t, 'TwoLayerNet.loss');
    return noGrad(() => softmaxCrossEntropy(this.forward(x), labels)).data.item();
  }

  /** Fraction of rows whose highest score is the true class; scored in blocks of EVAL_BLOCK rows. */
  accuracy(x: Tensor, t: LabelsInput): number {
    this.checkInput(x);
    const labels = this.labels(t, 'TwoLayerNet.accuracy');
    const rows = x.shape[0]!;
    if (rows === 0) throw new RangeError('TwoLayerNet.accuracy: no rows to score');
    if (labels.length !== rows) throw new RangeError(`TwoLayerNet.accuracy: ${labels.length} targets for input ${formatShape(x.shape)}`);
    const predicted = new Int32Array(Math.min(rows, EVAL_BLOCK));
    let correct = 0;
    for (let start = 0; start < rows; start += EVAL_BLOCK) {
      const end = Math.min(rows, start + EVAL_BLOCK);
      getBackend().argmaxRows(end - start, this.outputSize, this.predict(x.slice(start, end)).data, predicted);
      for (let i = start; i < end; i++) if (predicted[i - start] === labels[i]) correct++;
    }
    return correct / rows;
  }

  /**
   * Gradients of the loss by backpropagation through the recorded graph: loss.backward().
   * Every step builds the same graph, so its tensors come from this network's arena: the
   * returned gradients, like the layer network's, are overwritten by the next call.
   */
  gradient(x: Tensor, t: LabelsInput): Params {
    const labels = this.labels(t, 'TwoLayerNet.gradient');
    for (const v of Object.values(this.vars)) v.cleargrad();
    const loss = withArena(this.arena, () => {
      const loss = softmaxCrossEntropy(this.forward(x), labels);
      loss.backward();
      return loss;
    });
    this.lastLoss = loss.data.item();
    const { W1, b1, W2, b2 } = this.vars;
    return { W1: W1.grad!.data, b1: b1.grad!.data, W2: W2.grad!.data, b2: b2.grad!.data };
  }

  /** Class indices as they are; one-hot rows as their class (anything else is refused, not guessed at). */
  private labels(t: LabelsInput, where: string): Int32Array {
    const labels: Labels = toLabels(t, where);
    if (labels instanceof Int32Array) return labels;
    if (labels.rank !== 2 || labels.shape[1] !== this.outputSize) throw new RangeError(`${where}: one-hot targets have shape ${formatShape(labels.shape)}, expected [batch, ${this.outputSize}]`);
    const [rows, cols] = labels.shape as [number, number];
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      let ones = 0;
      for (let j = 0; j < cols; j++) {
        const v = labels.data[i * cols + j]!;
        if (v === 1) { ones++; out[i] = j; } else if (v !== 0) ones = 2;
      }
      if (ones !== 1) throw new RangeError(`${where}: target row ${i} is not one-hot (this network takes class indices or one-hot rows)`);
    }
    return out;
  }

  private checkInput(x: Tensor): void {
    if (!(x instanceof Tensor) || x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw new RangeError(`TwoLayerNet: input has shape ${x instanceof Tensor ? formatShape(x.shape) : describeValue(x)} but the network takes [batch, ${this.inputSize}]`);
    }
    if (x.dtype !== this.dtype) throw new TypeError(`TwoLayerNet: input is ${x.dtype} but the network is ${this.dtype}`);
  }
}
