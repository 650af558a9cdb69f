// One function per measured column: each starts a clean child process, reads its JSON line
// and turns it into a row, or into a row that says why the column is unavailable.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runChild, type ChildResult } from './child.js';
import { numpyGemmRecords, parseGemmTable, type GemmRecord } from './gemm_records.js';
import { begin } from './progress.js';
import type { DType, GemmResults, GradcheckRun, TrainRun, Versions } from './results.js';

export interface RunContext {
  root: string;
  dataDir: string;
  iters: number;
  quick: boolean;
  python: string;
  /** Where nabla's run folders go, so that benchmarking leaves nothing in runs/. */
  scratchDir: string;
  /** Per child process; the reference backend's full run is the slowest thing here. */
  timeoutSeconds: number;
  versions: Versions;
}

const ONE_BLAS_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const fmt = (seconds: number | undefined): string => (seconds === undefined ? '?' : `${seconds.toFixed(2)} s`);

/** Runs one part, saying on stderr when it starts and how it ended (its own timing first, if any). */
async function measured(part: string, command: string, args: string[], ctx: RunContext, env?: Record<string, string>): Promise<ChildResult> {
  const done = begin(part);
  const result = await runChild(command, args, { cwd: ctx.root, timeoutSeconds: ctx.timeoutSeconds, env: { ...process.env, ...env } });
  const own = num(result.json?.['seconds']) ?? num(result.json?.['gradcheckSeconds']);
  const textOnly = result.code === 0 && !result.json; // gemm.js prints a table, not JSON
  if (result.ok || textOnly) done(`${own !== undefined ? `${fmt(own)}, ` : ''}process ${fmt(result.wallSeconds)}`);
  else done(`unavailable: ${result.error}`);
  return result;
}

// ---------------------------------------------------------------- nabla

/** What the default backend turned out to be: the CLI says so on stderr when it falls back. */
function nablaSetup(result: ChildResult, forced?: 'reference'): { setup: string; note?: string } {
  const json = result.json ?? {};
  if (typeof json['backend'] === 'string') {
    const threads = num(json['threads']);
    return { setup: `${json['backend']}${threads ? `×${threads}` : ''}` };
  }
  if (forced) return { setup: forced };
  const fallback = /using the reference backend \((.*)\)/.exec(result.stderr);
  if (fallback) return { setup: 'reference (fallback)', note: `wasm backend unavailable: ${fallback[1]}` };
  const threads = Number(process.env['NABLA_THREADS'] ?? '') || availableParallelism();
  return { setup: `wasm×${threads}` };
}

export async function nablaTrain(ctx: RunContext, dtype: DType, backend?: 'reference'): Promise<TrainRun> {
  // No checkpoints along the way: the seed writes none, and the timing is of the training.
  const out = join(ctx.scratchDir, `train-${dtype}-${backend ?? 'default'}`);
  const args = [
    join(ctx.root, 'bin', 'nabla.js'), 'train', '--json', '--dtype', dtype, '--iters', String(ctx.iters),
    '--out', out, '--checkpoint-every', '0', ...(backend ? ['--backend', backend] : []),
  ];
  const result = await measured(`nabla train ${dtype} on ${backend ?? 'the default backend'}`, process.execPath, args, ctx);
  const { setup, note } = nablaSetup(result, backend);
  const row: TrainRun = { impl: 'nabla', dtype, iters: ctx.iters, setup, isDefault: !backend, wallSeconds: result.wallSeconds, ...(note ? { note } : {}) };
  return fillTrain(row, result);
}

/**
 * nabla's gradient check as the CLI runs it, or with --plain: the book's full forward pass
 * per nudged weight, which is the like-for-like comparison with NumPy's loop.
 */
export async function nablaGradcheck(ctx: RunContext, plain: boolean): Promise<GradcheckRun> {
  const args = [join(ctx.root, 'bin', 'nabla.js'), 'gradcheck', '--json', ...(plain ? ['--plain'] : [])];
  const result = await measured(`nabla gradcheck float64${plain ? ' --plain' : ''}`, process.execPath, args, ctx);
  const method = typeof result.json?.['method'] === 'string' ? result.json['method'] : plain ? 'plain' : undefined;
  const setup = `${nablaSetup(result).setup}${method ? `, ${method}` : ''}`;
  const row: GradcheckRun = { impl: 'nabla', setup, isDefault: !plain, wallSeconds: result.wallSeconds };
  if (!result.ok) return { ...row, error: result.error! };
  const seconds = num(result.json!['seconds']);
  const params = result.json!['params'] as Record<string, { mean?: unknown }> | undefined;
  const worst = params ? Math.max(...Object.values(params).map((p) => num(p.mean) ?? Number.NaN)) : undefined;
  return { ...row, ...(seconds !== undefined ? { seconds } : {}), ...(worst !== undefined ? { worstMeanDiff: worst } : {}) };
}

function fillTrain(row: TrainRun, result: ChildResult): TrainRun {
  if (!result.ok) return { ...row, error: result.error! };
  const json = result.json!;
  const seconds = num(json['seconds']);
  const trainAcc = num(json['trainAcc']);
  const testAcc = num(json['testAcc']);
  if (seconds === undefined) return { ...row, error: 'its JSON has no seconds' };
  return { ...row, seconds, ...(trainAcc !== undefined ? { trainAcc } : {}), ...(testAcc !== undefined ? { testAcc } : {}) };
}

// ---------------------------------------------------------------- NumPy

/** Why NumPy cannot run here, or undefined when it can. */
export async function numpyMissing(ctx: RunContext): Promise<string | undefined> {
  const probe = await runChild(ctx.python, ['-c', 'import numpy; print("{}")'], { cwd: ctx.root, timeoutSeconds: 60 });
  if (probe.ok) return undefined;
  return probe.error?.includes('ENOENT') ? `${ctx.python} not found` : `NumPy not importable by ${ctx.python} (${probe.error})`;
}

function numpyArgs(ctx: RunContext, ...rest: string[]): string[] {
  return [join(ctx.root, 'bench', 'numpy_seed.py'), ctx.dataDir, ...rest];
}

function noteNumpyVersions(ctx: RunContext, result: ChildResult): void {
  const json = result.json ?? {};
  if (typeof json['numpy'] === 'string') ctx.versions.numpy = json['numpy'];
  if (typeof json['blas'] === 'string') ctx.versions.blas = json['blas'];
}

const blasSetup = (result: ChildResult, fallback: string): string => {
  const threads = num(result.json?.['blasThreads']);
  return `OpenBLAS ×${threads ?? fallback}`;
};

export async function numpyTrain(ctx: RunContext, dtype: DType, oneThread: boolean, lean = false): Promise<TrainRun> {
  const args = numpyArgs(ctx, '--train', '--dtype', dtype, '--iters', String(ctx.iters), ...(lean ? ['--lean'] : []));
  const part = `NumPy train ${dtype}${lean ? ' lean' : ''} (${oneThread ? '1 BLAS thread' : 'default BLAS threads'})`;
  const result = await measured(part, ctx.python, args, ctx, oneThread ? ONE_BLAS_THREAD : undefined);
  noteNumpyVersions(ctx, result);
  const setup = `${blasSetup(result, oneThread ? '1' : 'default')}${lean ? ', lean' : ''}`;
  return fillTrain({ impl: 'NumPy', dtype, iters: ctx.iters, setup, isBaseline: !lean, wallSeconds: result.wallSeconds }, result);
}

export async function numpyGradcheck(ctx: RunContext, oneThread: boolean): Promise<GradcheckRun> {
  const part = `NumPy gradcheck float64 (${oneThread ? '1 BLAS thread' : 'default BLAS threads'})`;
  const result = await measured(part, ctx.python, numpyArgs(ctx, '--gradcheck'), ctx, oneThread ? ONE_BLAS_THREAD : undefined);
  noteNumpyVersions(ctx, result);
  const row: GradcheckRun = { impl: 'NumPy', setup: blasSetup(result, oneThread ? '1' : 'default'), wallSeconds: result.wallSeconds };
  if (!result.ok) return { ...row, error: result.error! };
  const seconds = num(result.json!['gradcheckSeconds']);
  const diffs = result.json!['gradcheck'] as Record<string, unknown> | undefined;
  const worst = diffs ? Math.max(...Object.values(diffs).map((d) => num(d) ?? Number.NaN)) : undefined;
  return { ...row, ...(seconds !== undefined ? { seconds } : {}), ...(worst !== undefined ? { worstMeanDiff: worst } : {}) };
}

export async function numpyGemm(ctx: RunContext): Promise<{ records: GemmRecord[]; notes: string[] }> {
  const result = await measured('NumPy GEMM GFLOP/s', ctx.python, numpyArgs(ctx, '--gemm'), ctx);
  if (!result.ok) return { records: [], notes: [`NumPy GEMM: ${result.error}`] };
  noteNumpyVersions(ctx, result);
  const records = [...numpyGemmRecords(result.json!['gemm'])];
  if (num(result.json!['blasThreads']) === 1) return { records, notes: [] }; // its default is one thread already
  if (result.json!['gemmOneThread']) {
    records.push(...numpyGemmRecords(result.json!['gemmOneThread']));
    return { records, notes: [] };
  }
  // The BLAS offered no thread control from inside the process: ask through the environment.
  const single = await measured('NumPy GEMM GFLOP/s, OPENBLAS_NUM_THREADS=1', ctx.python, numpyArgs(ctx, '--gemm'), ctx, ONE_BLAS_THREAD);
  if (single.ok && num(single.json!['blasThreads']) !== num(result.json!['blasThreads'])) records.push(...numpyGemmRecords(single.json!['gemm']));
  return { records, notes: [] };
}

// ---------------------------------------------------------------- TensorFlow.js

export async function tfjsTrain(ctx: RunContext): Promise<TrainRun> {
  const args = [join(ctx.root, 'dist', 'bench', 'tfjs_seed.js'), '--iters', String(ctx.iters), '--data-dir', ctx.dataDir];
  const result = await measured('TensorFlow.js (wasm) train float32', process.execPath, args, ctx);
  const json = result.json ?? {};
  if (typeof json['tfjs'] === 'string') ctx.versions.tfjs = json['tfjs'];
  const simd = json['simd'] === true ? 'SIMD' : 'no SIMD';
  const threads = json['multithread'] === true ? 'threaded' : '×1';
  ctx.versions.tfjsBackend = `wasm ${simd}, ${threads}`;
  return fillTrain({ impl: 'tfjs', dtype: 'float32', iters: ctx.iters, setup: `wasm ${threads}, ${simd}`, wallSeconds: result.wallSeconds }, result);
}

// ---------------------------------------------------------------- nabla GEMM

/** dist/bench/gemm.js when it exists and can be read, else the harness's own probe. */
export async function nablaGemm(ctx: RunContext): Promise<GemmResults> {
  const notes: string[] = [];
  const script = join(ctx.root, 'dist', 'bench', 'gemm.js');
  if (existsSync(script)) {
    const result = await measured('nabla GEMM GFLOP/s (dist/bench/gemm.js)', process.execPath, [script, ...(ctx.quick ? ['--samples', '3'] : [])], ctx);
    const records = result.code === 0 ? parseGemmTable(result.stdout) : [];
    if (records.length > 0) return { records, source: 'dist/bench/gemm.js', raw: result.stdout.trimEnd(), notes };
    notes.push(result.code === 0 ? 'dist/bench/gemm.js printed a table the harness could not read; measured by bench/gemm_probe.ts instead' : `dist/bench/gemm.js failed (${result.error}); measured by bench/gemm_probe.ts instead`);
  }
  const probe = join(ctx.root, 'dist', 'bench', 'gemm_probe.js');
  const result = await measured('nabla GEMM GFLOP/s (bench/gemm_probe.ts)', process.execPath, [probe, ...(ctx.quick ? ['--quick'] : [])], ctx);
  if (!result.ok) return { records: [], source: 'bench/gemm_probe.ts', notes: [...notes, `nabla GEMM: ${result.error}`] };
  const unavailable = (result.json!['unavailable'] ?? {}) as Record<string, string>;
  for (const [column, reason] of Object.entries(unavailable)) notes.push(`${column}: unavailable (${reason})`);
  return { records: result.json!['records'] as GemmRecord[], source: 'bench/gemm_probe.ts', notes };
}
