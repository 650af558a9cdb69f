// The Train page's two plots, as SVG from nabla's own chart maker: the loss of every
// mini-batch (and its moving average), and accuracy on the first images of each set.

import { lineChart, smooth, type Series } from '../../../src/plot/svg.js';
import { EVAL_IMAGES, type EvalPoint } from './protocol.js';

/** More dots than this are averaged in runs: a screen is only so many pixels wide. */
const MAX_DOTS = 1500;

export interface ChartSize {
  width: number;
  height: number;
}

/** Loss by iteration; the x axis spans the whole run, so the dots fill it as training goes. */
export function lossSvg(losses: readonly number[], totalIterations: number, size: ChartSize): string {
  const n = losses.length;
  const stride = Math.max(1, Math.ceil(n / MAX_DOTS));
  const dots: [number, number][] = [];
  for (let start = 0; start < n; start += stride) {
    const end = Math.min(n, start + stride);
    let sum = 0;
    for (let i = start; i < end; i++) sum += losses[i]!;
    dots.push([end, sum / (end - start)]);
  }
  const smoothed = smooth(losses, Math.max(1, Math.round(n / 30)));
  const line: [number, number][] = [];
  for (let i = 0; i < n; i += stride) line.push([i + 1, smoothed[i]!]);
  if (n > 0 && (n - 1) % stride !== 0) line.push([n, smoothed[n - 1]!]);
  const series: Series[] = [
    { name: stride === 1 ? 'mini-batch loss' : `mini-batch loss (mean of ${stride})`, points: dots, style: 'points', size: 3, opacity: 0.35, color: '#1f77b4', legend: false },
    { name: 'moving average', points: line, color: '#0b3d91', size: 2 },
  ];
  return lineChart({
    title: 'Training loss', xLabel: 'iteration', yLabel: 'loss', series, legend: 'none',
    xRange: [0, Math.max(1, totalIterations)], ...(n === 0 ? { yRange: [0, 2.5] as const } : {}), ...size,
  });
}

/** Accuracy on the first EVAL_IMAGES training and test images, at each evaluation. */
export function accuracySvg(evals: readonly EvalPoint[], totalIterations: number, size: ChartSize): string {
  const train = evals.map((e) => [e.iteration, e.trainAcc] as const);
  const test = evals.map((e) => [e.iteration, e.testAcc] as const);
  return lineChart({
    title: 'Accuracy', xLabel: 'iteration', yLabel: 'accuracy',
    series: [
      { name: `train (first ${EVAL_IMAGES})`, points: train, color: '#ff7f0e' },
      { name: `test (first ${EVAL_IMAGES})`, points: test, color: '#2ca02c', dashed: true },
      // A dot at each evaluation: the first, alone, would otherwise be a speck.
      { name: 'train evaluations', points: train, style: 'points', size: 5, color: '#ff7f0e', legend: false },
      { name: 'test evaluations', points: test, style: 'points', size: 5, color: '#2ca02c', legend: false },
    ],
    xRange: [0, Math.max(1, totalIterations)], yRange: [0, 1], legend: 'auto', ...size,
  });
}
