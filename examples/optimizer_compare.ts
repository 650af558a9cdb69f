// The book's optimizer_compare_mnist (chapter 6): the same five-layer ReLU network
// (four hidden layers of 100) trained on the same mini-batches by SGD, Momentum, AdaGrad
// and Adam at the book's learning rates, printing each one's loss every 100 iterations.
import { loadMnist } from '../src/data/mnist.js';
import { MultiLayerNet } from '../src/nets/multi_layer_net.js';
import { createOptimizer } from '../src/optim/create_optimizer.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { Random } from '../src/tensor/random.js';
import { gatherRows } from '../src/tensor/ops.js';
import { runIfMain } from './run_if_main.js';

export interface CompareOptions {
  /** Iterations (the book: 2000). */
  iters?: number;
  batchSize?: number;
  hiddenSizeList?: number[];
  /** Use only the first N training images. */
  trainSize?: number;
  seed?: number;
  /** Print each optimizer's loss every this many iterations. */
  printEvery?: number;
}

/** Each optimizer's loss at every iteration, on the same mini-batches from the same starting weights. */
export function compareOptimizers(print: (line: string) => void = console.log, options: CompareOptions = {}): Record<string, number[]> {
  const { iters = 2000, batchSize = 128, hiddenSizeList = [100, 100, 100, 100], seed = 42, printEvery = 100 } = options;
  const { xTrain, trainLabels } = loadMnist({ normalize: true });
  const trainSize = Math.min(options.trainSize ?? xTrain.shape[0]!, xTrain.shape[0]!);

  const optimizers: Record<string, Optimizer> = {
    SGD: createOptimizer('sgd', { lr: 0.01 }),
    Momentum: createOptimizer('momentum', { lr: 0.01 }),
    AdaGrad: createOptimizer('adagrad', { lr: 0.01 }),
    Adam: createOptimizer('adam', { lr: 0.001 }),
  };
  const networks = Object.fromEntries(Object.keys(optimizers).map((key) => [key, new MultiLayerNet(784, hiddenSizeList, 10, { seed })]));
  const losses: Record<string, number[]> = Object.fromEntries(Object.keys(optimizers).map((key) => [key, []]));

  const rng = new Random(seed);
  const batchMask = new Int32Array(batchSize);
  for (let i = 0; i < iters; i++) {
    rng.choice(trainSize, batchMask);
    const xBatch = gatherRows(xTrain, batchMask);
    const tBatch = batchMask.map((j) => trainLabels[j]!);
    for (const key of Object.keys(optimizers)) {
      const network = networks[key]!;
      const grads = network.gradient(xBatch, tBatch);
      optimizers[key]!.update(network.params, grads);
      losses[key]!.push(network.loss(xBatch, tBatch));
    }
    if (i % printEvery === 0) {
      print(`===========iteration:${i}===========`);
      for (const key of Object.keys(optimizers)) print(`${key}:${losses[key]![i]}`);
    }
  }
  return losses;
}

runIfMain(import.meta.url, () => {
  compareOptimizers(console.log, { iters: Number(process.argv[2] ?? 2000) });
});
