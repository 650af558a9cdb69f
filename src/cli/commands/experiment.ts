import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadMnistBytes, type MnistBytes } from '../../data/mnist.js';
import type { ExperimentResult, ExperimentTable } from '../../experiments/experiment.js';
import { batchnormExperiment } from '../../experiments/batchnorm.js';
import { dropoutExperiment } from '../../experiments/dropout.js';
import { initExperiment } from '../../experiments/init.js';
import { optimizersExperiment } from '../../experiments/optimizers.js';
import { optimizers2d } from '../../experiments/optimizers_2d.js';
import { weightDecayExperiment } from '../../experiments/weight_decay.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { printable } from '../../io/printable.js';
import type { ByteImages } from '../../tensor/byte_images.js';
import type { Tensor } from '../../tensor/tensor.js';
import { floatRows } from '../../train/images.js';
import { OutFolderRefusedError, startRunFolder } from '../../train/run_dir.js';
import { NABLA_VERSION } from '../../version.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, dataFlags, selectBackend, type Output } from '../common.js';

/** What an experiment is given: the flags that apply to it, its data, and a progress line. */
export interface ExperimentContext {
  seed: number;
  dtype: 'float64' | 'float32';
  iters?: number;
  epochs?: number;
  data?: MnistBytes;
  progress: (line: string) => void;
}

interface ExperimentEntry {
  summary: string;
  /** Which of --iters / --epochs it takes, with its default. */
  length?: { flag: 'iters' | 'epochs'; default: number };
  mnist: boolean;
  run: (ctx: ExperimentContext) => ExperimentResult;
}

const EXPERIMENTS: Record<string, ExperimentEntry> = {
  'optimizers-2d': {
    summary: "SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y² from (−7, 2), 30 steps (figure 6-8)",
    mnist: false,
    run: (ctx) => optimizers2d(undefined, ctx.dtype),
  },
  optimizers: {
    summary: 'SGD, Momentum, AdaGrad, Adam: loss curves of a 4×100 ReLU net on MNIST, batch 128 (figure 6-9)',
    length: { flag: 'iters', default: 2000 },
    mnist: true,
    run: (ctx) => optimizersExperiment(mnistSettings(ctx)),
  },
  init: {
    summary: 'std 0.01 vs Xavier vs He: loss curves of the same net with SGD lr 0.01 (figure 6-15)',
    length: { flag: 'iters', default: 2000 },
    mnist: true,
    run: (ctx) => initExperiment(mnistSettings(ctx)),
  },
  'weight-decay': {
    summary: '300 training images, 6×100 ReLU: train and test accuracy without and with weight decay λ 0.1 (figures 6-20, 6-21)',
    length: { flag: 'epochs', default: 201 },
    mnist: true,
    run: (ctx) => weightDecayExperiment({ ...mnistSettings(ctx), epochs: ctx.epochs! }),
  },
  dropout: {
    summary: 'the same, without and with Dropout of ratio 0.2 (figure 6-23)',
    length: { flag: 'epochs', default: 301 },
    mnist: true,
    run: (ctx) => dropoutExperiment({ ...mnistSettings(ctx), epochs: ctx.epochs! }),
  },
  batchnorm: {
    summary: '1000 training images, 5×100 ReLU: train accuracy with and without BatchNorm at 16 weight scales (figure 6-19)',
    length: { flag: 'epochs', default: 20 },
    mnist: true,
    run: (ctx) => batchnormExperiment({ ...mnistSettings(ctx), epochs: ctx.epochs! }),
  },
};

/**
 * The training images stay bytes (mini-batches and subsets are converted as they are
 * drawn); the test set, scored whole every epoch, is converted once.
 */
function mnistSettings(ctx: ExperimentContext): { xTrain: ByteImages; trainLabels: Int32Array; xTest: Tensor; testLabels: Int32Array; iters: number; seed: number; progress: (line: string) => void } {
  const data = ctx.data!;
  return { xTrain: data.xTrain, trainLabels: data.trainLabels, xTest: floatRows(data.xTest), testLabels: data.testLabels, iters: ctx.iters ?? 0, seed: ctx.seed, progress: ctx.progress };
}

const flags = {
  out: { type: 'string', help: 'run folder to write (default: the next free runs/<name>-N)', arg: 'DIR' },
  iters: { type: 'int', min: 1, help: 'training iterations, for the experiments that count them', arg: 'N' },
  epochs: { type: 'int', min: 1, help: 'epochs, for the experiments that count them', arg: 'N' },
  seed: { type: 'int', default: 42, min: 0, max: 0xffffffff, help: 'seed of weight initialisation, Dropout masks and mini-batch draws', arg: 'N' },
  ...dataFlags,
  quiet: { type: 'boolean', help: 'no progress lines, only the table' },
  json: { type: 'boolean', help: 'print only one JSON object with the table on stdout' },
  ...backendFlags,
} as const;

export const experimentHelp = formatHelp(
  'nabla experiment <name> [options]',
  "Runs one of the book's chapter 6 experiments and writes its figure (NAME.svg; init also\n" +
    'init-activations.svg, the activation histograms of figures 6-10 to 6-14) and the table\n' +
    'of its figures (table.csv, table.json) to a run folder, then prints the table.\n\nExperiments:\n' +
    Object.entries(EXPERIMENTS).map(([name, e]) => `  ${name.padEnd(15)}${e.summary}${e.length ? ` (--${e.length.flag}, default ${e.length.default})` : ''}`).join('\n'),
  flags,
);

export async function experimentCommand(argv: readonly string[], io: Output): Promise<number> {
  const { flags: f, positional, help, given } = parseArgs('experiment', argv, flags);
  if (help) {
    io.out(experimentHelp);
    return 0;
  }
  const names = Object.keys(EXPERIMENTS);
  if (positional.length === 0) throw new UsageError(`experiment: name the experiment (${names.join(', ')})`);
  if (positional.length > 1) throw new UsageError(`experiment: unexpected argument '${printable(positional[1]!, 40)}'`);
  const name = positional[0]!;
  const entry = EXPERIMENTS[name];
  if (!entry) throw new UsageError(`experiment: unknown experiment '${printable(name, 40)}' (experiments: ${names.join(', ')})`);
  for (const flag of ['iters', 'epochs'] as const) {
    if (given.has(flag) && entry.length?.flag !== flag) {
      throw new UsageError(`experiment ${name}: --${flag} does not apply${entry.length ? ` (it takes --${entry.length.flag})` : ' (it has no length to set)'}`);
    }
  }
  if (!entry.mnist && given.has('data-dir')) throw new UsageError(`experiment ${name}: --data-dir does not apply (it reads no data)`);
  if (!entry.mnist && given.has('seed')) throw new UsageError(`experiment ${name}: --seed does not apply (it draws no random numbers)`);
  selectBackend(f.backend, f.threads);
  const dtype = f.dtype as 'float64' | 'float32';
  // Data are read before a folder is made, so that a wrong --data-dir leaves none behind.
  const data = entry.mnist ? loadMnistBytes({ normalize: true, dtype, ...(f.dataDir !== undefined ? { dataDir: f.dataDir } : {}) }) : undefined;
  if (f.out !== undefined && existsSync(join(f.out, TABLE_JSON))) {
    throw new UsageError(`experiment: ${printable(f.out, 1000)} already holds an experiment (${TABLE_JSON}); give another --out`);
  }
  let folder;
  try {
    folder = await startRunFolder(f.out, name);
  } catch (error) {
    if (error instanceof OutFolderRefusedError) throw new UsageError(`experiment: ${error.message}`);
    throw error;
  }
  try {
    const progress = f.quiet || f.json ? () => {} : (line: string) => io.err(line);
    const length = entry.length ? (entry.length.flag === 'iters' ? f.iters : f.epochs) ?? entry.length.default : undefined;
    const started = performance.now();
    const result = entry.run({
      seed: f.seed!, dtype, progress, ...(data ? { data } : {}),
      ...(entry.length && length !== undefined ? { [entry.length.flag]: length } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const dir = folder.dir;
    const settings = {
      experiment: name, ...(entry.mnist ? { seed: f.seed } : {}), dtype, ...(entry.length ? { [entry.length.flag]: length } : {}),
      ...(data ? { dataDir: resolve(data.dataDir) } : {}), nabla: NABLA_VERSION, seconds,
    };
    await writeFileAtomic(join(dir, `${name}.svg`), result.svg);
    for (const [file, svg] of Object.entries(result.extraFigures ?? {})) await writeFileAtomic(join(dir, file), svg);
    await writeFileAtomic(join(dir, TABLE_CSV), toCsv(result.table));
    await writeFileAtomic(join(dir, TABLE_JSON), `${JSON.stringify({ ...settings, table: toObjects(result.table), data: result.data })}\n`);
    if (f.json) {
      io.out(JSON.stringify({ experiment: name, table: toObjects(result.table), seconds, runDir: dir }));
    } else {
      for (const line of formatTable(result.table)) io.out(line);
      io.out(`wrote ${printable(dir, 1000)}/: ${[`${name}.svg`, ...Object.keys(result.extraFigures ?? {})].join(', ')}, ${TABLE_CSV}, ${TABLE_JSON} (${seconds.toFixed(1)} s)`);
    }
    return 0;
  } finally {
    folder.lock.release();
  }
}

const TABLE_CSV = 'table.csv';
const TABLE_JSON = 'table.json';

function toObjects(table: ExperimentTable): Record<string, string | number>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(table: ExperimentTable): string {
  return `${[table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

function shown(v: string | number, integers: boolean): string {
  if (typeof v === 'string') return v;
  if (integers) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3);
}

/** The table as aligned columns: names left, numbers right. */
function formatTable(table: ExperimentTable): string[] {
  // A column of counts prints as integers; any other number with four decimals, even 1.
  const integers = table.columns.map((_, i) => table.rows.every((row) => Number.isInteger(row[i])));
  const cells = [table.columns, ...table.rows.map((row) => row.map((v, i) => shown(v, integers[i]!)))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row, r) => row.map((cell, i) => {
    const numeric = r > 0 && typeof table.rows[r - 1]![i] === 'number';
    return numeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
  }).join('  ').trimEnd());
}
