import type { DType } from '../backend/backend.js';
import { createOptimizer } from '../optim/create_optimizer.js';
import type { OptimizerName } from '../optim/optimizer.js';
import { lineChart, type Point, type Series } from '../plot/svg.js';
import { Tensor } from '../tensor/tensor.js';
import { panelGrid, type ExperimentResult } from './experiment.js';

/** The book's figure 6-8: each optimizer at the learning rate the book gives it. */
export const OPTIMIZERS_2D: readonly { name: string; optimizer: OptimizerName; lr: number }[] = [
  { name: 'SGD', optimizer: 'sgd', lr: 0.95 },
  { name: 'Momentum', optimizer: 'momentum', lr: 0.1 },
  { name: 'AdaGrad', optimizer: 'adagrad', lr: 1.5 },
  { name: 'Adam', optimizer: 'adam', lr: 0.3 },
];

export const START_2D: Point = [-7, 2];
export const STEPS_2D = 30;

/** f(x, y) = x²/20 + y²: steep in y, shallow in x, where SGD zigzags. */
export function f2d(x: number, y: number): number {
  return (x * x) / 20 + y * y;
}

export interface OptimizerPath {
  name: string;
  lr: number;
  /** The start and the point after each step: steps + 1 points. */
  path: Point[];
}

/**
 * Runs nabla's own optimizers (the ones training uses) on f from `start`, with the
 * gradient (x/10, 2y) as the book's df, and records each point.
 */
export function optimizerPaths(steps = STEPS_2D, start: Point = START_2D, dtype: DType = 'float64'): OptimizerPath[] {
  return OPTIMIZERS_2D.map(({ name, optimizer, lr }) => {
    const opt = createOptimizer(optimizer, { lr });
    const params = { x: Tensor.from([start[0]], dtype), y: Tensor.from([start[1]], dtype) };
    const grads = { x: Tensor.zeros([1], dtype), y: Tensor.zeros([1], dtype) };
    const path: Point[] = [[params.x.data[0]!, params.y.data[0]!]];
    for (let i = 0; i < steps; i++) {
      grads.x.data[0] = params.x.data[0]! / 10.0;
      grads.y.data[0] = 2.0 * params.y.data[0]!;
      opt.update(params, grads);
      path.push([params.x.data[0]!, params.y.data[0]!]);
    }
    return { name, lr, path };
  });
}

/** Level sets of f: ellipses x = √(20c)·cos t, y = √c·sin t. */
function contour(level: number): Point[] {
  const points: Point[] = [];
  for (let k = 0; k <= 120; k++) {
    const t = (2 * Math.PI * k) / 120;
    points.push([Math.sqrt(20 * level) * Math.cos(t), Math.sqrt(level) * Math.sin(t)]);
  }
  return points;
}

const LEVELS = [0.25, 0.5, 1, 2, 3, 4, 6, 8, 11, 15, 20];

function panel(p: OptimizerPath): string {
  const series: Series[] = LEVELS.map((level) => ({ name: `f = ${level}`, points: contour(level), color: '#b0b0b0', size: 1, legend: false }));
  series.push(
    { name: p.name, points: p.path, color: '#d62728', size: 1.5 },
    { name: 'steps', points: p.path, style: 'points', color: '#d62728', size: 5, legend: false },
    { name: 'minimum', points: [[0, 0]], style: 'points', color: '#1f77b4', size: 7, legend: false },
  );
  return lineChart({ title: `${p.name} (lr ${p.lr})`, xLabel: 'x', yLabel: 'y', xRange: [-10, 10], yRange: [-10, 10], width: 480, height: 400, legend: 'none', series });
}

/** The four optimizers' paths from (−7, 2): the book's figure 6-8 and each end point. */
export function optimizers2d(steps = STEPS_2D, dtype: DType = 'float64'): ExperimentResult {
  const paths = optimizerPaths(steps, START_2D, dtype);
  return {
    table: {
      columns: ['optimizer', 'lr', 'steps', 'x', 'y', 'f'],
      rows: paths.map(({ name, lr, path }) => {
        const [x, y] = path[path.length - 1]!;
        return [name, lr, steps, x, y, f2d(x, y)];
      }),
    },
    svg: panelGrid(paths.map(panel), 2, 480, 400, `Optimizers on f(x, y) = x²/20 + y² from (−7, 2), ${steps} steps`),
    data: { function: 'x^2/20 + y^2', start: START_2D, steps, paths: paths.map(({ name, lr, path }) => ({ name, lr, x: path.map((q) => q[0]), y: path.map((q) => q[1]) })) },
  };
}
