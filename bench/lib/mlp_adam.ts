// The `optimizers` experiment's Adam run (4×100 ReLU MultiLayerNet, batch 128, Adam lr
// 0.001, 2000 iterations) in nabla float64 and float32 and in lean NumPy, interleaved
// round by round so that a change in the machine's load touches every column alike.

import { join } from 'node:path';
import { runChild } from './child.js';
import { currentLoad } from './machine.js';
import { begin } from './progress.js';
import type { RunContext } from './runners.js';
import { renderTable } from './table.js';

export interface MlpAdamRow {
  impl: 'nabla' | 'NumPy';
  dtype: 'float64' | 'float32';
  setup: string;
  /** The loop's own seconds, one per round. */
  seconds: number[];
  /** The whole process, spawn to exit, one per round. */
  wallSeconds: number[];
  finalLoss?: number;
  error?: string;
}

export interface MlpAdamResults {
  iters: number;
  rounds: number;
  rows: MlpAdamRow[];
  loads: number[];
}

const ONE_BLAS_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export async function mlpAdam(ctx: RunContext, iters: number, rounds: number): Promise<MlpAdamResults> {
  const variants: { row: MlpAdamRow; command: string; args: string[]; env?: Record<string, string> }[] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    variants.push({ row: { impl: 'nabla', dtype, setup: 'default backend', seconds: [], wallSeconds: [] }, command: process.execPath, args: [join(ctx.root, 'dist', 'bench', 'mlp_adam.js'), '--dtype', dtype, '--iters', String(iters)] });
  }
  if (ctx.python) {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const oneThread of [false, true]) {
        variants.push({
          row: { impl: 'NumPy', dtype, setup: oneThread ? 'OpenBLAS ×1' : 'OpenBLAS default threads', seconds: [], wallSeconds: [] },
          command: ctx.python, args: [join(ctx.root, 'bench', 'numpy_mlp_adam.py'), ctx.dataDir, '--dtype', dtype, '--iters', String(iters)],
          ...(oneThread ? { env: ONE_BLAS_THREAD } : {}),
        });
      }
    }
  }
  const loads: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    loads.push(currentLoad());
    for (const { row, command, args, env } of variants) {
      if (row.error) continue;
      const done = begin(`MLP Adam ${row.impl} ${row.dtype} (${row.setup}), round ${round}/${rounds}`);
      const result = await runChild(command, args, { cwd: ctx.root, timeoutSeconds: ctx.timeoutSeconds, env: { ...process.env, ...env } });
      const seconds = result.json?.['seconds'];
      if (!result.ok || typeof seconds !== 'number') {
        row.error = result.error ?? 'no seconds in its output';
        done(`unavailable: ${row.error}`);
        continue;
      }
      row.seconds.push(seconds);
      row.wallSeconds.push(result.wallSeconds);
      if (typeof result.json!['finalLoss'] === 'number') row.finalLoss = result.json!['finalLoss'] as number;
      if (row.impl === 'nabla' && typeof result.json!['backend'] === 'string') row.setup = result.json!['backend'] as string;
      done(`${seconds.toFixed(2)} s, process ${result.wallSeconds.toFixed(2)} s`);
    }
  }
  loads.push(currentLoad());
  return { iters, rounds, rows: variants.map((v) => v.row), loads };
}

const min = (xs: readonly number[]): number => Math.min(...xs);
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The table: each row's loop and process times (min / median), and nabla ÷ the fastest NumPy of its dtype. */
export function renderMlpAdam(results: MlpAdamResults, markdown: boolean): string {
  const fastestNumpy = (dtype: string): number | undefined => {
    const mins = results.rows.filter((r) => r.impl === 'NumPy' && r.dtype === dtype && r.seconds.length > 0).map((r) => min(r.seconds));
    return mins.length > 0 ? Math.min(...mins) : undefined;
  };
  const rows = results.rows.map((r) => {
    if (r.seconds.length === 0) return [r.impl, r.dtype, r.setup, '—', '—', '—', r.error ?? 'not run'];
    const base = fastestNumpy(r.dtype);
    const ratio = base === undefined ? '—' : `${(min(r.seconds) / base).toFixed(2)}×`;
    return [
      r.impl, r.dtype, r.setup, `${min(r.seconds).toFixed(2)} / ${median(r.seconds).toFixed(2)}`,
      `${min(r.wallSeconds).toFixed(2)} / ${median(r.wallSeconds).toFixed(2)}`, ratio, r.finalLoss === undefined ? '—' : r.finalLoss.toFixed(4),
    ];
  });
  const title = `MLP Adam (4×100 ReLU, batch 128, Adam lr 0.001, ${results.iters} iterations), ${results.rounds} interleaved round(s); load ${results.loads.map((l) => l.toFixed(2)).join(' → ')}`;
  const table = renderTable({ headers: ['impl', 'dtype', 'setup', 'loop s (min / median)', 'process s (min / median)', '÷ fastest NumPy', 'final loss'], rows }, markdown);
  return `${markdown ? `### ${title}` : title}\n\n${table}\n`;
}
