// gemmBytes on every backend: a product whose A is bytes read as byte · scale. It must be
// exactly what converting A (as bytesToFloats does) and calling gemm gives: the same bits
// in float64 against the reference, and the same bits as the backend's own gemm on the
// converted floats wherever that takes its zero-skipping path (training relies on this:
// a run fed bytes must end with the weights a run fed floats did).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import type { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { BACKENDS, DTYPES, makeArray, rng, TOLERANCE } from './helpers.js';

interface Case {
  transA: boolean;
  m: number;
  n: number;
  k: number;
}

const CASES: readonly Case[] = [
  { transA: false, m: 1, n: 1, k: 1 },
  { transA: false, m: 3, n: 5, k: 17 },
  { transA: false, m: 13, n: 50, k: 784 }, // MNIST rows into a 50-unit layer
  { transA: false, m: 100, n: 50, k: 784 }, // a training batch: split across threads
  { transA: false, m: 2, n: 19, k: 9000 }, // more nonzeros than one pass gathers
  { transA: true, m: 784, n: 50, k: 100 }, // dW = xᵀ·dout of a batch
  { transA: true, m: 13, n: 33, k: 7 }, // a partial group of eight rows
  { transA: true, m: 17, n: 17, k: 2100 }, // more rows of A than one pass gathers
  { transA: false, m: 9, n: 3, k: 40 },
  { transA: true, m: 5, n: 1, k: 3 },
];

/** Bytes with runs of zeros (three quarters, as MNIST's borders and strokes make) and both ends of the range. */
function pixels(backend: Backend, storage: 'backend' | 'heap', length: number, random: () => number): Uint8Array {
  const a = storage === 'backend' ? backend.allocBytes(length) : new Uint8Array(length);
  let zeroRun = 0;
  for (let i = 0; i < length; i++) {
    if (zeroRun > 0) {
      zeroRun--;
      continue;
    }
    const r = random();
    if (r < 0.06) zeroRun = Math.floor(random() * 40);
    else if (r < 0.6) a[i] = 0;
    else a[i] = r < 0.65 ? 255 : 1 + Math.floor(random() * 255);
  }
  return a;
}

function floats(dtype: DType, length: number, random: () => number, backend?: Backend): FloatArray {
  const out = backend ? backend.alloc(dtype, length) : dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = random() * 2 - 1;
  return out;
}

/** A's stored elements as floats, as bytesToFloats stores them. */
function converted(dtype: DType, a: Uint8Array, scale: number): FloatArray {
  const out = dtype === 'float32' ? new Float32Array(a.length) : new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * scale;
  return out;
}

function assertSameBits(actual: FloatArray, expected: FloatArray, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

function assertClose(actual: FloatArray, expected: FloatArray, tolerance: number, what: string): void {
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!, x = actual[i]!;
    if (!(Math.abs(x - e) <= tolerance * Math.max(1, Math.abs(e)))) assert.fail(`${what}: element ${i} is ${x}, expected ${e}`);
  }
}

for (const { label, make } of BACKENDS) {
  describe(`gemmBytes: ${label}`, () => {
    const backend = make();

    it('equals converting A and calling gemm: the same bits where gemm skips zeros, float64 against the reference', () => {
      const random = rng(11);
      for (const dtype of DTYPES) {
        for (const storage of ['backend', 'heap'] as const) {
          for (const { transA, m, n, k } of CASES) {
            for (const beta of [0, 1] as const) {
              const what = `${dtype} ${storage} transA=${transA} ${m}×${n}×${k} beta=${beta}`;
              const scale = 1 / 255;
              const lda = (transA ? m : k) + (m % 3); // a stride wider than the rows, sometimes
              const rows = transA ? k : m;
              const a = pixels(backend, storage, rows * lda, random);
              const b = floats(dtype, k * n, random, backend);
              const c0 = floats(dtype, m * n, random);
              const c = makeArray(backend, 'alloc', dtype, m * n);
              c.set(c0);
              backend.gemmBytes(transA, m, n, k, a, 0, lda, scale, b, 0, n, beta, c, 0, n);

              const viaFloats = c0.slice();
              backend.gemm(transA, false, m, n, k, converted(dtype, a, scale), 0, lda, b, 0, n, beta, viaFloats, 0, n);
              const wasm = backend.name === 'wasm' ? (backend as WasmBackend) : undefined;
              assertSameBits(c, viaFloats, `${what}, against gemm on the converted floats`);

              // The zero-skipping kernels sum in the reference's order (from 16 columns the
              // wasm gemm skips zeros); float32 sums round differently in the reference.
              const reference = c0.slice();
              referenceBackend.gemmBytes(transA, m, n, k, a, 0, lda, scale, b, 0, n, beta, reference, 0, n);
              if (dtype === 'float64' && (wasm === undefined || n >= 16)) assertSameBits(c, reference, `${what}, against the reference`);
              else assertClose(c, reference, TOLERANCE[dtype], `${what}, against the reference`);
            }
          }
        }
      }
    });

    it('offsets: reads A, B and C from where they start', () => {
      const random = rng(12);
      for (const dtype of DTYPES) {
        const [m, n, k] = [6, 20, 30];
        const a = pixels(backend, 'backend', 5 + m * k, random);
        const b = floats(dtype, 3 + k * n, random, backend);
        const c = floats(dtype, 7 + m * n, random, backend);
        const expected = c.slice();
        backend.gemmBytes(false, m, n, k, a, 5, k, 0.5, b, 3, n, 0, c, 7, n);
        referenceBackend.gemm(false, false, m, n, k, converted(dtype, a, 0.5), 5, k, b, 3, n, 0, expected, 7, n);
        assertClose(c, expected, TOLERANCE[dtype], `${dtype} offsets`);
        for (let i = 0; i < 7; i++) assert.ok(Object.is(c[i], expected[i]), 'C before its offset is untouched');
      }
    });

    it('skips the zeros of A: a NaN in B facing only zero pixels never reaches C', () => {
      for (const dtype of DTYPES) {
        for (const transA of [false, true]) {
          const [m, n, k] = [4, 24, 40];
          // Mostly zeros, as images are, so every backend takes its zero-skipping path.
          const a = backend.allocBytes(m * k);
          for (let i = 0; i < a.length; i++) a[i] = (i * 7) % 5 === 0 ? 1 + (i % 200) : 0;
          // Pixel p = 9 is zero in every row of op(A); its row of B is NaN.
          for (let i = 0; i < m; i++) a[transA ? 9 * m + i : i * k + 9] = 0;
          const b = floats(dtype, k * n, rng(3), backend);
          for (let j = 0; j < n; j++) b[9 * n + j] = Number.NaN;
          const c = backend.alloc(dtype, m * n);
          backend.gemmBytes(transA, m, n, k, a, 0, transA ? m : k, 1 / 255, b, 0, n, 0, c, 0, n);
          assert.ok(c.every((x) => Number.isFinite(x)), `${dtype} transA=${transA}: a NaN facing zeros reached C`);
          // Where a pixel is nonzero the NaN does reach C.
          a[transA ? 9 * m + 2 : 2 * k + 9] = 3;
          backend.gemmBytes(transA, m, n, k, a, 0, transA ? m : k, 1 / 255, b, 0, n, 0, c, 0, n);
          for (let i = 0; i < m; i++) assert.equal(Number.isNaN(c[i * n]!), i === 2, `${dtype} transA=${transA} row ${i}`);
        }
      }
    });

    it('refuses a bad scale, stride, range or mix of types with one clear error', () => {
      const a = backend.allocBytes(12);
      const b = new Float64Array(8), c = new Float64Array(6);
      assert.throws(() => backend.gemmBytes(false, 3, 2, 4, a, 0, 4, Infinity, b, 0, 2, 0, c, 0, 2), /gemmBytes: scale must be finite, got Infinity/);
      assert.throws(() => backend.gemmBytes(false, 3, 2, 4, a, 0, 3, 1, b, 0, 2, 0, c, 0, 2), /gemmBytes: lda 3 is less than the 4 columns of A/);
      assert.throws(() => backend.gemmBytes(false, 3, 2, 4, a, 1, 4, 1, b, 0, 2, 0, c, 0, 2), /gemmBytes: A needs elements 1\.\.12, but has 12/);
      assert.throws(() => backend.gemmBytes(false, 3, 2, 4, a, 0, 4, 1, b, 0, 2, 0, new Float64Array(5), 0, 2), /gemmBytes: C needs elements 0\.\.5, but has 5/);
      assert.throws(() => backend.gemmBytes(false, 3, 2, 4, a, 0, 4, 1, b, 0, 2, 0, new Float32Array(6), 0, 2), /gemmBytes: B and C must be of one float type/);
      assert.throws(() => backend.gemmBytes(false, 3, 2, -1, a, 0, 4, 1, b, 0, 2, 0, c, 0, 2), /gemmBytes: k must be an integer ≥ 0, got -1/);
    });

    if (label.includes('2 threads')) {
      it('splits a training batch across the threads with the bits of one thread', () => {
        const wasm = backend as WasmBackend;
        const one = BACKENDS.find((entry) => entry.label.includes('1 thread'))!.make();
        const random = rng(13);
        for (const dtype of DTYPES) {
          for (const transA of [false, true]) {
            const [m, n, k] = transA ? [784, 50, 100] : [100, 50, 784];
            const a = pixels(backend, 'backend', m * k, random);
            const b = floats(dtype, k * n, random, backend);
            const c2 = backend.alloc(dtype, m * n), c1 = backend.alloc(dtype, m * n);
            const before = wasm.gemmPaths.bytes;
            backend.gemmBytes(transA, m, n, k, a, 0, transA ? m : k, 1 / 255, b, 0, n, 0, c2, 0, n);
            assert.equal(wasm.gemmPaths.bytes, before + 1);
            one.gemmBytes(transA, m, n, k, a, 0, transA ? m : k, 1 / 255, b, 0, n, 0, c1, 0, n);
            assertSameBits(c2, c1, `${dtype} transA=${transA}`);
          }
        }
      });
    }
  });
}
