import type { DType } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { numericalGradient } from '../gradient/numerical_gradient.js';
import { twoLayerNumericalGradient } from '../gradient/two_layer_numerical_gradient.js';
import { Affine } from '../layers/affine.js';
import { Relu } from '../layers/relu.js';
import { SoftmaxWithLoss, toLabels, type LabelsInput } from '../layers/softmax_with_loss.js';
import { Random } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageBytes, Network } from './network.js';
import { fits, memoryLimit, twoLayerBytes, whyNotFits } from '../util/memory.js';
import { checkDType, checkOptions, describeValue } from '../util/options.js';

export interface TwoLayerNetOptions {
  /** Standard deviation of the initial weights (the book's weight_init_std). */
  weightInitStd?: number;
  /** Seed of the weight initialisation; a run is reproducible from it. */
  seed?: number;
  dtype?: DType;
}

export interface NumericalGradientOptions {
  method?: 'plain' | 'incremental';
}

/** What rebuilds a TwoLayerNet (with fresh weights): a model file's metadata. */
export interface TwoLayerNetSpec {
  type: 'TwoLayerNet';
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  weightInitStd: number;
  seed: number;
  dtype: DType;
}

export type ParamName = 'W1' | 'b1' | 'W2' | 'b2';
export const PARAM_NAMES: readonly ParamName[] = ['W1', 'b1', 'W2', 'b2'];
export type Params = Record<ParamName, Tensor>;

/** Rows per block when scoring a whole dataset: large enough for fast kernels, small enough for memory. */
export const EVAL_BLOCK = 10000;

const TWO_LAYER_NET_OPTIONS = ['weightInitStd', 'seed', 'dtype'] as const satisfies readonly (keyof TwoLayerNetOptions)[];

/** Refuses sizes whose weights (and gradients) cannot fit, before allocating any. */
function checkWeightsFit(inputs: number, hidden: number, classes: number, dtype: DType): void {
  const estimate = twoLayerBytes({ inputs, hidden, classes, batch: 0, dataRows: 0, evalRows: 0, paramCopies: 2, dtype });
  const limit = memoryLimit(getBackend().name);
  if (!fits(estimate, limit)) throw new RangeError(`TwoLayerNet(${inputs}, ${hidden}, ${classes}): the ${dtype} weights and their gradients ${whyNotFits(estimate, limit)}`);
}

/** Affine → Relu → Affine → SoftmaxWithLoss, the network of the book's chapter 5. */
export class TwoLayerNet implements Network {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly dtype: DType;
  readonly weightInitStd: number;
  readonly seed: number;
  readonly params: Params;
  readonly affine1: Affine;
  readonly relu1 = new Relu();
  readonly affine2: Affine;
  readonly lastLayer = new SoftmaxWithLoss();
  private readonly predictions = new Int32Array(EVAL_BLOCK);
  private readonly truthBlock = new Int32Array(EVAL_BLOCK);

  constructor(inputSize: number, hiddenSize: number, outputSize: number, options: TwoLayerNetOptions = {}) {
    for (const [name, value] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['outputSize', outputSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`TwoLayerNet: ${name} must be a positive integer, got ${value}`);
    }
    checkOptions('TwoLayerNet', options, TWO_LAYER_NET_OPTIONS);
    const { weightInitStd = 0.01, seed = 42, dtype = 'float64' } = options;
    if (typeof weightInitStd !== 'number' || !(weightInitStd >= 0) || !Number.isFinite(weightInitStd)) {
      throw new RangeError(`TwoLayerNet: weightInitStd must be a finite number ≥ 0, got ${describeValue(weightInitStd)}`);
    }
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new RangeError(`TwoLayerNet: seed must be an integer, got ${describeValue(seed)}`);
    checkDType('TwoLayerNet', dtype);
    checkWeightsFit(inputSize, hiddenSize, outputSize, dtype);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.outputSize = outputSize;
    this.dtype = dtype;
    this.weightInitStd = weightInitStd;
    this.seed = seed;
    const rng = new Random(seed);
    // Parameters are read by kernels every step: the backend's own storage, no copies.
    const W1 = Tensor.randn([inputSize, hiddenSize], rng, dtype, 'backend');
    const W2 = Tensor.randn([hiddenSize, outputSize], rng, dtype, 'backend');
    for (const W of [W1, W2]) for (let i = 0; i < W.size; i++) W.data[i] = weightInitStd * W.data[i]!;
    this.affine1 = new Affine(W1, Tensor.zeros([hiddenSize], dtype, 'backend'));
    this.affine2 = new Affine(W2, Tensor.zeros([outputSize], dtype, 'backend'));
    this.params = { W1, b1: this.affine1.b, W2, b2: this.affine2.b };
  }

  /**
   * Class scores (before softmax), [batch, outputSize]. The result is a reused buffer.
   * trainFlg is accepted for the Network contract: this net is the same in training and test.
   */
  predict(x: Tensor | ImageBytes, _trainFlg?: boolean): Tensor {
    this.checkInput(x);
    return this.affine2.forward(this.relu1.forward(this.affine1.forward(x)));
  }

  /** Mean cross-entropy loss of the batch. */
  loss(x: Tensor | ImageBytes, t: LabelsInput, _trainFlg?: boolean): number {
    return this.lastLayer.forward(this.predict(x), t);
  }

  /** Fraction of rows whose highest score is the true class; scored in blocks. */
  accuracy(x: Tensor | ImageBytes, targets: LabelsInput): number {
    this.checkInput(x);
    const t = toLabels(targets, 'TwoLayerNet.accuracy');
    const rows = x.shape[0]!;
    if (rows === 0) throw new RangeError('TwoLayerNet.accuracy: no rows to score');
    const labels = t instanceof Int32Array ? t : null;
    if (labels ? labels.length !== rows : t instanceof Tensor && (t.rank !== 2 || t.shape[0] !== rows || t.shape[1] !== this.outputSize)) {
      throw new RangeError(`TwoLayerNet.accuracy: targets ${labels ? `[${labels.length}]` : formatShape((t as Tensor).shape)} do not match input ${formatShape(x.shape)}`);
    }
    const backend = getBackend();
    let correct = 0;
    for (let start = 0; start < rows; start += EVAL_BLOCK) {
      const end = Math.min(rows, start + EVAL_BLOCK);
      const n = end - start;
      const scores = this.predict(x.slice(start, end));
      const predicted = this.predictions.subarray(0, n);
      backend.argmaxRows(n, this.outputSize, scores.data, predicted);
      if (labels) {
        for (let i = 0; i < n; i++) if (predicted[i] === labels[start + i]) correct++;
      } else {
        const truth = this.truthBlock.subarray(0, n);
        backend.argmaxRows(n, this.outputSize, (t as Tensor).data.subarray(start * this.outputSize, end * this.outputSize), truth);
        for (let i = 0; i < n; i++) if (predicted[i] === truth[i]) correct++;
      }
    }
    return correct / rows;
  }

  /**
   * Gradients of every parameter by central differences: independent of backprop.
   * 'plain' (the book's way) reruns the whole forward pass for every nudge of every
   * weight; 'incremental' (float64 only) computes the same differences by updating
   * only what a nudge changes, thousands of times faster.
   */
  numericalGradient(x: Tensor, targets: LabelsInput, options: NumericalGradientOptions = {}): Params {
    checkOptions('TwoLayerNet.numericalGradient', options, ['method']);
    if (options.method !== undefined && options.method !== 'plain' && options.method !== 'incremental') {
      throw new RangeError(`TwoLayerNet.numericalGradient: method must be 'plain' or 'incremental', got ${describeValue(options.method)}`);
    }
    const t = toLabels(targets, 'TwoLayerNet.numericalGradient'); // once, not at every nudge
    if (options.method === 'incremental') {
      this.loss(x, t); // checks x and t against the network, naming the shapes
      return twoLayerNumericalGradient(this, x, t);
    }
    const lossOf = (): number => this.loss(x, t);
    return {
      W1: numericalGradient(lossOf, this.params.W1),
      b1: numericalGradient(lossOf, this.params.b1),
      W2: numericalGradient(lossOf, this.params.W2),
      b2: numericalGradient(lossOf, this.params.b2),
    };
  }

  /**
   * Gradients of every parameter by backpropagation: one forward pass, then each layer's
   * backward in reverse order. The returned tensors are the layers' own dW/db buffers.
   */
  gradient(x: Tensor | ImageBytes, t: LabelsInput): Params {
    this.loss(x, t);
    let dout = this.lastLayer.backward(1);
    dout = this.affine2.backward(dout);
    dout = this.relu1.backward(dout);
    this.affine1.backwardParams(dout); // nothing below the input needs ∂L/∂x
    return { W1: this.affine1.dW, b1: this.affine1.db, W2: this.affine2.dW, b2: this.affine2.db };
  }

  /** The loss of the last forward pass through the loss layer (gradient() makes one). */
  get lastLoss(): number {
    return this.lastLayer.loss;
  }

  spec(): TwoLayerNetSpec {
    return { type: 'TwoLayerNet', inputSize: this.inputSize, hiddenSize: this.hiddenSize, outputSize: this.outputSize, weightInitStd: this.weightInitStd, seed: this.seed, dtype: this.dtype };
  }

  /** Images as bytes go straight into the first Affine layer. */
  readsBytes(): boolean {
    return true;
  }

  private checkInput(x: Tensor | ImageBytes): void {
    const rowSize = x instanceof Tensor ? x.size / x.shape[0]! : x.rowSize;
    if (x.shape.length < 2 || rowSize !== this.inputSize) {
      throw new RangeError(`TwoLayerNet: input has shape ${formatShape(x.shape)} but the network takes [batch, ${this.inputSize}]`);
    }
    if (x.dtype !== this.dtype) throw new TypeError(`TwoLayerNet: input is ${x.dtype} but the network is ${this.dtype}`);
  }
}
