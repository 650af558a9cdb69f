// The first layer's products on MNIST kept as its nonzeros (gemmSparseBytes over a CSR
// compressed once), beside gemmBytes on the same rows as dense bytes, and the compression:
//   node dist/bench/gemm_sparse_bytes.js [--samples N] [--min-ms T]
// Batches are the 600 batches of 100 of one shuffled permutation of the 60000 training
// images, each call the next (so rows come from the whole dataset, mostly cold); gemmBytes
// reads each batch from a copy gathered beforehand (the copy itself not timed). The scoring
// block is the first 10000 images, consecutive. Best µs per call of several samples.

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Backend, DType } from '../src/backend/backend.js';
import { referenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { parseIdx } from '../src/data/idx.js';
import { defaultMnistDir } from '../src/data/mnist.js';
import { bestMsPerCall } from './lib/best_time.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const SAMPLES = option('--samples', 7);
const MIN_SAMPLE_MS = option('--min-ms', 30);
const ROW = 784;
const BATCH = 100;
const HIDDEN = 50;
const TRAIN = 60000;
const BLOCK = 10000;

/** Best ms per call over SAMPLES samples, each repeating it for at least MIN_SAMPLE_MS. */
const best = (call: () => void): number => bestMsPerCall(call, SAMPLES, MIN_SAMPLE_MS);

/** A typed array over the backend's byte storage (kept alive through `keep`). */
function owned<A>(backend: Backend, Ctor: new (b: ArrayBufferLike, o: number, n: number) => A, size: number, length: number, keep: Uint8Array[]): A {
  const bytes = backend.allocBytes(length * size);
  keep.push(bytes);
  return new Ctor(bytes.buffer, bytes.byteOffset, length);
}

const wasm1 = createWasmBackend({ threads: 1 });
const wasm2 = createWasmBackend({ threads: 2 });
const dir = defaultMnistDir();
const images = (name: string): Uint8Array => parseIdx(readFileSync(join(dir, name)), name, 3).data as Uint8Array;
const train = images('train-images-idx3-ubyte'), test = images('t10k-images-idx3-ubyte');
const all = wasm1.allocBytes(train.length + test.length);
all.set(train);
all.set(test, train.length);
const rowsAll = all.length / ROW;
const keep: Uint8Array[] = [];

// Compressing all 70000 images, as a loader would once (the two passes timed, not the allocation).
const offsets = owned(wasm1, Int32Array, 4, rowsAll + 1, keep);
const total = wasm1.nonzeroOffsets(rowsAll, ROW, all, 0, offsets);
const csr = { offsets, columns: owned(wasm1, Uint16Array, 2, total, keep), values: owned(wasm1, Uint8Array, 1, total, keep) };
const pad = (text: string, width: number): string => text.padStart(width);
const fixed = (value: number): string => value.toFixed(value < 10 ? 2 : 1);
{
  const timeOnce = (backend: Backend): number => {
    let fastest = Infinity;
    for (let s = 0; s < 3; s++) {
      const start = performance.now();
      backend.nonzeroOffsets(rowsAll, ROW, all, 0, csr.offsets);
      backend.compressBytes(rowsAll, ROW, all, 0, csr.offsets, csr.columns, csr.values);
      fastest = Math.min(fastest, performance.now() - start);
    }
    return fastest;
  };
  console.log(`compressing ${rowsAll} MNIST images (nonzeroOffsets + compressBytes), best ms of 3`);
  console.log(`${pad('reference', 11)}${pad('wasm', 9)}`);
  console.log(`${pad(fixed(timeOnce(referenceBackend)), 11)}${pad(fixed(timeOnce(wasm1)), 9)}`);
}
const nonzeros = csr.offsets[rowsAll]!;
console.log(`${nonzeros} nonzeros (${((100 * nonzeros) / all.length).toFixed(1)}%): CSR ${((rowsAll * 4 + nonzeros * 3) / 2 ** 20).toFixed(1)} MiB, bytes ${(all.length / 2 ** 20).toFixed(1)} MiB`);

const order = Int32Array.from({ length: TRAIN }, (_, i) => i);
let s = 3;
for (let i = order.length - 1; i > 0; i--) {
  s = (s * 1103515245 + 12345) >>> 0;
  const j = s % (i + 1);
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const batches = Array.from({ length: TRAIN / BATCH }, (_, b) => order.slice(b * BATCH, (b + 1) * BATCH));
// The batches as dense bytes, one after another, for gemmBytes.
const gathered = wasm1.allocBytes(TRAIN * ROW);
order.forEach((r, i) => gathered.set(all.subarray(r * ROW, (r + 1) * ROW), i * ROW));
const block = Int32Array.from({ length: BLOCK }, (_, i) => i);

interface Case {
  label: string;
  transA: boolean;
  count: number;
}
const CASES: readonly Case[] = [
  { label: `forward X·W NN, ${BATCH} shuffled rows`, transA: false, count: BATCH },
  { label: `dW = Xᵀ·dY TN, ${BATCH} shuffled rows`, transA: true, count: BATCH },
  { label: `evaluate NN, ${BLOCK} consecutive rows`, transA: false, count: BLOCK },
];

function measure(backend: Backend, { transA, count }: Case, dtype: DType, sparse: boolean): number {
  const m = transA ? ROW : count, k = transA ? count : ROW;
  const b = wasm1.alloc(dtype, k * HIDDEN);
  for (let i = 0; i < b.length; i++) b[i] = Math.sin(i) * 0.1;
  const c = wasm1.alloc(dtype, m * HIDDEN);
  let next = 0;
  const call = count === BLOCK
    ? sparse
      ? (): void => backend.gemmSparseBytes(transA, m, HIDDEN, k, block, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, HIDDEN, 0, c, 0, HIDDEN)
      : (): void => backend.gemmBytes(transA, m, HIDDEN, k, all, 0, ROW, 1 / 255, b, 0, HIDDEN, 0, c, 0, HIDDEN)
    : sparse
      ? (): void => {
          const rows = batches[next++ % batches.length]!;
          backend.gemmSparseBytes(transA, m, HIDDEN, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, HIDDEN, 0, c, 0, HIDDEN);
        }
      : (): void => {
          const at = (next++ % batches.length) * BATCH * ROW;
          backend.gemmBytes(transA, m, HIDDEN, k, gathered, at, transA ? m : k, 1 / 255, b, 0, HIDDEN, 0, c, 0, HIDDEN);
        };
  const ms = best(call);
  wasm1.free(b);
  wasm1.free(c);
  return ms * 1000;
}

console.log();
console.log(`µs per call (n = ${HIDDEN}), best of ${SAMPLES} samples of ≥ ${MIN_SAMPLE_MS} ms; gemmBytes → gemmSparseBytes`);
console.log(`${'product'.padEnd(40)}${pad('dtype', 8)}${pad('bytes×1', 10)}${pad('csr×1', 9)}${pad('bytes×2', 10)}${pad('csr×2', 9)}${pad('×1 gain', 9)}${pad('×2 gain', 9)}`);
for (const shape of CASES) {
  for (const dtype of ['float64', 'float32'] as const) {
    const [b1, c1, b2, c2] = [measure(wasm1, shape, dtype, false), measure(wasm1, shape, dtype, true), measure(wasm2, shape, dtype, false), measure(wasm2, shape, dtype, true)];
    console.log(
      `${shape.label.padEnd(40)}${pad(dtype, 8)}${pad(fixed(b1), 10)}${pad(fixed(c1), 9)}${pad(fixed(b2), 10)}${pad(fixed(c2), 9)}` +
      `${pad(fixed(b1 / c1), 9)}${pad(fixed(b2 / c2), 9)}`,
    );
  }
}
process.exit(0);
