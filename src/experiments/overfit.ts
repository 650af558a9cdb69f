import type { Network } from '../nets/network.js';
import { accuracyChart } from '../plot/svg.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatRows, type TrainImages } from '../train/images.js';
import { trainForEpochs, type EpochCurves } from './epoch_curves.js';
import { panelGrid, type ExperimentResult } from './experiment.js';

/** The book's overfitting setup: the first 300 training images, six hidden layers of 100, SGD lr 0.01, batch 100. */
export const OVERFIT = { trainSize: 300, hiddenSizeList: [100, 100, 100, 100, 100, 100], lr: 0.01, batchSize: 100 };

export interface OverfitSettings {
  xTrain: TrainImages;
  trainLabels: Int32Array;
  xTest: Tensor;
  testLabels: Int32Array;
  epochs: number;
  seed: number;
  progress?: (line: string) => void;
}

/**
 * Train and test accuracy per epoch of a network without and with a regulariser, on
 * the same mini-batches: the book's figures 6-20/6-21 and 6-23. The table holds each
 * one's final accuracies and their gap.
 */
export function overfitExperiment(
  s: OverfitSettings, title: string, variants: readonly { name: string; build: (inputSize: number) => Network }[],
): ExperimentResult {
  const rows = Math.min(OVERFIT.trainSize, s.xTrain.shape[0]!);
  const xTrain = floatRows(s.xTrain, 0, rows);
  const trainLabels = s.trainLabels.subarray(0, rows);
  const curves: EpochCurves[] = variants.map((v) => {
    const c = trainForEpochs(v.build(s.xTrain.shape[1]!), { xTrain, trainLabels, xTest: s.xTest, testLabels: s.testLabels, epochs: s.epochs, batchSize: OVERFIT.batchSize, lr: OVERFIT.lr, seed: s.seed });
    s.progress?.(`${v.name}: train acc ${c.trainAcc[c.trainAcc.length - 1]!.toFixed(4)}, test acc ${c.testAcc[c.testAcc.length - 1]!.toFixed(4)} after ${s.epochs} epochs`);
    return c;
  });
  const charts = variants.map((v, k) => accuracyChart(curves[k]!.trainAcc, curves[k]!.testAcc, { title: v.name, firstEpoch: 0 }));
  return {
    table: {
      columns: ['network', 'epochs', 'train_acc', 'test_acc', 'gap'],
      rows: variants.map((v, k) => {
        const train = curves[k]!.trainAcc[s.epochs - 1]!;
        const test = curves[k]!.testAcc[s.epochs - 1]!;
        return [v.name, s.epochs, train, test, train - test];
      }),
    },
    svg: panelGrid(charts, 2, 640, 400, `${title}: ${rows} training images, 6×100 ReLU, SGD lr ${OVERFIT.lr}, batch ${OVERFIT.batchSize}`),
    data: { ...OVERFIT, trainSize: rows, curves: variants.map((v, k) => ({ name: v.name, ...curves[k]! })) },
  };
}
