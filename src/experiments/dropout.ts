import { MultiLayerNetExtend } from '../nets/multi_layer_net_extend.js';
import type { ExperimentResult } from './experiment.js';
import { OVERFIT, overfitExperiment, type OverfitSettings } from './overfit.js';

export const DROPOUT_RATIO = 0.2;

/** The book's ch06/overfit_dropout.py, without and with Dropout of ratio 0.2 (figure 6-23). */
export function dropoutExperiment(s: OverfitSettings): ExperimentResult {
  const dtype = s.xTrain.dtype;
  return overfitExperiment(s, 'Dropout', [false, true].map((useDropout) => ({
    name: useDropout ? `Dropout ${DROPOUT_RATIO}` : 'without Dropout',
    build: (inputSize: number) => new MultiLayerNetExtend(inputSize, OVERFIT.hiddenSizeList, 10, { useDropout, dropoutRatio: DROPOUT_RATIO, seed: s.seed, dtype }),
  })));
}
