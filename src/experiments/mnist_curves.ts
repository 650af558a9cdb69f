import type { Tensor } from '../tensor/tensor.js';
import { MultiLayerNet } from '../nets/multi_layer_net.js';
import type { WeightInit } from '../nets/weight_init.js';
import { createOptimizer } from '../optim/create_optimizer.js';
import type { OptimizerName } from '../optim/optimizer.js';
import { Random } from '../tensor/random.js';
import { BatchSampler } from '../train/batch_sampler.js';
import type { TrainImages } from '../train/images.js';
import { smoothCurve } from './smooth_curve.js';

/** One of the networks compared: how it starts and how it learns. */
export interface Variant {
  name: string;
  weightInitStd: WeightInit;
  optimizer: OptimizerName;
  lr: number;
}

export interface CurvesSettings {
  xTrain: TrainImages;
  trainLabels: Int32Array;
  xTest: Tensor;
  testLabels: Int32Array;
  hiddenSizeList: number[];
  iters: number;
  batchSize: number;
  seed: number;
  progress?: (line: string) => void;
}

export interface VariantCurve {
  variant: Variant;
  losses: number[];
  smoothed: number[];
  testAcc: number;
}

/**
 * The book's optimizer_compare_mnist and weight_init_compare: each variant's network
 * trained on the same mini-batches (one draw per iteration, fed to every network), its
 * mini-batch loss recorded before each update. All networks start from the same seed.
 */
export function trainVariants(variants: readonly Variant[], s: CurvesSettings): VariantCurve[] {
  const inputSize = s.xTrain.shape[1]!;
  const dtype = s.xTrain.dtype;
  const nets = variants.map((v) => new MultiLayerNet(inputSize, s.hiddenSizeList, 10, { activation: 'relu', weightInitStd: v.weightInitStd, seed: s.seed, dtype }));
  const optimizers = variants.map((v) => createOptimizer(v.optimizer, { lr: v.lr }));
  const losses = variants.map(() => [] as number[]);
  const sampler = new BatchSampler(s.xTrain, s.trainLabels, s.batchSize, new Random(s.seed));
  const every = Math.max(1, Math.round(s.iters / 4));
  for (let i = 0; i < s.iters; i++) {
    const [xBatch, tBatch] = sampler.next();
    nets.forEach((net, k) => {
      const grads = net.gradient(xBatch, tBatch);
      losses[k]!.push(net.lastLoss);
      optimizers[k]!.update(net.params, grads);
    });
    if ((i + 1) % every === 0 || i + 1 === s.iters) {
      s.progress?.(`iteration ${i + 1}/${s.iters}: ${variants.map((v, k) => `${v.name} ${losses[k]![i]!.toFixed(4)}`).join(', ')}`);
    }
  }
  return variants.map((variant, k) => ({
    variant,
    losses: losses[k]!,
    smoothed: smoothCurve(losses[k]!),
    testAcc: nets[k]!.accuracy(s.xTest, s.testLabels),
  }));
}

/** Mean of the last `n` values (all of them when fewer). */
export function meanOfLast(values: readonly number[], n: number): number {
  const tail = values.slice(Math.max(0, values.length - n));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The table both loss-curve experiments print. */
export function curvesTable(curves: readonly VariantCurve[], first: string): { columns: string[]; rows: (string | number)[][] } {
  return {
    columns: [first, 'lr', 'iters', 'first_loss', 'final_loss_smoothed', 'mean_loss_last_100', 'test_acc'],
    rows: curves.map((c) => [c.variant.name, c.variant.lr, c.losses.length, c.losses[0]!, c.smoothed[c.smoothed.length - 1]!, meanOfLast(c.losses, 100), c.testAcc]),
  };
}
