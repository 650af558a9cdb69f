// GEMM throughput of the backends on the shapes a two-layer MNIST net runs, then the time
// to gather a training batch from the pixels kept as bytes (gatherBytes):
//   node dist/bench/gemm.js [--samples N] [--min-ms T]
// Prints GFLOP/s (2·m·n·k per call) or µs per call as the best of several timed samples,
// since the machine is shared and noise only ever makes a run slower.

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { performance } from 'node:perf_hooks';
import type { Backend, DType, FloatArray } from '../src/backend/backend.js';
import { referenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { bestMsPerCall } from './lib/best_time.js';

interface Shape {
  label: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** A holds real MNIST pixels (784 per row, ~81% exactly 0) instead of dense random values. */
  mnistA?: boolean;
}

const SHAPES: readonly Shape[] = [
  { label: 'forward X·W      NN', transA: false, transB: false, m: 100, n: 50, k: 784 },
  { label: 'dW = Xᵀ·dY       TN', transA: true, transB: false, m: 784, n: 50, k: 100 },
  { label: 'dX = dY·Wᵀ       NT', transA: false, transB: true, m: 100, n: 784, k: 50 },
  { label: 'evaluate 60000   NN', transA: false, transB: false, m: 60000, n: 50, k: 784 },
  // The same products with the MNIST input as A, as training runs them: the wasm backend
  // skips A's zeros there (the reference does too).
  { label: 'forward X·W      NN', transA: false, transB: false, m: 100, n: 50, k: 784, mnistA: true },
  { label: 'dW = Xᵀ·dY       TN', transA: true, transB: false, m: 784, n: 50, k: 100, mnistA: true },
  { label: 'evaluate 10000   NN', transA: false, transB: false, m: 10000, n: 50, k: 784, mnistA: true },
];
const MNIST_ROW = 784;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const SAMPLES = option('--samples', 7);
const MIN_SAMPLE_MS = option('--min-ms', 30);

function filled(backend: Backend, dtype: DType, length: number, seed: number): FloatArray {
  const array = backend.alloc(dtype, length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    array[i] = s / 2 ** 32 - 0.5;
  }
  return array;
}

let mnistPixels: Float64Array | undefined;
/** The first `length` training pixels (0..1), whole images of 784 in a row. */
function mnist(backend: Backend, dtype: DType, length: number): FloatArray {
  mnistPixels ??= loadMnist({ dtype: 'float64' }).xTrain.data as Float64Array;
  const array = backend.alloc(dtype, length);
  array.set(mnistPixels.subarray(0, length));
  return array;
}

/** Best GFLOP/s over SAMPLES samples, each repeating the call for at least MIN_SAMPLE_MS. */
function measure(backend: Backend, storage: Backend, shape: Shape, dtype: DType): number {
  const { transA, transB, m, n, k } = shape;
  // Stored A is rows of 784 in both MNIST shapes: X (NN) or X as Xᵀ's storage (TN).
  if (shape.mnistA && (transA ? m : k) !== MNIST_ROW) throw new Error(`${shape.label}: A's rows must be MNIST images`);
  const a = shape.mnistA ? mnist(storage, dtype, m * k) : filled(storage, dtype, m * k, 1);
  const b = filled(storage, dtype, k * n, 2);
  const c = storage.alloc(dtype, m * n);
  const lda = transA ? m : k, ldb = transB ? k : n;
  const call = (): void => backend.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, 0, c, 0, n);
  try {
    // Warm up (JIT tiers, worker start-up) and find a repeat count filling a sample.
    let start = performance.now();
    call();
    let once = performance.now() - start;
    if (once > 1000) return (2 * m * n * k) / (once * 1e6); // the reference on a big shape: once is plenty
    start = performance.now();
    call();
    once = Math.min(once, performance.now() - start);
    const reps = Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(once, 1e-3)));
    let best = once;
    for (let s = 0; s < SAMPLES; s++) {
      start = performance.now();
      for (let r = 0; r < reps; r++) call();
      best = Math.min(best, (performance.now() - start) / reps);
    }
    return (2 * m * n * k) / (best * 1e6);
  } finally {
    // Freed on every path: the wasm memory's tracked budget would otherwise run out, and
    // later operands (the bytes gatherBytes reads) would be heap arrays, off the wasm path.
    storage.free(a);
    storage.free(b);
    storage.free(c);
  }
}

const wasm1 = createWasmBackend({ threads: 1 });
const wasm2 = createWasmBackend({ threads: 2 });
const pad = (text: string, width: number): string => text.padStart(width);
const shapeText = (shape: Shape): string =>
  `${shape.label} ${shape.m}×${shape.n}×${shape.k}${shape.mnistA ? ', sparse A (MNIST input)' : ''}`;
const SHAPE_WIDTH = Math.max(...SHAPES.map((shape) => shapeText(shape).length)) + 2;
const fixed = (value: number): string => value.toFixed(value < 10 ? 2 : 1);

console.log(`GEMM GFLOP/s, best of ${SAMPLES} samples of ≥ ${MIN_SAMPLE_MS} ms; operands in wasm memory`);
console.log(
  `${'shape (m×n×k)'.padEnd(SHAPE_WIDTH)}${pad('dtype', 8)}${pad('reference', 11)}${pad('wasm×1', 9)}${pad('wasm×2', 9)}` +
  `${pad('×1/ref', 9)}${pad('×2/×1', 8)}`,
);
for (const shape of SHAPES) {
  for (const dtype of ['float64', 'float32'] as const) {
    const ref = measure(referenceBackend, wasm1, shape, dtype);
    const one = measure(wasm1, wasm1, shape, dtype);
    const two = measure(wasm2, wasm1, shape, dtype);
    console.log(
      `${shapeText(shape).padEnd(SHAPE_WIDTH)}${pad(dtype, 8)}${pad(fixed(ref), 11)}${pad(fixed(one), 9)}` +
      `${pad(fixed(two), 9)}${pad(fixed(one / ref), 9)}${pad(fixed(two / one), 8)}`,
    );
  }
}

// A training step's batch: BATCH rows of the 60000 training images, in a shuffled order
// (each call the next BATCH of one permutation), so the rows come from all 47 MB of them.
const BATCH = 100;
const TRAIN_IMAGES = 60000;

/** Best µs per gatherBytes call over SAMPLES samples of at least MIN_SAMPLE_MS. */
function measureGather(backend: Backend, bytes: Uint8Array, batches: readonly Int32Array[], dtype: DType): number {
  const out = backend.alloc(dtype, BATCH * MNIST_ROW);
  let next = 0;
  const call = (): void => backend.gatherBytes(batches[next++ % batches.length]!, MNIST_ROW, bytes, 1 / 255, out);
  const best = bestMsPerCall(call, SAMPLES, MIN_SAMPLE_MS);
  backend.free(out);
  return best * 1000;
}

{
  mnistPixels ??= loadMnist({ dtype: 'float64' }).xTrain.data as Float64Array;
  const bytes = wasm1.allocBytes(TRAIN_IMAGES * MNIST_ROW);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(mnistPixels[i]! * 255); // the file's bytes: each pixel is byte / 255
  const order = Int32Array.from({ length: TRAIN_IMAGES }, (_, i) => i);
  let s = 3;
  for (let i = order.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const batches = Array.from({ length: TRAIN_IMAGES / BATCH }, (_, b) => order.subarray(b * BATCH, (b + 1) * BATCH));
  console.log();
  console.log(`gatherBytes µs per call (${BATCH} shuffled rows of ${MNIST_ROW} bytes of the ${TRAIN_IMAGES} training images), best of ${SAMPLES}`);
  console.log(`${'dtype'.padEnd(10)}${pad('reference', 11)}${pad('wasm', 9)}${pad('ref/wasm', 10)}`);
  for (const dtype of ['float64', 'float32'] as const) {
    const ref = measureGather(referenceBackend, bytes, batches, dtype);
    const wasm = measureGather(wasm1, bytes, batches, dtype);
    console.log(`${dtype.padEnd(10)}${pad(fixed(ref), 11)}${pad(fixed(wasm), 9)}${pad(fixed(ref / wasm), 10)}`);
  }
}
