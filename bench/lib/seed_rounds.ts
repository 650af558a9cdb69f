// `npm run bench -- --only-seed`: the seed's run as the user waits. Every contestant is a
// whole process, timed from spawn to exit (start-up and data loading included), in
// interleaved rounds, so that a change in the machine's load falls on all of them alike.
// The baseline is lean NumPy (bench/numpy_seed_lean.py); the book-style NumPy
// (bench/numpy_seed.py) is shown for information only.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runChild, type ChildResult } from './child.js';
import { begin, say } from './progress.js';
import type { RunContext } from './runners.js';

export type SeedImpl = 'nabla' | 'nabla, in turn' | 'lean NumPy' | 'NumPy (book)' | 'PyTorch' | 'TensorFlow.js';
export type SeedDType = 'float64' | 'float32';

export interface SeedRow {
  impl: SeedImpl;
  dtype: SeedDType;
  setup: string;
  /** Whole process, spawn to exit, one per round it ran in. */
  wallSeconds: number[];
  /** The program's own loop time (nabla: `seconds` of train --json), per round. */
  loopSeconds: number[];
  testAcc?: number;
  trainAcc?: number;
  /** nabla's phases (NABLA_TIMELINE=1) in each round, in the order of wallSeconds. */
  timelines?: Record<string, number>[];
  /** Why a run failed or the row was left out. */
  error?: string;
}

export interface SeedResults {
  rounds: number;
  infoRounds: number;
  iters: number;
  /** 'stress-ng --cpu 1' ran beside every measured process. */
  loaded: boolean;
  rows: SeedRow[];
  notes: string[];
}

export interface SeedOptions {
  rounds: number;
  /** Rounds (the first ones) in which the information-only and slow columns run. */
  infoRounds: number;
  load: boolean;
  numpy: boolean;
  torch: boolean;
  tfjs: boolean;
  /** Also nabla with its evaluations scored in turn on the training thread (NABLA_EVAL_THREAD=0). */
  inTurn?: boolean;
}

interface Contestant {
  row: SeedRow;
  everyRound: boolean;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Runs in a fresh empty folder, removed afterwards (nabla writes runs/train-1 there). */
  freshCwd?: boolean;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Why `stress-ng` cannot run here, or undefined when it can. */
export function stressNgMissing(): string | undefined {
  const probe = spawnSync('stress-ng', ['--version'], { stdio: 'ignore' });
  if (probe.error) return `stress-ng is not installed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}); install it with: apt-get install -y stress-ng`;
  if (probe.status !== 0) return `stress-ng --version exited with ${probe.status}`;
  return undefined;
}

function contestants(ctx: RunContext, options: SeedOptions): Contestant[] {
  const iters = ctx.iters === 10000 ? [] : ['--iters', String(ctx.iters)];
  const nabla = (dtype: SeedDType, inTurn = false): Contestant => ({
    row: {
      impl: inTurn ? 'nabla, in turn' : 'nabla', dtype, setup: inTurn ? 'NABLA_EVAL_THREAD=0, checkpoints on' : 'defaults, checkpoints on',
      wallSeconds: [], loopSeconds: [], timelines: [],
    },
    everyRound: true,
    command: process.execPath,
    args: [join(ctx.root, 'bin', 'nabla.js'), 'train', '--json', ...(dtype === 'float32' ? ['--dtype', 'float32'] : []), ...iters],
    env: { NABLA_TIMELINE: '1', ...(inTurn ? { NABLA_EVAL_THREAD: '0' } : {}) },
    freshCwd: true,
  });
  const python = (impl: SeedImpl, script: string, dtype: SeedDType, extra: string[], everyRound: boolean, setup: string): Contestant => ({
    row: { impl, dtype, setup, wallSeconds: [], loopSeconds: [] },
    everyRound,
    command: ctx.python,
    args: [join(ctx.root, 'bench', script), ctx.dataDir, '--dtype', dtype, '--iters', String(ctx.iters), ...extra],
  });
  const list: Contestant[] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    list.push(nabla(dtype));
    if (options.inTurn) list.push(nabla(dtype, true));
    if (options.numpy) list.push(python('lean NumPy', 'numpy_seed_lean.py', dtype, [], true, 'OpenBLAS, default threads'));
  }
  if (options.torch) {
    for (const dtype of ['float64', 'float32'] as const) list.push(python('PyTorch', 'torch_seed.py', dtype, [], true, 'all cores'));
  }
  if (options.numpy) {
    for (const dtype of ['float64', 'float32'] as const) list.push(python('NumPy (book)', 'numpy_seed.py', dtype, ['--train'], false, 'OpenBLAS, default threads; information only'));
  }
  if (options.tfjs) {
    list.push({
      row: { impl: 'TensorFlow.js', dtype: 'float32', setup: 'wasm, 1 thread', wallSeconds: [], loopSeconds: [] },
      everyRound: false,
      command: process.execPath,
      args: [join(ctx.root, 'dist', 'bench', 'tfjs_seed.js'), '--iters', String(ctx.iters), '--data-dir', ctx.dataDir],
    });
  }
  // Columns that run in no round are left out, not shown as failures.
  return options.infoRounds > 0 ? list : list.filter((c) => c.everyRound);
}

async function runOnce(ctx: RunContext, c: Contestant, round: number): Promise<void> {
  const { row } = c;
  const done = begin(`round ${round + 1}: ${row.impl} ${row.dtype}`);
  const cwd = c.freshCwd ? mkdtempSync(join(ctx.scratchDir, 'cwd-')) : ctx.root;
  let result: ChildResult;
  try {
    result = await runChild(c.command, c.args, { cwd, timeoutSeconds: ctx.timeoutSeconds, env: { ...process.env, ...c.env } });
  } finally {
    if (c.freshCwd) rmSync(cwd, { recursive: true, force: true });
  }
  if (!result.ok) {
    row.error = result.error;
    done(`failed: ${result.error}`);
    return;
  }
  const json = result.json!;
  row.wallSeconds.push(result.wallSeconds);
  const loop = num(json['seconds']);
  if (loop !== undefined) row.loopSeconds.push(loop);
  // The final weights' score where the program gives it (nabla's testAcc is; lean NumPy's is finalTestAcc).
  row.testAcc = num(json['finalTestAcc']) ?? num(json['testAcc']);
  row.trainAcc = num(json['trainAcc']);
  if (row.timelines && json['timeline'] && typeof json['timeline'] === 'object') row.timelines.push(json['timeline'] as Record<string, number>);
  if (row.impl === 'PyTorch' && num(json['threads'])) row.setup = `${json['threads']} threads (all cores)`;
  done(`process ${result.wallSeconds.toFixed(2)} s${loop !== undefined ? `, loop ${loop.toFixed(2)} s` : ''}`);
}

/** Starts `stress-ng --cpu 1` in its own process group; returns the function that stops it. */
function startLoad(): () => void {
  const child: ChildProcess = spawn('stress-ng', ['--cpu', '1', '--quiet'], { stdio: 'ignore', detached: true });
  say(`load: stress-ng --cpu 1 started (pid ${child.pid})`);
  return () => {
    // Its worker is a child of its own: the group goes together.
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    }
    say('load: stress-ng stopped');
  };
}

export async function seedRounds(ctx: RunContext, options: SeedOptions, notes: string[]): Promise<SeedResults> {
  const list = contestants(ctx, options);
  const stop = options.load ? startLoad() : undefined;
  try {
    if (stop) await new Promise((r) => setTimeout(r, 1000)); // let the stressor reach full speed
    for (let round = 0; round < options.rounds; round++) {
      for (const c of list) {
        if (c.everyRound || round < options.infoRounds) await runOnce(ctx, c, round);
      }
    }
  } finally {
    stop?.();
  }
  return { rounds: options.rounds, infoRounds: Math.min(options.infoRounds, options.rounds), iters: ctx.iters, loaded: options.load, rows: list.map((c) => c.row), notes };
}
