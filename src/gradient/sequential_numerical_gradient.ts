import { Affine } from '../layers/affine.js';
import type { Layer } from '../layers/layer.js';
import type { Labels } from '../layers/softmax_with_loss.js';
import type { Sequential } from '../nets/sequential.js';
import { Tensor } from '../tensor/tensor.js';
import { NUMERICAL_H } from './numerical_gradient.js';

/** Called now and then with how many of the network's weights are done. */
export type GradientProgress = (done: number, total: number, key: string) => void;

export interface SequentialGradientOptions {
  /** Called after every 1024 weights and at the end of each parameter. */
  onProgress?: GradientProgress;
  /** Rerun the whole network for every nudge, as the book does (Sequential.numericalGradient, with progress). */
  plain?: boolean;
  h?: number;
}

/**
 * A Sequential net's numerical gradient by the same central differences as its
 * numericalGradient(), (L(w+h) − L(w−h)) / 2h of the train-mode loss for every weight,
 * but each perturbed loss reruns only the layers above the nudged weight, from the
 * unperturbed forward pass kept beforehand. An Affine's weight W[p,j] (or b[j]) moves only
 * column j of its output, by h·x[:,p] (or h), so even that layer is not recomputed, and a
 * weight whose input is 0 in every row leaves the data loss as it is (only the weight
 * decay moves). For an MNIST MultiLayerNet that removes the 784-wide first product from
 * almost every evaluation, while staying independent of backpropagation. Every stateful
 * layer (Dropout) is given back its generator before it runs, so each evaluation draws
 * the same masks as the plain method; buffers and states are restored at the end, so the
 * next gradient() call draws them too.
 */
export function sequentialNumericalGradient(net: Sequential, x: Tensor, t: Labels, options: SequentialGradientOptions = {}): Record<string, Tensor> {
  const { onProgress, plain = false, h = NUMERICAL_H } = options;
  const layers = net.layers;
  const buffers = net.buffers();
  const savedBuffers = Object.fromEntries(Object.entries(buffers).map(([k, v]) => [k, v.clone()]));
  const savedStates = layers.map((layer) => (layer.state && layer.loadState ? JSON.stringify(layer.state()) : undefined));
  const restoreStatesFrom = (first: number): void => {
    for (let i = first; i < layers.length; i++) {
      const state = savedStates[i];
      if (state !== undefined) layers[i]!.loadState!(JSON.parse(state) as never);
    }
  };

  // The unperturbed train-mode pass: each layer's input and output, kept.
  // (Layers return their own buffers, overwritten by their next call: hence the clones.)
  const inputs: Tensor[] = [];
  const outputs: Tensor[] = [];
  for (const layer of layers) {
    inputs.push(outputs.length === 0 ? x : outputs[outputs.length - 1]!);
    outputs.push(layer.forward(inputs[inputs.length - 1]!, true).clone());
  }
  const baseDataLoss = net.lastLayer.forward(outputs[outputs.length - 1]!, t);

  // Weight decay, ½λ Σ‖W‖², with one entry replaced: each W's sum of squares kept.
  const lambda = net.weightDecayLambda;
  const squares = new Map<Tensor, number>();
  let totalSquares = 0;
  for (const [key, value] of Object.entries(net.params)) {
    if (!/^W\d+$/.test(key)) continue;
    let sum = 0;
    for (let i = 0; i < value.size; i++) sum += value.data[i]! * value.data[i]!;
    squares.set(value, sum);
    totalSquares += sum;
  }
  const decayWith = (param: Tensor, original: number, nudged: number): number => {
    if (lambda === 0) return 0;
    return squares.has(param) ? 0.5 * lambda * (totalSquares - original * original + nudged * nudged) : 0.5 * lambda * totalSquares;
  };

  /** The data loss with layers from `first` on run from `input`. */
  const dataLossFrom = (first: number, input: Tensor): number => {
    restoreStatesFrom(first);
    let y = input;
    for (let i = first; i < layers.length; i++) y = layers[i]!.forward(y, true);
    return net.lastLayer.forward(y, t);
  };

  const owner = new Map<Tensor, number>();
  layers.forEach((layer, i) => {
    for (const p of layer.params?.() ?? []) owner.set(p.value, i);
  });
  const total = Object.values(net.params).reduce((n, p) => n + p.size, 0);
  let done = 0;
  const result: Record<string, Tensor> = {};
  try {
    for (const [key, param] of Object.entries(net.params)) {
      const index = owner.get(param);
      if (index === undefined) throw new Error(`sequentialNumericalGradient: parameter ${key} belongs to no layer`);
      const layer: Layer = layers[index]!;
      const grad = Tensor.zeros(param.shape, param.dtype);
      const moved = outputs[index]!.clone();
      const rows = moved.shape[0]!;
      const width = moved.size / rows;
      const affine = !plain && layer instanceof Affine && (param === layer.W || param === layer.b) ? layer : undefined;
      // Plain: the whole train-mode loss, weight decay summed afresh, as Sequential.numericalGradient does.
      const lossWith = plain
        ? (): number => {
          restoreStatesFrom(0);
          return net.loss(x, t, true);
        }
        : (value: number, original: number): number => dataLossFrom(index, inputs[index]!) + decayWith(param, original, value);
      const input = affine ? inputs[index]! : undefined;
      const inWidth = input ? input.size / rows : 0;
      for (let e = 0; e < param.size; e++) {
        const original = param.data[e]!;
        // The perturbations as they round in storage, as the plain method applies them.
        param.data[e] = original + h;
        const plus = param.data[e]!;
        param.data[e] = original - h;
        const minus = param.data[e]!;
        param.data[e] = original;
        let lossPlus: number;
        let lossMinus: number;
        if (affine) {
          // W[p, j] adds step·x[:, p] to output column j; b[j] adds step.
          const j = e % width;
          const p = param === affine.W ? Math.floor(e / width) : -1;
          let used = p < 0;
          for (let i = 0; i < rows && !used; i++) used = input!.data[i * inWidth + p] !== 0;
          const lossMoving = (step: number): number => {
            if (!used) return baseDataLoss;
            for (let i = 0; i < rows; i++) moved.data[i * width + j] = outputs[index]!.data[i * width + j]! + step * (p < 0 ? 1 : input!.data[i * inWidth + p]!);
            const loss = dataLossFrom(index + 1, moved);
            for (let i = 0; i < rows; i++) moved.data[i * width + j] = outputs[index]!.data[i * width + j]!;
            return loss;
          };
          lossPlus = lossMoving(plus - original) + decayWith(param, original, plus);
          lossMinus = lossMoving(minus - original) + decayWith(param, original, minus);
        } else {
          try {
            param.data[e] = plus;
            lossPlus = lossWith(plus, original);
            param.data[e] = minus;
            lossMinus = lossWith(minus, original);
          } finally {
            param.data[e] = original;
          }
        }
        grad.data[e] = (lossPlus - lossMinus) / (2 * h);
        if (onProgress && (++done & 1023) === 0) onProgress(done, total, key);
      }
      if (onProgress && (done & 1023) !== 0) onProgress(done, total, key);
      result[key] = grad;
    }
  } finally {
    for (const [key, saved] of Object.entries(savedBuffers)) buffers[key]!.data.set(saved.data);
    restoreStatesFrom(0);
  }
  return result;
}
