// The conv benchmarks (`npm run bench -- --only-conv`): SimpleConvNet training in nabla,
// lean NumPy and PyTorch, interleaved round by round so that a change in the machine's
// load touches every row alike; DeepConvNet scoring the test set in nabla and PyTorch;
// and the peak memory of a DeepConvNet training step. Every run is its own child process.

import { join } from 'node:path';
import { runChild, type ChildResult } from './child.js';
import { currentLoad } from './machine.js';
import { begin } from './progress.js';
import type { RunContext } from './runners.js';

export type ConvImpl = 'nabla' | 'NumPy' | 'PyTorch';
export type ConvDType = 'float64' | 'float32';

export interface ConvTrainRow {
  impl: ConvImpl;
  dtype: ConvDType;
  setup: string;
  /** nabla as `nabla train` runs it (all cores): the row the targets are checked on. */
  isDefault?: boolean;
  /** The loop's own seconds, one per round. */
  seconds: number[];
  /** The whole process, spawn to exit (start-up and reading MNIST included), one per round. */
  wallSeconds: number[];
  firstLoss?: number;
  meanLastLoss?: number;
  finalLoss?: number;
  error?: string;
}

export interface ConvEvalRow {
  impl: 'nabla' | 'PyTorch';
  dtype: ConvDType;
  setup: string;
  seconds?: number;
  wallSeconds?: number;
  imagesPerSecond?: number;
  images?: number;
  error?: string;
}

export interface ConvMemoryRow {
  impl: 'nabla' | 'PyTorch';
  dtype: ConvDType;
  setup: string;
  rssBeforeMiB?: number;
  maxRssMiB?: number;
  wasmMemoryMiB?: number;
  msPerStep?: number;
  error?: string;
}

export interface ConvResults {
  iters: number;
  rounds: number;
  evalImages: number;
  lossWindow: number;
  train: ConvTrainRow[];
  evals: ConvEvalRow[];
  memory: ConvMemoryRow[];
  loads: number[];
  /** What PyTorch would have used by itself, when it said (it is told to use every core). */
  torchDefaultThreads?: number;
  versions: { torch?: string; numpy?: string };
  /** Rows left out, each with its reason. */
  notes: string[];
}

export interface ConvOptions {
  iters: number;
  rounds: number;
  /** Whether PyTorch can run (its columns are left out, with the reason, when not). */
  torch: boolean;
  numpy: boolean;
  /** Why rows were left out (NumPy or PyTorch missing), for the report. */
  notes: string[];
  /** Test images DeepConvNet scores (10000, all of them; fewer with --quick). */
  evalImages: number;
}

const ONE_BLAS_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
/**
 * PyTorch with every core and with its own default (one thread on this KVM guest, where
 * cpuinfo counts one physical core): on a loaded machine OpenMP's threads wait for each
 * other at every operator, and a baseline measured only at its worse setting would flatter
 * nabla. Likewise nabla with one thread beside its default, to show what the second buys.
 */
const TORCH_THREADS = [['all', 'all cores'], ['default', "PyTorch's default threads"]] as const;
const DTYPES: readonly ConvDType[] = ['float32', 'float64'];
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Why `import torch` fails under ctx.python, or undefined when it works. */
export async function torchMissing(ctx: RunContext): Promise<string | undefined> {
  if (!ctx.python) return 'no python3 with NumPy';
  const probe = await runChild(ctx.python, ['-c', 'import torch; print("{}")'], { cwd: ctx.root, timeoutSeconds: 120 });
  if (probe.ok) return undefined;
  return `PyTorch not importable by ${ctx.python} (${probe.error}); apt-get install python3-torch`;
}

async function child(part: string, command: string, args: string[], ctx: RunContext, env?: Record<string, string>): Promise<ChildResult> {
  const done = begin(part);
  const result = await runChild(command, args, { cwd: ctx.root, timeoutSeconds: ctx.timeoutSeconds, env: { ...process.env, ...env } });
  const own = num(result.json?.['seconds']);
  if (result.ok) done(`${own !== undefined ? `${own.toFixed(2)} s, ` : ''}process ${result.wallSeconds.toFixed(2)} s`);
  else done(`unavailable: ${result.error}`);
  return result;
}

interface Variant<Row> {
  row: Row;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

function trainVariants(ctx: RunContext, options: ConvOptions): Variant<ConvTrainRow>[] {
  const iters = String(options.iters);
  const variants: Variant<ConvTrainRow>[] = [];
  const row = (impl: ConvImpl, dtype: ConvDType, setup: string): ConvTrainRow => ({ impl, dtype, setup, seconds: [], wallSeconds: [] });
  for (const dtype of DTYPES) {
    const nabla = [join(ctx.root, 'dist', 'bench', 'conv.js'), '--dtype', dtype, '--iters', iters, '--data-dir', ctx.dataDir];
    variants.push({ row: { ...row('nabla', dtype, 'default backend'), isDefault: true }, command: process.execPath, args: nabla });
    variants.push({ row: row('nabla', dtype, 'NABLA_THREADS=1'), command: process.execPath, args: nabla, env: { NABLA_THREADS: '1' } });
    if (options.numpy) {
      const script = join(ctx.root, 'bench', 'numpy_simple_convnet.py');
      for (const oneThread of [false, true]) {
        variants.push({
          row: row('NumPy', dtype, oneThread ? 'OpenBLAS ×1' : 'OpenBLAS default threads'), command: ctx.python,
          args: [script, ctx.dataDir, '--dtype', dtype, '--iters', iters], ...(oneThread ? { env: ONE_BLAS_THREAD } : {}),
        });
      }
    }
    if (options.torch) {
      for (const [threads, setup] of TORCH_THREADS) {
        variants.push({ row: row('PyTorch', dtype, setup), command: ctx.python, args: [join(ctx.root, 'bench', 'torch_simple_convnet.py'), ctx.dataDir, '--dtype', dtype, '--iters', iters, '--threads', threads] });
      }
    }
  }
  return variants;
}

function setupOf(impl: string, json: Record<string, unknown>, fallback: string): string {
  const threads = num(json['threads']);
  if (impl === 'nabla' && typeof json['backend'] === 'string') return `${json['backend']}${threads ? `×${threads}` : ''}`;
  if (impl === 'PyTorch' && threads) {
    const own = json['defaultThreads'] === threads && fallback.includes('default') ? " (PyTorch's default)" : '';
    return `${threads} thread${threads === 1 ? '' : 's'}${own}`;
  }
  return fallback;
}

export async function convBenchmarks(ctx: RunContext, options: ConvOptions): Promise<ConvResults> {
  const results: ConvResults = { iters: options.iters, rounds: options.rounds, evalImages: options.evalImages, lossWindow: 50, train: [], evals: [], memory: [], loads: [], versions: {}, notes: options.notes };
  const variants = trainVariants(ctx, options);
  for (let round = 1; round <= options.rounds; round++) {
    results.loads.push(currentLoad());
    for (const { row, command, args, env } of variants) {
      if (row.error) continue;
      const result = await child(`SimpleConvNet ${row.impl} ${row.dtype} (${row.setup}), ${options.iters} steps, round ${round}/${options.rounds}`, command, args, ctx, env);
      const seconds = num(result.json?.['seconds']);
      if (!result.ok || seconds === undefined) {
        row.error = result.error ?? 'no seconds in its output';
        continue;
      }
      const json = result.json!;
      row.seconds.push(seconds);
      row.wallSeconds.push(result.wallSeconds);
      row.setup = setupOf(row.impl, json, row.setup);
      for (const key of ['firstLoss', 'meanLastLoss', 'finalLoss'] as const) {
        const value = num(json[key]);
        if (value !== undefined) row[key] = value;
      }
      results.lossWindow = num(json['lossWindow']) ?? results.lossWindow;
      if (typeof json['torch'] === 'string') results.versions.torch = json['torch'];
      if (typeof json['numpy'] === 'string') results.versions.numpy = json['numpy'];
      const defaultThreads = num(json['defaultThreads']);
      if (defaultThreads !== undefined) results.torchDefaultThreads = defaultThreads;
    }
  }
  results.loads.push(currentLoad());
  results.train = variants.map((v) => v.row);
  results.evals = await deepConvEvals(ctx, options);
  results.memory = await deepConvMemory(ctx, options);
  results.loads.push(currentLoad());
  return results;
}

async function deepConvEvals(ctx: RunContext, options: ConvOptions): Promise<ConvEvalRow[]> {
  const rows: ConvEvalRow[] = [];
  for (const dtype of DTYPES) {
    const runs: [ConvEvalRow['impl'], string, string, string[]][] = [['nabla', 'default backend', process.execPath, [join(ctx.root, 'dist', 'bench', 'deep_conv_eval.js'), '--dtype', dtype, '--images', String(options.evalImages), '--data-dir', ctx.dataDir]]];
    if (options.torch) {
      for (const [threads, setup] of TORCH_THREADS) {
        runs.push(['PyTorch', setup, ctx.python, [join(ctx.root, 'bench', 'torch_deep_convnet.py'), ctx.dataDir, '--eval', '--dtype', dtype, '--images', String(options.evalImages), '--threads', threads]]);
      }
    }
    for (const [impl, setup, command, args] of runs) {
      const result = await child(`DeepConvNet test-set evaluation ${impl} ${dtype} (${setup})`, command, args, ctx);
      const row: ConvEvalRow = { impl, dtype, setup, wallSeconds: result.wallSeconds };
      if (!result.ok) {
        rows.push({ ...row, error: result.error! });
        continue;
      }
      const json = result.json!;
      const seconds = num(json['seconds']);
      const imagesPerSecond = num(json['imagesPerSecond']);
      const images = num(json['images']);
      rows.push({
        ...row, setup: setupOf(impl, json, row.setup), ...(seconds !== undefined ? { seconds } : {}),
        ...(imagesPerSecond !== undefined ? { imagesPerSecond } : {}), ...(images !== undefined ? { images } : {}),
      });
    }
  }
  return rows;
}

async function deepConvMemory(ctx: RunContext, options: ConvOptions): Promise<ConvMemoryRow[]> {
  const rows: ConvMemoryRow[] = [];
  const steps = '3';
  for (const dtype of DTYPES) {
    const runs: [ConvMemoryRow['impl'], string, string[]][] = [['nabla', process.execPath, [join(ctx.root, 'dist', 'bench', 'deep_conv_memory.js'), '--dtype', dtype, '--steps', steps]]];
    if (options.torch) runs.push(['PyTorch', ctx.python, [join(ctx.root, 'bench', 'torch_deep_convnet.py'), ctx.dataDir, '--memory', '--dtype', dtype, '--steps', steps]]);
    for (const [impl, command, args] of runs) {
      const result = await child(`DeepConvNet training-step memory ${impl} ${dtype}`, command, args, ctx);
      const row: ConvMemoryRow = { impl, dtype, setup: impl === 'nabla' ? 'default backend' : 'all cores' };
      if (!result.ok) {
        rows.push({ ...row, error: result.error! });
        continue;
      }
      const json = result.json!;
      const pick = (key: 'rssBeforeMiB' | 'maxRssMiB' | 'wasmMemoryMiB' | 'msPerStep'): Partial<ConvMemoryRow> => {
        const value = num(json[key]);
        return value === undefined ? {} : { [key]: value };
      };
      rows.push({ ...row, setup: setupOf(impl, json, row.setup), ...pick('rssBeforeMiB'), ...pick('maxRssMiB'), ...pick('wasmMemoryMiB'), ...pick('msPerStep') });
    }
  }
  return rows;
}
