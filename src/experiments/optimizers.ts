import { lineChart } from '../plot/svg.js';
import type { ExperimentResult } from './experiment.js';
import { curvesTable, trainVariants, type CurvesSettings, type Variant } from './mnist_curves.js';

/** The book's ch06/optimizer_compare_mnist.py: its learning rates, its network. */
export const OPTIMIZER_VARIANTS: readonly Variant[] = [
  { name: 'SGD', optimizer: 'sgd', lr: 0.01, weightInitStd: 'relu' },
  { name: 'Momentum', optimizer: 'momentum', lr: 0.01, weightInitStd: 'relu' },
  { name: 'AdaGrad', optimizer: 'adagrad', lr: 0.01, weightInitStd: 'relu' },
  { name: 'Adam', optimizer: 'adam', lr: 0.001, weightInitStd: 'relu' },
];

export const OPTIMIZERS_DEFAULTS = { iters: 2000, batchSize: 128, hiddenSizeList: [100, 100, 100, 100] };

/** Loss curves of a five-layer ReLU net (4 hidden layers of 100) under each optimizer, on the same mini-batches. */
export function optimizersExperiment(s: Omit<CurvesSettings, 'hiddenSizeList' | 'batchSize'>): ExperimentResult {
  const curves = trainVariants(OPTIMIZER_VARIANTS, { ...s, hiddenSizeList: OPTIMIZERS_DEFAULTS.hiddenSizeList, batchSize: OPTIMIZERS_DEFAULTS.batchSize });
  const svg = lineChart({
    title: `MNIST, 4×100 ReLU, batch ${OPTIMIZERS_DEFAULTS.batchSize}: optimizers (figure 6-9)`,
    xLabel: 'iterations', yLabel: 'loss (smoothed)', yRange: [0, 1], legend: 'top-right',
    series: curves.map((c) => ({ name: `${c.variant.name} (lr ${c.variant.lr})`, points: c.smoothed.map((v, i) => [i, v] as const) })),
  });
  return {
    table: curvesTable(curves, 'optimizer'),
    svg,
    data: { hiddenSizeList: OPTIMIZERS_DEFAULTS.hiddenSizeList, batchSize: OPTIMIZERS_DEFAULTS.batchSize, curves: curves.map((c) => ({ name: c.variant.name, lr: c.variant.lr, losses: c.losses, smoothed: c.smoothed })) },
  };
}
