import type { Network } from '../nets/network.js';
import { createOptimizer } from '../optim/create_optimizer.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { BatchSampler } from '../train/batch_sampler.js';
import { iterationsPerEpoch } from '../train/train.js';

export interface EpochCurvesSettings {
  xTrain: Tensor;
  trainLabels: Int32Array;
  /** Without test data only train accuracy is measured, as the book's batch_norm_test does. */
  xTest?: Tensor;
  testLabels?: Int32Array;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export interface EpochCurves {
  trainAcc: number[];
  testAcc: number[];
}

/**
 * The loop of the book's overfit_weight_decay.py and batch_norm_test.py: SGD on
 * mini-batches drawn with replacement, with accuracy measured after the first update
 * and then after each epoch's worth of updates (max(train size / batch size, 1)), until
 * `epochs` measurements. The draws come from `seed`, so networks compared under the same
 * seed see the same mini-batches.
 */
export function trainForEpochs(net: Network, s: EpochCurvesSettings): EpochCurves {
  const optimizer = createOptimizer('sgd', { lr: s.lr });
  const sampler = new BatchSampler(s.xTrain, s.trainLabels, s.batchSize, new Random(s.seed));
  const perEpoch = iterationsPerEpoch(s.xTrain.shape[0]!, s.batchSize);
  const curves: EpochCurves = { trainAcc: [], testAcc: [] };
  for (let i = 0; curves.trainAcc.length < s.epochs; i++) {
    const [xBatch, tBatch] = sampler.next();
    optimizer.update(net.params, net.gradient(xBatch, tBatch));
    if (i % perEpoch === 0) {
      curves.trainAcc.push(net.accuracy(s.xTrain, s.trainLabels));
      if (s.xTest && s.testLabels) curves.testAcc.push(net.accuracy(s.xTest, s.testLabels));
    }
  }
  return curves;
}
