import { MultiLayerNetExtend } from '../nets/multi_layer_net_extend.js';
import { lineChart, type Point } from '../plot/svg.js';
import { floatRows, type TrainImages } from '../train/images.js';
import { trainForEpochs } from './epoch_curves.js';
import { panelGrid, type ExperimentResult } from './experiment.js';

/** The book's ch06/batch_norm_test.py: the first 1000 training images, 5×100, SGD lr 0.01, batch 100. */
export const BATCHNORM = { trainSize: 1000, hiddenSizeList: [100, 100, 100, 100, 100], lr: 0.01, batchSize: 100 };

/** np.logspace(0, -4, num=16): 1 down to 1e-4. */
export function weightScales(count = 16): number[] {
  return Array.from({ length: count }, (_, i) => 10 ** ((-4 * i) / (count - 1)));
}

export interface BatchnormSettings {
  xTrain: TrainImages;
  trainLabels: Int32Array;
  epochs: number;
  seed: number;
  progress?: (line: string) => void;
}

/**
 * Train accuracy per epoch with and without BatchNorm for each weight scale, on the same
 * mini-batches (the book's figure 6-19): BatchNorm learns from scales at which the plain
 * network does not learn at all.
 */
export function batchnormExperiment(s: BatchnormSettings): ExperimentResult {
  const rows = Math.min(BATCHNORM.trainSize, s.xTrain.shape[0]!);
  const xTrain = floatRows(s.xTrain, 0, rows);
  const trainLabels = s.trainLabels.subarray(0, rows);
  const inputSize = s.xTrain.shape[1]!;
  const runs = weightScales().map((scale) => {
    const [bn, plain] = [true, false].map((useBatchnorm) => {
      const net = new MultiLayerNetExtend(inputSize, BATCHNORM.hiddenSizeList, 10, { weightInitStd: scale, useBatchnorm, seed: s.seed, dtype: s.xTrain.dtype });
      return trainForEpochs(net, { xTrain, trainLabels, epochs: s.epochs, batchSize: BATCHNORM.batchSize, lr: BATCHNORM.lr, seed: s.seed }).trainAcc;
    });
    s.progress?.(`weight scale ${scale.toPrecision(4)}: train acc ${bn![s.epochs - 1]!.toFixed(4)} with BatchNorm, ${plain![s.epochs - 1]!.toFixed(4)} without`);
    return { scale, bn: bn!, plain: plain! };
  });
  const toPoints = (acc: number[]): Point[] => acc.map((v, i) => [i, v]);
  const charts = runs.map(({ scale, bn, plain }) => lineChart({
    title: `W: ${scale.toPrecision(3)}`, xLabel: 'epochs', yLabel: 'accuracy', yRange: [0, 1], xRange: [0, Math.max(1, s.epochs - 1)],
    width: 320, height: 260, legend: 'none',
    series: [{ name: 'Batch Normalization', points: toPoints(bn), color: '#1f77b4' }, { name: 'Normal (without BatchNorm)', points: toPoints(plain), color: '#ff7f0e', dashed: true }],
  }));
  return {
    table: {
      columns: ['weight_scale', 'epochs', 'acc_batchnorm', 'acc_plain', 'batchnorm_higher'],
      rows: runs.map(({ scale, bn, plain }) => [scale, s.epochs, bn[s.epochs - 1]!, plain[s.epochs - 1]!, bn[s.epochs - 1]! > plain[s.epochs - 1]! ? 'yes' : 'no']),
    },
    svg: panelGrid(charts, 4, 320, 260, `Train accuracy with BatchNorm (solid) and without (dashed): ${rows} images, 5×100 ReLU, SGD lr ${BATCHNORM.lr}`),
    data: { ...BATCHNORM, trainSize: rows, curves: runs },
  };
}
