// The harness's own GEMM measurement, used when dist/bench/gemm.js is missing or prints
// something it cannot read: GFLOP/s of Backend.gemm on the training shapes for the
// reference backend and, where it starts, the wasm backend with 1 and 2 threads.
//   node dist/bench/gemm_probe.js [--quick]
// Prints one JSON line: { records: GemmRecord[], unavailable: { [column]: reason } }.

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { parseArgs } from 'node:util';
import type { Backend, DType, FloatArray } from '../src/backend/backend.js';
import { createBackend } from '../src/backend/index.js';
import { shapeKey, type GemmRecord } from './lib/gemm_records.js';

interface Shape {
  op: 'NN' | 'TN';
  m: number;
  k: number;
  n: number;
}

const SHAPES: readonly Shape[] = [
  { op: 'NN', m: 100, k: 784, n: 50 },
  { op: 'TN', m: 784, k: 100, n: 50 },
  { op: 'NN', m: 60000, k: 784, n: 50 },
];

function filled(backend: Backend, dtype: DType, length: number, seed: number): FloatArray {
  const array = backend.alloc(dtype, length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    array[i] = state / 2 ** 32 - 0.5;
  }
  return array;
}

/** Best of `rounds` rounds of ≥ minSeconds each: on a shared machine noise only slows a round. */
function gflops(backend: Backend, shape: Shape, dtype: DType, rounds: number, minSeconds: number): number {
  const { op, m, k, n } = shape;
  const transA = op === 'TN';
  const a = filled(backend, dtype, m * k, 1);
  const b = filled(backend, dtype, k * n, 2);
  const c = backend.alloc(dtype, m * n);
  const call = (): void => backend.gemm(transA, false, m, n, k, a, 0, transA ? m : k, b, 0, n, 0, c, 0, n);
  const flops = 2 * m * k * n;
  let started = performance.now();
  call(); // warm-up: JIT tiers, worker start-up
  const once = (performance.now() - started) / 1000;
  let best = flops / once;
  // A call that alone takes seconds (the reference on the large shape) is measured once more, not looped.
  for (let round = 0; round < (once > 1 ? 1 : rounds); round++) {
    let calls = 0;
    started = performance.now();
    let elapsed = 0;
    do {
      call();
      calls++;
      elapsed = (performance.now() - started) / 1000;
    } while (elapsed < minSeconds);
    best = Math.max(best, (flops * calls) / elapsed);
  }
  backend.free(a);
  backend.free(b);
  backend.free(c);
  return best / 1e9;
}

function main(): void {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, strict: true });
  const rounds = values.quick ? 2 : 5;
  const minSeconds = values.quick ? 0.05 : 0.15;
  const backends: [string, () => Backend][] = [
    ['nabla reference', () => createBackend('reference')],
    ['nabla wasm×1', () => createBackend('wasm', { threads: 1 })],
    ['nabla wasm×2', () => createBackend('wasm', { threads: 2 })],
  ];
  const records: GemmRecord[] = [];
  const unavailable: Record<string, string> = {};
  for (const [column, make] of backends) {
    let backend: Backend;
    try {
      backend = make();
    } catch (error) {
      unavailable[column] = error instanceof Error ? error.message : String(error);
      continue;
    }
    for (const shape of SHAPES) {
      for (const dtype of ['float64', 'float32'] as const) {
        const value = gflops(backend, shape, dtype, rounds, minSeconds);
        records.push({ shape: shapeKey(shape.m, shape.k, shape.n), op: shape.op, dtype, column, gflops: Math.round(value * 100) / 100 });
        process.stderr.write(`gemm_probe: ${column} ${shape.op} ${shapeKey(shape.m, shape.k, shape.n)} ${dtype}: ${value.toFixed(2)} GFLOP/s\n`);
      }
    }
  }
  process.stdout.write(`${JSON.stringify({ records, unavailable })}\n`);
  // Explicitly, so that no lingering worker thread can keep the harness waiting.
  process.exit(0);
}

main();
