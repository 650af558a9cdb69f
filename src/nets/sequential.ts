import { getBackend } from '../backend/index.js';
import { numericalGradient } from '../gradient/numerical_gradient.js';
import { Affine } from '../layers/affine.js';
import { Convolution } from '../layers/convolution.js';
import type { Layer } from '../layers/layer.js';
import type { Labels } from '../layers/softmax_with_loss.js';
import { formatShape } from '../tensor/shape.js';
import type { ImageBytes } from './network.js';
import { Tensor } from '../tensor/tensor.js';

/** The last layer: scores and targets in, the mean loss out; backward starts the chain. */
export interface LossLayer {
  forward(x: Tensor, t: Labels): number;
  backward(dout?: number): Tensor;
}

export interface SequentialOptions {
  /** λ of the book's weight decay: ½λ‖W‖² per weight matrix in the loss, λW in its gradient. */
  weightDecayLambda?: number;
  /**
   * Rows per forward pass when scoring a whole dataset (accuracy, classify): bounds the
   * activations' memory. 10000 as TwoLayerNet does; the conv nets use the book's 100,
   * since each image's im2col rows cost hundreds of times its pixels.
   */
  evalBatchSize?: number;
}

/**
 * Any list of layers followed by a loss layer, the shape of the book's MultiLayerNet(Extend):
 * predict runs the layers in order, gradient runs backward through them in reverse. Its
 * parameters carry the book's names, each layer's Param name numbered by how many layers
 * before it have one of that name: W1 b1 W2 b2 … for Affine layers, gamma1 beta1 … for
 * BatchNormalization; buffers likewise (runningMean1 runningVar1 …); layer states by layer
 * name (Dropout1 …). Weight decay applies to every Param named W.
 */
export class Sequential {
  readonly layers: readonly Layer[];
  readonly lastLayer: LossLayer;
  readonly weightDecayLambda: number;
  readonly evalBatchSize: number;
  /** Every learnable tensor under its book name, updated in place by an optimizer. */
  readonly params: Record<string, Tensor>;
  /** The gradient buffer of each parameter, under the same names, written by gradient(). */
  readonly grads: Record<string, Tensor>;
  private readonly decayed: string[]; // the W's
  private readonly buffersByName: Record<string, Tensor>;
  private readonly stateful: [string, Layer][];
  private lossOfLastGradient = Number.NaN;
  private predictions = new Int32Array(0);
  private truth = new Int32Array(0);

  constructor(layers: readonly Layer[], lastLayer: LossLayer, options: SequentialOptions = {}) {
    checkOptions('Sequential', options, ['weightDecayLambda', 'evalBatchSize']);
    const { weightDecayLambda = 0, evalBatchSize = 10000 } = options;
    if (!Number.isSafeInteger(evalBatchSize) || evalBatchSize < 1) throw new RangeError(`Sequential: evalBatchSize must be a positive integer, got ${String(evalBatchSize)}`);
    if (typeof weightDecayLambda !== 'number' || !Number.isFinite(weightDecayLambda) || weightDecayLambda < 0) {
      throw new RangeError(`Sequential: weightDecayLambda must be a finite number ≥ 0, got ${String(weightDecayLambda)}`);
    }
    if (layers.length === 0) throw new RangeError('Sequential: needs at least one layer');
    this.layers = [...layers];
    this.lastLayer = lastLayer;
    this.weightDecayLambda = weightDecayLambda;
    this.evalBatchSize = evalBatchSize;
    this.params = {};
    this.grads = {};
    this.decayed = [];
    this.buffersByName = {};
    this.stateful = [];
    const count = new Map<string, number>();
    const number = (name: string): string => {
      const n = (count.get(name) ?? 0) + 1;
      count.set(name, n);
      return `${name}${n}`;
    };
    for (const layer of this.layers) {
      for (const p of layer.params?.() ?? []) {
        const key = number(p.name);
        this.params[key] = p.value;
        this.grads[key] = p.grad;
        if (p.name === 'W') this.decayed.push(key);
      }
      const buffers = layer.buffers?.() ?? {};
      for (const name of Object.keys(buffers)) this.buffersByName[number(name)] = buffers[name]!;
      if (layer.state && layer.loadState) this.stateful.push([number(layer.name), layer]);
    }
  }

  /** Scores [batch, classes] before the softmax. Test mode unless trainFlg. The result is a reused buffer. */
  predict(x: Tensor | ImageBytes, trainFlg = false): Tensor {
    const [first, ...rest] = this.layers as [Layer, ...Layer[]];
    let out: Tensor;
    if (x instanceof Tensor) out = first.forward(x, trainFlg);
    else out = first instanceof Affine ? first.forward(x, trainFlg) : first.forward(x.toFloats(), trainFlg);
    for (const layer of rest) out = layer.forward(out, trainFlg);
    return out;
  }

  /** Whether images as bytes go straight into the first layer (an Affine one); others convert them. */
  readsBytes(): boolean {
    return this.layers[0] instanceof Affine;
  }

  /** Mean loss of the batch, plus the weight decay ½λΣ‖W‖². */
  loss(x: Tensor | ImageBytes, t: Labels, trainFlg = false): number {
    const y = this.predict(x, trainFlg);
    return this.lastLayer.forward(y, t) + this.weightDecay();
  }

  /** Fraction of rows whose highest score is the true class, in test mode; scored in blocks. */
  accuracy(x: Tensor | ImageBytes, t: Labels): number {
    const rows = x.shape.length === 0 ? 0 : x.shape[0]!;
    if (rows === 0) throw new RangeError('Sequential.accuracy: no rows to score');
    const labels = t instanceof Int32Array ? t : null;
    if (labels ? labels.length !== rows : t instanceof Tensor && (t.rank !== 2 || t.shape[0] !== rows)) {
      throw new RangeError(`Sequential.accuracy: targets ${labels ? `[${labels.length}]` : formatShape((t as Tensor).shape)} do not match input ${formatShape(x.shape)}`);
    }
    const backend = getBackend();
    let correct = 0;
    for (let start = 0; start < rows; start += this.evalBatchSize) {
      const end = Math.min(rows, start + this.evalBatchSize);
      const n = end - start;
      const scores = this.predict(x.slice(start, end), false);
      const classes = scores.size / n;
      if (this.predictions.length < n) {
        this.predictions = new Int32Array(n);
        this.truth = new Int32Array(n);
      }
      const predicted = this.predictions.subarray(0, n);
      backend.argmaxRows(n, classes, scores.data, predicted);
      if (labels) {
        for (let i = 0; i < n; i++) if (predicted[i] === labels[start + i]) correct++;
      } else {
        const oneHot = t as Tensor;
        if (oneHot.shape[1] !== classes) throw new RangeError(`Sequential.accuracy: targets ${formatShape(oneHot.shape)} do not match ${classes} classes`);
        const truth = this.truth.subarray(0, n);
        backend.argmaxRows(n, classes, oneHot.data.subarray(start * classes, end * classes), truth);
        for (let i = 0; i < n; i++) if (predicted[i] === truth[i]) correct++;
      }
    }
    return correct / rows;
  }

  /**
   * Gradients by backpropagation in train mode, under the params' names; each W's gets λW
   * for the weight decay. The tensors are the layers' own gradient buffers.
   */
  gradient(x: Tensor | ImageBytes, t: Labels): Record<string, Tensor> {
    this.lossOfLastGradient = this.loss(x, t, true);
    let dout = this.lastLayer.backward(1);
    for (let i = this.layers.length - 1; i > 0; i--) dout = this.layers[i]!.backward(dout);
    const first = this.layers[0]!;
    // Nothing below the input needs ∂L/∂x: an Affine or a Convolution there can skip a
    // matrix product (and a col2im).
    if (first instanceof Affine || first instanceof Convolution) first.backwardParams(dout);
    else first.backward(dout);
    const lambda = this.weightDecayLambda;
    if (lambda !== 0) {
      const backend = getBackend();
      for (const key of this.decayed) backend.axpy(this.params[key]!.size, lambda, this.params[key]!.data, this.grads[key]!.data);
    }
    return { ...this.grads };
  }

  /**
   * Gradients by central differences of the train-mode loss, independent of backprop.
   * Every evaluation starts from the same layer states and buffers, so Dropout draws the
   * same mask each time (the one the next gradient() call draws too) and BatchNormalization's
   * running statistics are left as they were.
   */
  numericalGradient(x: Tensor, t: Labels): Record<string, Tensor> {
    const saved = this.snapshot();
    const lossOf = (): number => {
      this.restore(saved);
      return this.loss(x, t, true);
    };
    const result: Record<string, Tensor> = {};
    try {
      for (const key of Object.keys(this.params)) result[key] = numericalGradient(lossOf, this.params[key]!);
    } finally {
      this.restore(saved);
    }
    return result;
  }

  /** The loss (weight decay included) that the last gradient() call computed; NaN before the first. */
  get lastLoss(): number {
    return this.lossOfLastGradient;
  }

  /** Tensors saved with the model but not learned, under numbered names (runningMean1 …). */
  buffers(): Record<string, Tensor> {
    return { ...this.buffersByName };
  }

  /** Each stateful layer's state (Dropout1: its generator …), JSON-serialisable. */
  layerStates(): Record<string, unknown> {
    return Object.fromEntries(this.stateful.map(([key, layer]) => [key, layer.state!()]));
  }

  loadLayerStates(states: Record<string, unknown>): void {
    for (const key of Object.keys(states)) {
      if (!this.stateful.some(([k]) => k === key)) throw new RangeError(`Sequential.loadLayerStates: no layer ${key} (stateful layers: ${this.stateful.map(([k]) => k).join(', ') || 'none'})`);
    }
    for (const [key, layer] of this.stateful) {
      if (!(key in states)) throw new RangeError(`Sequential.loadLayerStates: state of ${key} is missing`);
      layer.loadState!(states[key] as never);
    }
  }

  private weightDecay(): number {
    const lambda = this.weightDecayLambda;
    if (lambda === 0) return 0;
    let decay = 0;
    for (const key of this.decayed) {
      const w = this.params[key]!.data;
      let sum = 0;
      for (let i = 0; i < w.length; i++) sum += w[i]! * w[i]!;
      decay += 0.5 * lambda * sum;
    }
    return decay;
  }

  private snapshot(): { buffers: Record<string, Tensor>; states: Record<string, unknown> } {
    const buffers: Record<string, Tensor> = {};
    for (const key of Object.keys(this.buffersByName)) buffers[key] = this.buffersByName[key]!.clone();
    return { buffers, states: JSON.parse(JSON.stringify(this.layerStates())) as Record<string, unknown> };
  }

  private restore(saved: { buffers: Record<string, Tensor>; states: Record<string, unknown> }): void {
    for (const key of Object.keys(saved.buffers)) this.buffersByName[key]!.data.set(saved.buffers[key]!.data);
    this.loadLayerStates(saved.states);
  }
}

/** Options that a function does not know are an error, never silently ignored. */
export function checkOptions(who: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${who}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new RangeError(`${who}: unknown option '${key}' (it takes ${known.join(', ')})`);
  }
}
