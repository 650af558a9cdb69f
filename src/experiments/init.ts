import { lineChart } from '../plot/svg.js';
import { activationHistograms, histogramFigure } from './activation_histograms.js';
import type { ExperimentResult } from './experiment.js';
import { curvesTable, trainVariants, type CurvesSettings, type Variant } from './mnist_curves.js';
import { OPTIMIZERS_DEFAULTS } from './optimizers.js';

/** The book's ch06/weight_init_compare.py: SGD at lr 0.01 from three initial scales. */
export const INIT_VARIANTS: readonly Variant[] = [
  { name: 'std=0.01', weightInitStd: 0.01, optimizer: 'sgd', lr: 0.01 },
  { name: 'Xavier', weightInitStd: 'sigmoid', optimizer: 'sgd', lr: 0.01 },
  { name: 'He', weightInitStd: 'relu', optimizer: 'sgd', lr: 0.01 },
];

/**
 * Loss curves of the optimizers experiment's net under each weight initialisation (figure
 * 6-15), and the activation histograms of figures 6-10 to 6-14.
 */
export function initExperiment(s: Omit<CurvesSettings, 'hiddenSizeList' | 'batchSize'>): ExperimentResult {
  const histograms = activationHistograms(s.seed, s.xTrain.dtype);
  const curves = trainVariants(INIT_VARIANTS, { ...s, hiddenSizeList: OPTIMIZERS_DEFAULTS.hiddenSizeList, batchSize: OPTIMIZERS_DEFAULTS.batchSize });
  const svg = lineChart({
    title: `MNIST, 4×100 ReLU, SGD lr 0.01: weight initialisation (figure 6-15)`,
    xLabel: 'iterations', yLabel: 'loss (smoothed)', yRange: [0, 2.5], legend: 'top-right',
    series: curves.map((c) => ({ name: c.variant.name, points: c.smoothed.map((v, i) => [i, v] as const) })),
  });
  return {
    table: curvesTable(curves, 'init'),
    svg,
    extraFigures: { 'init-activations.svg': histogramFigure(histograms) },
    data: { histograms, hiddenSizeList: OPTIMIZERS_DEFAULTS.hiddenSizeList, batchSize: OPTIMIZERS_DEFAULTS.batchSize, curves: curves.map((c) => ({ name: c.variant.name, weightInitStd: c.variant.weightInitStd, losses: c.losses, smoothed: c.smoothed })) },
  };
}
