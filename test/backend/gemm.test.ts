// The GEMM contract, run against every backend: C = op(A)·op(B) + beta·C for every
// transpose combination, odd sizes, offsets and padded strides, both element types and
// both kinds of storage, checked against a float64 evaluation of the definition.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import {
  assertClose, assertUnchanged, BACKENDS, copyOf, DTYPES, makeArray, randomArray, rng, STORAGES, TOLERANCE,
  type Storage,
} from './helpers.js';

// (m, n, k): every size of {1, 3, 17, 31, 100, 785} in every position, plus the shapes of
// the two-layer net (forward, dW = Xᵀ·dY, dX = dY·Wᵀ), which exceed the threading threshold.
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 17, 3], [3, 1, 17], [17, 3, 1], [31, 17, 100], [100, 31, 17], [17, 100, 31],
  [785, 3, 17], [3, 785, 31], [17, 31, 785], [100, 50, 785], [785, 50, 100], [100, 785, 50],
];
const TRANSPOSES: readonly [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];
const GAP_SENTINEL = 12345.5; // fills C's padding between rows, which no call may touch

interface Layout {
  offset: [number, number, number]; // A, B, C
  pad: [number, number, number]; // ld − minimal ld
}
const TIGHT: Layout = { offset: [0, 0, 0], pad: [0, 0, 0] };
const PADDED: Layout = { offset: [5, 3, 7], pad: [3, 1, 2] };

interface Case {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  dtype: DType; storage: Storage; beta: 0 | 1; layout: Layout;
}

function runCase(backend: Backend, c: Case, seed: number): void {
  const { transA, transB, m, n, k, dtype, storage, beta, layout } = c;
  const random = rng(seed);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const lda = aCols + layout.pad[0], ldb = bCols + layout.pad[1], ldc = n + layout.pad[2];
  const [aOff, bOff, cOff] = layout.offset;
  const a = randomArray(backend, storage, dtype, aOff + (aRows - 1) * lda + aCols + 2, random);
  const b = randomArray(backend, storage, dtype, bOff + (bRows - 1) * ldb + bCols + 2, random);
  const cLength = cOff + (m - 1) * ldc + n + 2;
  const cArray: FloatArray = makeArray(backend, storage, dtype, cLength);
  cArray.fill(GAP_SENTINEL);
  const c0 = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      // beta = 0 must ignore C's old contents, so poison them; beta = 1 accumulates onto data.
      const v = beta === 0 ? NaN : (random() - 0.5) * 4;
      cArray[cOff + i * ldc + j] = v;
      c0[i * n + j] = cArray[cOff + i * ldc + j]!;
    }
  }
  const aBefore = copyOf(a), bBefore = copyOf(b);

  const expected = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = beta === 1 ? c0[i * n + j]! : 0;
      let abs = Math.abs(sum);
      for (let p = 0; p < k; p++) {
        const x = a[aOff + (transA ? p * lda + i : i * lda + p)]! * b[bOff + (transB ? j * ldb + p : p * ldb + j)]!;
        sum += x;
        abs += Math.abs(x);
      }
      expected[i * n + j] = sum;
      scale[i * n + j] = Math.max(abs, Number.MIN_VALUE);
    }
  }

  backend.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, cArray, cOff, ldc);

  const what = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}×${n}×${k} ${dtype} ${storage} beta=${beta} ${layout === TIGHT ? 'tight' : 'padded'}`;
  const actual = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) actual[i * n + j] = cArray[cOff + i * ldc + j]!;
  assertClose(actual, expected, TOLERANCE[dtype], what, scale);
  for (let idx = 0; idx < cLength; idx++) {
    const rel = idx - cOff;
    const inside = rel >= 0 && Math.floor(rel / ldc) < m && rel % ldc < n;
    if (!inside && cArray[idx] !== GAP_SENTINEL) assert.fail(`${what}: C element ${idx} outside the matrix was written`);
  }
  assertUnchanged(aBefore, a, `${what} A`);
  assertUnchanged(bBefore, b, `${what} B`);
}

for (const { label, make } of BACKENDS) {
  describe(`gemm contract: ${label}`, () => {
    const backend = make();
    for (const [transA, transB] of TRANSPOSES) {
      it(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}: every shape, dtype, storage, beta and layout`, () => {
        let seed = 1;
        for (const [m, n, k] of SHAPES) {
          for (const dtype of DTYPES) {
            for (const beta of [0, 1] as const) {
              for (const layout of [TIGHT, PADDED]) {
                // Alternate storage kinds instead of doubling the run time.
                const storage = STORAGES[seed % 2]!;
                runCase(backend, { transA, transB, m, n, k, dtype, storage, beta, layout }, seed++);
              }
            }
          }
        }
      });
    }

    it('k = 0 gives C = 0 (beta 0) or leaves C (beta 1)', () => {
      for (const dtype of DTYPES) {
        const a = backend.alloc(dtype, 4), b = backend.alloc(dtype, 4);
        const c = makeArray(backend, 'foreign', dtype, 6).fill(NaN);
        backend.gemm(false, false, 2, 3, 0, a, 0, 1, b, 0, 3, 0, c, 0, 3);
        assert.deepEqual(Array.from(c), [0, 0, 0, 0, 0, 0]);
        c.fill(2);
        backend.gemm(true, true, 2, 3, 0, a, 0, 2, b, 0, 1, 1, c, 0, 3);
        assert.deepEqual(Array.from(c), [2, 2, 2, 2, 2, 2]);
      }
    });

    it('mixes foreign and backend storage in one call', () => {
      const random = rng(99);
      for (const dtype of DTYPES) {
        const [m, n, k] = [33, 19, 47];
        const a = randomArray(backend, 'alloc', dtype, m * k, random);
        const b = randomArray(backend, 'foreign', dtype, k * n, random);
        const c1 = makeArray(backend, 'foreign', dtype, m * n).fill(NaN);
        const c2 = makeArray(backend, 'alloc', dtype, m * n).fill(NaN);
        backend.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 0, c1, 0, n);
        const bAlloc = makeArray(backend, 'alloc', dtype, b.length);
        bAlloc.set(b);
        backend.gemm(false, false, m, n, k, copyOf(a), 0, k, bAlloc, 0, n, 0, c2, 0, n);
        assertClose(c2, c1, 0, `${dtype} foreign vs alloc`);
      }
    });
  });
}
