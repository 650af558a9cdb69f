// The shape of everything the harness measures, shared by the runners, the target checks
// and the report (and written as-is by --save).

import type { GemmRecord } from './gemm_records.js';
import type { Machine } from './machine.js';
import type { ConvResults } from './conv_runs.js';
import type { MlpAdamResults } from './mlp_adam.js';
import type { SeedResults } from './seed_rounds.js';

export type Impl = 'nabla' | 'NumPy' | 'tfjs';
export type DType = 'float64' | 'float32';

/** A measured run, or why it could not be measured. */
export interface Measured {
  impl: Impl;
  /** How it ran: backend and threads, e.g. 'wasm×2' or 'OpenBLAS ×1'. */
  setup: string;
  /** Seconds the program itself timed (the loop, not start-up or data loading). */
  seconds?: number;
  /** Seconds from process start to exit. */
  wallSeconds?: number;
  error?: string;
}

export interface TrainRun extends Measured {
  dtype: DType;
  iters: number;
  trainAcc?: number;
  testAcc?: number;
  /** nabla on its default backend: the row the targets are about. */
  isDefault?: boolean;
  /** Seed-faithful NumPy: a baseline for the ratios (the lean variant is not). */
  isBaseline?: boolean;
  note?: string;
}

export interface GradcheckRun extends Measured {
  /** nabla's gradcheck as the CLI runs it by default: the row the target is about. */
  isDefault?: boolean;
  /** The largest of the per-parameter mean |backprop − numerical| differences. */
  worstMeanDiff?: number;
}

export interface GemmResults {
  records: GemmRecord[];
  /** Where the nabla figures came from. */
  source: string;
  /** dist/bench/gemm.js's own output, verbatim, when it ran. */
  raw?: string;
  notes: string[];
}

export interface Versions {
  numpy?: string;
  blas?: string;
  tfjs?: string;
  tfjsBackend?: string;
}

export interface Results {
  quick: boolean;
  iters: number;
  machine: Machine;
  versions: Versions;
  training: TrainRun[];
  gradcheck: GradcheckRun[];
  gemm: GemmResults;
  /** The optimizers experiment's Adam run, nabla against lean NumPy. */
  mlpAdam?: MlpAdamResults;
  /** SimpleConvNet training, DeepConvNet scoring and memory (--only-conv / --skip-conv). */
  conv?: ConvResults;
  /** The seed's run as the user waits (--only-seed). */
  seed?: SeedResults;
  /** Columns left out, each with its reason. */
  skipped: string[];
  loadAtEnd: number;
  totalSeconds: number;
}
