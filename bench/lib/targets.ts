// The project's performance targets, checked against one benchmark's results.
//
// NumPy's baseline is its fastest seed-faithful run of the same dtype, whatever the BLAS
// thread count: on a small shared machine OpenBLAS's threads can slow small GEMMs down,
// and a target met only against NumPy's worse configuration would not be met.

import type { GemmRecord } from './gemm_records.js';
import type { DType, GradcheckRun, Results, TrainRun } from './results.js';

export type Status = 'met' | 'not met' | 'n/a';

export interface TargetCheck {
  target: string;
  measured: string;
  status: Status;
}

const fastest = <T extends { seconds?: number; error?: string }>(runs: readonly T[]): T | undefined =>
  runs.filter((r) => r.seconds !== undefined && !r.error).sort((a, b) => a.seconds! - b.seconds!)[0];

export function nablaDefault(training: readonly TrainRun[], dtype: DType): TrainRun | undefined {
  return training.find((r) => r.impl === 'nabla' && r.isDefault && r.dtype === dtype && r.seconds !== undefined);
}

export function numpyBaseline(training: readonly TrainRun[], dtype: DType): TrainRun | undefined {
  return fastest(training.filter((r) => r.impl === 'NumPy' && r.isBaseline && r.dtype === dtype));
}

export function tfjsRun(training: readonly TrainRun[]): TrainRun | undefined {
  return fastest(training.filter((r) => r.impl === 'tfjs'));
}

export function gradcheckBaseline(runs: readonly GradcheckRun[]): GradcheckRun | undefined {
  return fastest(runs.filter((r) => r.impl === 'NumPy'));
}

const ratio = (x: number): string => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)}×`;

function ratioCheck(target: string, mine: { seconds?: number } | undefined, theirs: { seconds?: number } | undefined, limit: number, missing: string): TargetCheck {
  if (mine?.seconds === undefined || theirs?.seconds === undefined) return { target, measured: missing, status: 'n/a' };
  const r = mine.seconds / theirs.seconds;
  return { target, measured: `${ratio(r)} (${mine.seconds.toFixed(2)} s vs ${theirs.seconds.toFixed(2)} s)`, status: r <= limit ? 'met' : 'not met' };
}

export function checkTargets(results: Results): TargetCheck[] {
  const { training, gradcheck, gemm } = results;
  const f64 = nablaDefault(training, 'float64');
  const f32 = nablaDefault(training, 'float32');
  const tfjs = tfjsRun(training);
  const checks: TargetCheck[] = [
    ratioCheck('float64 training ≤ 0.5× NumPy', f64, numpyBaseline(training, 'float64'), 0.5, 'needs nabla and NumPy float64 runs'),
    ratioCheck('float32 training ≤ 0.25× NumPy', f32, numpyBaseline(training, 'float32'), 0.25, 'needs nabla and NumPy float32 runs'),
  ];
  if (f32?.seconds !== undefined && tfjs?.seconds !== undefined) {
    const speedup = tfjs.seconds / f32.seconds;
    checks.push({
      target: '≥ 10× faster than tfjs-wasm (float32)',
      measured: `${speedup.toFixed(2)}× faster (${f32.seconds.toFixed(2)} s vs ${tfjs.seconds.toFixed(2)} s)`,
      status: speedup >= 10 ? 'met' : 'not met',
    });
  } else {
    checks.push({ target: '≥ 10× faster than tfjs-wasm (float32)', measured: 'needs nabla float32 and tfjs runs', status: 'n/a' });
  }
  const nablaCheck = gradcheck.find((r) => r.impl === 'nabla' && r.isDefault && r.seconds !== undefined);
  checks.push(ratioCheck('gradient check ≤ 0.1× NumPy', nablaCheck, gradcheckBaseline(gradcheck), 0.1, 'needs nabla and NumPy gradient checks'));
  checks.push(gemmCheck(gemm.records));
  return checks;
}

function gemmCheck(records: readonly GemmRecord[]): TargetCheck {
  const target = 'float32 GEMM 100×784×50 ≥ 30 GFLOP/s on one core';
  const one = records.find((r) => r.column === 'nabla wasm×1' && r.dtype === 'float32' && r.shape === '100×784×50' && r.op === 'NN');
  if (!one) return { target, measured: 'no wasm×1 measurement', status: 'n/a' };
  return { target, measured: `${one.gflops.toFixed(1)} GFLOP/s (wasm×1)`, status: one.gflops >= 30 ? 'met' : 'not met' };
}
