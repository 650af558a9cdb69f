import type { DType } from '../backend/backend.js';
import { lineChart, type Point } from '../plot/svg.js';
import { Random } from '../tensor/random.js';
import { matmul, map } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import { panelGrid } from './experiment.js';

/** The book's figures 6-10 to 6-14: an activation with a weight scale (a std, or √(1/n) Xavier, √(2/n) He). */
export const HISTOGRAM_CASES: readonly { activation: 'sigmoid' | 'relu'; init: 'std=1' | 'std=0.01' | 'Xavier' | 'He'; figure: string }[] = [
  { activation: 'sigmoid', init: 'std=1', figure: '6-10' },
  { activation: 'sigmoid', init: 'std=0.01', figure: '6-11' },
  { activation: 'sigmoid', init: 'Xavier', figure: '6-13' },
  { activation: 'relu', init: 'std=0.01', figure: '6-14' },
  { activation: 'relu', init: 'Xavier', figure: '6-14' },
  { activation: 'relu', init: 'He', figure: '6-14' },
];

const NODES = 100;
const LAYERS = 5;
const SAMPLES = 1000;
export const BINS = 30;

function scale(init: (typeof HISTOGRAM_CASES)[number]['init']): number {
  return init === 'std=1' ? 1 : init === 'std=0.01' ? 0.01 : init === 'Xavier' ? Math.sqrt(1 / NODES) : Math.sqrt(2 / NODES);
}

/** Counts of `values` in BINS equal bins over [0, 1], as plt.hist(a.flatten(), 30, range=(0, 1)). */
export function histogram(values: ArrayLike<number>): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) continue;
    counts[Math.min(BINS - 1, Math.floor(v * BINS))]! += 1;
  }
  return counts;
}

/**
 * The book's weight_init_activation_histogram.py: 1000 random inputs of 100 features
 * through five layers of 100 nodes, each z = activation(x·W) with W = scale·randn; the
 * histogram of each layer's activations.
 */
export function activationHistograms(seed: number, dtype: DType): { case: string; layers: number[][] }[] {
  return HISTOGRAM_CASES.map((c) => {
    const rng = new Random(seed);
    let x = Tensor.randn([SAMPLES, NODES], rng, dtype);
    const layers: number[][] = [];
    for (let i = 0; i < LAYERS; i++) {
      const w = map(Tensor.randn([NODES, NODES], rng, dtype), (v) => v * scale(c.init));
      const a = matmul(x, w);
      x = map(a, c.activation === 'sigmoid' ? (v) => 1 / (1 + Math.exp(-v)) : (v) => (v > 0 ? v : 0));
      layers.push(histogram(x.data));
    }
    return { case: `${c.activation}, ${c.init}`, layers };
  });
}

/** One row of five panels per case, each a histogram drawn as steps. */
export function histogramFigure(hists: ReturnType<typeof activationHistograms>): string {
  const charts: string[] = [];
  for (const h of hists) {
    h.layers.forEach((counts, layer) => {
      const steps: Point[] = [[0, 0]];
      counts.forEach((n, b) => steps.push([b / BINS, n], [(b + 1) / BINS, n]));
      steps.push([1, 0]);
      charts.push(lineChart({ title: `${h.case}: layer ${layer + 1}`, xRange: [0, 1], yRange: [0, Math.max(1000, ...counts)], width: 280, height: 200, legend: 'none', series: [{ name: 'count', points: steps, size: 1.5 }] }));
    });
  }
  return panelGrid(charts, LAYERS, 280, 200, 'Activations of five layers of 100 nodes, 1000 random inputs (figures 6-10 to 6-14)');
}
