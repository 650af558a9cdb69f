// Convolution kernels of the backends on DeepConvNet-sized shapes at batch 100:
//   node dist/bench/conv_kernels.js [--samples N] [--min-ms T] [--batch B]
// Prints the median milliseconds per call over the samples (each sample repeats the call
// for at least --min-ms), with arrays in wasm memory as a training run keeps them.
// --batch 1 … 8 shows where splitting by images starts to pay (CONV_THRESHOLD_BYTES).

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { performance } from 'node:perf_hooks';
import type { Backend, ConvGeometry, DType, FloatArray } from '../src/backend/backend.js';
import { convGeometry } from '../src/backend/conv_geometry.js';
import { referenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const SAMPLES = option('--samples', 9);
const MIN_SAMPLE_MS = option('--min-ms', 20);
const BATCH = option('--batch', 100);

const wasm1 = createWasmBackend({ threads: 1 });
const wasm2 = createWasmBackend({ threads: 2 });

function filled(dtype: DType, length: number, seed: number): FloatArray {
  const array = wasm1.alloc(dtype, length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    array[i] = s / 2 ** 32 - 0.5;
  }
  return array;
}

/** Median ms per call: each sample times ≥ MIN_SAMPLE_MS of back-to-back calls. */
function median(call: () => void): number {
  let start = performance.now();
  call(); // warm-up: JIT tiers, worker start-up
  const once = Math.max(performance.now() - start, 1e-3);
  const reps = Math.max(1, Math.ceil(MIN_SAMPLE_MS / once));
  const times: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    start = performance.now();
    for (let r = 0; r < reps; r++) call();
    times.push((performance.now() - start) / reps);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

interface Case {
  label: string;
  /** Builds the arrays once and returns the call for a backend. */
  setup(dtype: DType): (backend: Backend) => void;
}

const conv = (n: number, c: number, h: number, w: number, f: number, stride: number, pad: number): ConvGeometry =>
  convGeometry('bench', { n, c, h, w, fh: f, fw: f, stride, pad });
const colLength = (g: ConvGeometry): number => g.n * g.oh * g.ow * g.c * g.fh * g.fw;

function im2colCase(g: ConvGeometry): Case {
  return {
    label: `im2col [${g.n},${g.c},${g.h},${g.w}] ${g.fh}×${g.fw} pad ${g.pad}`,
    setup(dtype) {
      const x = filled(dtype, g.n * g.c * g.h * g.w, 1), col = wasm1.alloc(dtype, colLength(g));
      return (b) => b.im2col(g, x, col);
    },
  };
}
function col2imCase(g: ConvGeometry): Case {
  return {
    label: `col2im [${g.n},${g.c},${g.h},${g.w}] ${g.fh}×${g.fw} pad ${g.pad}`,
    setup(dtype) {
      const col = filled(dtype, colLength(g), 2), dx = wasm1.alloc(dtype, g.n * g.c * g.h * g.w);
      return (b) => b.col2im(g, col, dx);
    },
  };
}
function poolCases(g: ConvGeometry): Case[] {
  const shape = `[${g.n},${g.c},${g.h},${g.w}] ${g.fh}×${g.fw} stride ${g.stride}`;
  const pooled = g.n * g.c * g.oh * g.ow;
  return [
    {
      label: `maxPoolForward ${shape}`,
      setup(dtype) {
        const x = filled(dtype, g.n * g.c * g.h * g.w, 3), out = wasm1.alloc(dtype, pooled);
        const argmax = new Int32Array(pooled);
        return (b) => b.maxPoolForward(g, x, out, argmax);
      },
    },
    {
      label: `maxPoolBackward ${shape}`,
      setup(dtype) {
        const x = filled(dtype, g.n * g.c * g.h * g.w, 3), out = wasm1.alloc(dtype, pooled);
        const argmax = new Int32Array(pooled);
        referenceBackend.maxPoolForward(g, x, out, argmax);
        const dout = filled(dtype, pooled, 4), dx = wasm1.alloc(dtype, g.n * g.c * g.h * g.w);
        return (b) => b.maxPoolBackward(g, dout, argmax, dx);
      },
    },
  ];
}
function transposeCase(batch: number, rows: number, cols: number): Case {
  return {
    label: `transposeBatch(${batch}, ${rows}, ${cols})`,
    setup(dtype) {
      const x = filled(dtype, batch * rows * cols, 5), out = wasm1.alloc(dtype, batch * rows * cols);
      return (b) => b.transposeBatch(batch, rows, cols, x, out);
    },
  };
}

const first = conv(BATCH, 16, 28, 28, 3, 1, 1);
const second = conv(BATCH, 32, 16, 16, 3, 1, 1);
const CASES: Case[] = [
  im2colCase(first), col2imCase(first), im2colCase(second), col2imCase(second),
  ...poolCases(conv(BATCH, 16, 28, 28, 2, 2, 0)),
  transposeCase(BATCH, 784, 16), transposeCase(BATCH, 16, 784),
];

const fixed = (value: number): string => value.toFixed(value < 1 ? 3 : value < 10 ? 2 : 1);
const WIDTH = Math.max(...CASES.map((c) => c.label.length)) + 2;
console.log(`median ms per call over ${SAMPLES} samples of ≥ ${MIN_SAMPLE_MS} ms; arrays in wasm memory`);
console.log(`${'kernel'.padEnd(WIDTH)}${'dtype'.padStart(8)}${'reference'.padStart(11)}${'wasm×1'.padStart(9)}${'wasm×2'.padStart(9)}${'ref/×1'.padStart(8)}${'×1/×2'.padStart(7)}`);
for (const c of CASES) {
  for (const dtype of ['float64', 'float32'] as const) {
    const call = c.setup(dtype);
    const ref = median(() => call(referenceBackend));
    const one = median(() => call(wasm1));
    const two = median(() => call(wasm2));
    console.log(
      `${c.label.padEnd(WIDTH)}${dtype.padStart(8)}${fixed(ref).padStart(11)}${fixed(one).padStart(9)}${fixed(two).padStart(9)}` +
      `${fixed(ref / one).padStart(8)}${fixed(one / two).padStart(7)}`,
    );
  }
}
