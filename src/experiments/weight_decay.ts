import { MultiLayerNet } from '../nets/multi_layer_net.js';
import type { ExperimentResult } from './experiment.js';
import { OVERFIT, overfitExperiment, type OverfitSettings } from './overfit.js';

export const WEIGHT_DECAY_LAMBDA = 0.1;

/** The book's ch06/overfit_weight_decay.py, without and with λ = 0.1 (figures 6-20 and 6-21). */
export function weightDecayExperiment(s: OverfitSettings): ExperimentResult {
  const dtype = s.xTrain.dtype;
  return overfitExperiment(s, 'Weight decay', [0, WEIGHT_DECAY_LAMBDA].map((lambda) => ({
    name: lambda === 0 ? 'without weight decay' : `weight decay λ = ${lambda}`,
    build: (inputSize: number) => new MultiLayerNet(inputSize, OVERFIT.hiddenSizeList, 10, { weightDecayLambda: lambda, seed: s.seed, dtype }),
  })));
}
