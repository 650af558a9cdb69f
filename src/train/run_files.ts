import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { accuracyChart, lossChart } from '../plot/svg.js';
import type { EpochResult } from './train.js';

export const RUN_FILES = {
  config: 'config.json',
  metricsCsv: 'metrics.csv',
  metricsJson: 'metrics.json',
  accuracyPlot: 'accuracy.svg',
  lossPlot: 'loss.svg',
  model: 'model.safetensors',
} as const;

export async function writeConfig(dir: string, config: object): Promise<void> {
  await writeFileAtomic(join(dir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * metrics.csv: one row per iteration (its mini-batch loss), with train/test accuracy
 * on the rows where an evaluation ran. metrics.json holds the same as arrays.
 * Plots: accuracy by epoch, and loss by iteration.
 */
export async function writeMetrics(dir: string, losses: readonly number[], epochs: readonly EpochResult[]): Promise<void> {
  const byIteration = new Map(epochs.map((e) => [e.iteration, e]));
  const rows = ['iteration,loss,epoch,train_acc,test_acc'];
  losses.forEach((loss, i) => {
    const e = byIteration.get(i + 1);
    rows.push(e ? `${i + 1},${loss},${e.epoch},${e.trainAcc},${e.testAcc}` : `${i + 1},${loss},,,`);
  });
  await writeFileAtomic(join(dir, RUN_FILES.metricsCsv), `${rows.join('\n')}\n`);
  await writeFileAtomic(join(dir, RUN_FILES.metricsJson), `${JSON.stringify({ losses, epochs })}\n`);
  await writeFileAtomic(join(dir, RUN_FILES.accuracyPlot), accuracyChart(epochs.map((e) => e.trainAcc), epochs.map((e) => e.testAcc), { firstEpoch: 0 }));
  await writeFileAtomic(join(dir, RUN_FILES.lossPlot), lossChart(losses));
}
