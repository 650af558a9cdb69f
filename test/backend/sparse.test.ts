// GEMM with a mostly-zero op(A), as the MNIST input makes it (~81% of pixels are 0): every
// backend against the reference, both layouts of A (NN, and TN as in dW = Xᵀ·dY), odd sizes,
// offsets and padded strides, beta 0 over a NaN-poisoned C and beta 1. The wasm backend
// must take its zero-skipping path on these and its dense path on dense A, give the same
// bits on 1 and 2 threads, and (a property of its sparse kernel, which sums in the
// reference's order) the reference's own bits in float64.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import { referenceBackend as ref } from '../../src/backend/reference/index.js';
import {
  createWasmBackend, SPARSE_MIN_COLUMNS, SPARSE_SAMPLE_ROWS, SPARSE_ZERO_FRACTION, sparseSample, THREADING_THRESHOLD, type WasmBackend,
} from '../../src/backend/wasm/index.js';
import { getRuntime } from '../../src/backend/wasm/runtime.js';
import { assertClose, BACKENDS, DTYPES, fillRandom, makeArray, rng, STORAGES, TOLERANCE, type Storage } from './helpers.js';

type Pattern = 'scattered' | 'runs' | 'dense';

/**
 * Fills a stored rows×cols matrix (row stride ld) from offset. 'scattered': each entry 0
 * with probability 0.8; 'runs': each row zero but for one or two runs (a digit's strokes
 * across a row of pixels) covering ~20% of it; 'dense': no zeros. Nonzeros are ±[0.1, 1.1).
 */
function fillPattern(array: FloatArray, offset: number, rows: number, cols: number, ld: number, pattern: Pattern, random: () => number): void {
  const value = (): number => (random() < 0.5 ? -1 : 1) * (0.1 + random());
  for (let r = 0; r < rows; r++) {
    const row = offset + r * ld;
    for (let j = 0; j < cols; j++) array[row + j] = pattern === 'dense' || (pattern === 'scattered' && random() >= 0.8) ? value() : 0;
    if (pattern !== 'runs') continue;
    for (let run = 0; run < 2; run++) {
      const length = Math.ceil(cols * 0.1 * random() * 2);
      const start = Math.floor(random() * Math.max(cols - length, 1));
      for (let j = start; j < Math.min(start + length, cols); j++) array[row + j] = value();
    }
  }
}

interface Case {
  transA: boolean; m: number; n: number; k: number; dtype: DType; storage: Storage;
  beta: 0 | 1; padded: boolean; pattern: Pattern;
}
const GAP = 12345.5; // C's padding, which no call may touch

interface Operands { a: FloatArray; b: FloatArray; c: FloatArray; aOff: number; bOff: number; cOff: number; lda: number; ldb: number; ldc: number }

function makeOperands(backend: Backend, cs: Case, random: () => number): Operands {
  const { transA, m, n, k, dtype, storage, beta, padded } = cs;
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [aOff, bOff, cOff] = padded ? [5, 3, 7] : [0, 0, 0];
  const lda = aCols + (padded ? 3 : 0), ldb = n + (padded ? 1 : 0), ldc = n + (padded ? 2 : 0);
  const a = makeArray(backend, storage, dtype, aOff + (aRows - 1) * lda + aCols + 2).fill(GAP);
  fillPattern(a, aOff, aRows, aCols, lda, cs.pattern, random);
  const b = fillRandom(makeArray(backend, storage, dtype, bOff + (k - 1) * ldb + n + 2), random);
  const c = makeArray(backend, storage, dtype, cOff + (m - 1) * ldc + n + 2).fill(GAP);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) c[cOff + i * ldc + j] = beta === 0 ? NaN : (random() - 0.5) * 4;
  }
  return { a, b, c, aOff, bOff, cOff, lda, ldb, ldc };
}

const call = (backend: Backend, cs: Case, o: Operands, c: FloatArray): void =>
  backend.gemm(cs.transA, false, cs.m, cs.n, cs.k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, cs.beta, c, o.cOff, o.ldc);

/** C's m×n entries, row after row, and Σ|terms| per entry: the rounding scale of its sum. */
function entries(cs: Case, o: Operands, c: FloatArray): { values: Float64Array; scale: Float64Array } {
  const values = new Float64Array(cs.m * cs.n), scale = new Float64Array(cs.m * cs.n);
  for (let i = 0; i < cs.m; i++) {
    for (let j = 0; j < cs.n; j++) {
      values[i * cs.n + j] = c[o.cOff + i * o.ldc + j]!;
      let abs = cs.beta === 1 ? Math.abs(o.c[o.cOff + i * o.ldc + j]!) : 0;
      for (let p = 0; p < cs.k; p++) {
        abs += Math.abs(o.a[o.aOff + (cs.transA ? p * o.lda + i : i * o.lda + p)]! * o.b[o.bOff + p * o.ldb + j]!);
      }
      scale[i * cs.n + j] = Math.max(abs, Number.MIN_VALUE);
    }
  }
  return { values, scale };
}

const label = (cs: Case): string =>
  `${cs.transA ? 'TN' : 'NN'} ${cs.m}×${cs.n}×${cs.k} ${cs.dtype} ${cs.storage} beta=${cs.beta} ${cs.padded ? 'padded' : 'tight'} ${cs.pattern}`;

/** Runs one case on backend and on the reference; returns both results for further checks. */
function checkCase(backend: Backend, cs: Case, seed: number): { got: FloatArray; want: FloatArray } {
  const o = makeOperands(backend, cs, rng(seed));
  const aBefore = o.a.slice(), bBefore = o.b.slice();
  const got = o.c.slice(), want = o.c.slice();
  call(backend, cs, o, got);
  call(ref, cs, o, want);
  const what = label(cs);
  const expected = entries(cs, o, want);
  assertClose(entries(cs, o, got).values, expected.values, TOLERANCE[cs.dtype], what, expected.scale);
  for (let idx = 0; idx < got.length; idx++) {
    const rel = idx - o.cOff;
    const inside = rel >= 0 && Math.floor(rel / o.ldc) < cs.m && rel % o.ldc < cs.n;
    if (!inside && got[idx] !== GAP) assert.fail(`${what}: C element ${idx} outside the matrix was written`);
  }
  assert.deepEqual(o.a, aBefore, `${what}: A changed`);
  assert.deepEqual(o.b, bBefore, `${what}: B changed`);
  return { got, want };
}

// (m, n, k): the sizes {1, 3, 17, 31, 100, 785} in every position, the net's shapes, and
// depths beyond one gathering pass of the wasm kernel (1024 per row of a TN group, 8192 NN).
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 17, 3], [3, 31, 17], [17, 100, 1], [31, 17, 100], [100, 785, 3], [785, 17, 31],
  [17, 31, 785], [3, 3, 785], [100, 50, 784], [784, 50, 100], [17, 19, 2500], [3, 17, 9000],
];

for (const { label: backendLabel, make } of BACKENDS) {
  describe(`gemm with a sparse op(A): ${backendLabel}`, () => {
    const backend = make();
    for (const transA of [false, true]) {
      it(`${transA ? 'TN' : 'NN'}: every shape, dtype, beta and layout, scattered zeros and runs`, () => {
        let seed = 1;
        for (const [m, n, k] of SHAPES) {
          for (const dtype of DTYPES) {
            for (const beta of [0, 1] as const) {
              for (const padded of [false, true]) {
                const pattern: Pattern = seed % 2 === 0 ? 'scattered' : 'runs';
                const storage = STORAGES[(seed >> 1) % 2]!;
                checkCase(backend, { transA, m, n, k, dtype, storage, beta, padded, pattern }, seed++);
              }
            }
          }
        }
      });
    }

    it('lets a NaN in op(A) reach its row of C, zeros or not', () => {
      for (const dtype of DTYPES) {
        for (const transA of [false, true]) {
          const [m, n, k] = [5, 20, 40];
          const a = makeArray(backend, 'alloc', dtype, m * k); // all zeros but one NaN, at (2, 7)
          a[transA ? 7 * m + 2 : 2 * k + 7] = NaN;
          const b = fillRandom(makeArray(backend, 'alloc', dtype, k * n), rng(4));
          const c = makeArray(backend, 'foreign', dtype, m * n).fill(NaN);
          backend.gemm(transA, false, m, n, k, a, 0, transA ? m : k, b, 0, n, 0, c, 0, n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const v = c[i * n + j]!;
              assert.ok(i === 2 ? Number.isNaN(v) : v === 0, `${dtype} ${transA ? 'TN' : 'NN'}: C(${i}, ${j}) is ${v}`);
            }
          }
        }
      }
    });
  });
}

describe('gemm with a sparse op(A): the reference defines zero skipping', () => {
  it('keeps a NaN or ∞ in B that faces only zeros of A out of C', () => {
    const a = Float64Array.of(0, 2, 0, 3); // 2×2, column 0 zero
    const b = Float64Array.of(NaN, Infinity, 1, 1); // row 0 faces column 0 of A
    const c = new Float64Array(4).fill(NaN);
    ref.gemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, 0, c, 0, 2);
    assert.deepEqual(Array.from(c), [2, 2, 3, 3]);
  });
});

describe('wasm backend: the zero-skipping path', () => {
  const one = createWasmBackend({ threads: 1 });
  const two = createWasmBackend({ threads: 2 });

  /** Which path one call of `backend` took. */
  const pathOf = (backend: WasmBackend, run: () => void): 'dense' | 'sparse' => {
    const { dense, sparse } = backend.gemmPaths;
    run();
    const took = backend.gemmPaths.sparse - sparse === 1 ? 'sparse' : 'dense';
    assert.equal(backend.gemmPaths.dense + backend.gemmPaths.sparse - dense - sparse, 1, 'one GEMM counted');
    return took;
  };

  it('takes the sparse path for sparse A and the dense path otherwise', () => {
    for (const dtype of DTYPES) {
      for (const transA of [false, true]) {
        const base: Case = { transA, m: 31, n: 50, k: 100, dtype, storage: 'alloc', beta: 0, padded: true, pattern: 'runs' };
        for (const [cs, expected] of [
          [base, 'sparse'],
          [{ ...base, pattern: 'scattered' }, 'sparse'],
          [{ ...base, pattern: 'dense' }, 'dense'],
          [{ ...base, n: SPARSE_MIN_COLUMNS - 1 }, 'dense'], // too narrow to repay the gathering
        ] as const) {
          for (const backend of [one, two]) {
            assert.equal(pathOf(backend, () => checkCase(backend, cs, 3)), expected, `${label(cs)} on ${backend.threads}`);
          }
        }
        // Just below and at the threshold: the share of zeros in the sampled rows alone
        // decides. The other rows are made to say the opposite (all zeros when the sample
        // says dense, none when it says sparse), so a count over all of A would fail here.
        const { m, k } = base;
        const rows = transA ? k : m, cols = transA ? m : k;
        const sample = sparseSample(rows);
        assert.ok(sample.count <= SPARSE_SAMPLE_ROWS && sample.count < rows, 'the sample leaves rows out');
        const zerosAt = Math.ceil(SPARSE_ZERO_FRACTION[dtype] * sample.count * cols);
        for (const [zeros, expected] of [[zerosAt - 1, 'dense'], [zerosAt, 'sparse']] as const) {
          const a = fillRandom(one.alloc(dtype, m * k), rng(5));
          for (let r = 0; r < rows; r++) {
            if (r % sample.stride !== 0 && expected === 'dense') a.fill(0, r * cols, (r + 1) * cols);
          }
          for (let s = 0, left = zeros; s < sample.count && left > 0; s++, left -= cols) {
            const row = s * sample.stride * cols;
            a.fill(0, row, row + Math.min(cols, left));
          }
          const b = fillRandom(one.alloc(dtype, k * 50), rng(6));
          const c = one.alloc(dtype, m * 50);
          const took = pathOf(one, () => one.gemm(transA, false, m, 50, k, a, 0, transA ? m : k, b, 0, 50, 0, c, 0, 50));
          assert.equal(took, expected, `${dtype} ${transA ? 'TN' : 'NN'} with ${zeros} zeros`);
        }
      }
    }
  });

  it('gives the same bits on 1 and 2 threads, and the reference bits, in float64', () => {
    let seed = 40;
    for (const [m, n, k] of [[100, 50, 784], [784, 50, 100], [301, 37, 700], [1000, 50, 784]] as const) {
      assert.ok(m * n * k >= THREADING_THRESHOLD);
      for (const transA of [false, true]) {
        for (const beta of [0, 1] as const) {
          const cs: Case = { transA, m, n, k, dtype: 'float64', storage: 'alloc', beta, padded: false, pattern: seed % 2 ? 'runs' : 'scattered' };
          const o = makeOperands(one, cs, rng(seed++));
          const c1 = o.c.slice(), c2 = o.c.slice(), cRef = o.c.slice();
          assert.equal(pathOf(one, () => call(one, cs, o, c1)), 'sparse');
          assert.equal(pathOf(two, () => call(two, cs, o, c2)), 'sparse');
          call(ref, cs, o, cRef);
          for (let i = 0; i < c1.length; i++) {
            if (!Object.is(c1[i], c2[i])) assert.fail(`${label(cs)}: element ${i} differs between 1 and 2 threads`);
            if (!Object.is(c1[i], cRef[i])) assert.fail(`${label(cs)}: element ${i} is ${c1[i]}, the reference's ${cRef[i]}`);
          }
        }
      }
    }
  });
});

describe('wasm sparse kernel: every width of C, bit for bit', () => {
  // The kernel itself, so that any width runs: the backend sends n < SPARSE_MIN_COLUMNS to
  // the dense kernel, but a thread's band of columns may be any width. Each row of C is
  // swept in passes of a few vectors, the last one possibly partial (1–3 lanes of f32, 1
  // of f64): n = 1…13 and 16, 17, 24…26, 33, 49…51 give every pass layout the kernel has.
  const WIDTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 24, 25, 26, 33, 49, 50, 51];
  // Values whose products a mishandled lane or skip would show: NaN, ±∞ and −0 in B; −0 in
  // A (a zero, so skipped: multiplying would turn a −0 sum into +0, or ∞ into NaN).
  const SPECIAL_B = [NaN, Infinity, -Infinity, -0];

  /** C[i, j] over the nonzeros of op(A) in ascending p, in dtype's arithmetic (f32 through fround: exact for one + or ·). */
  function expected(dtype: DType, transA: boolean, k: number, a: FloatArray, lda: number, b: FloatArray, ldb: number, start: number, i: number, j: number): number {
    const round = dtype === 'float32' ? Math.fround : (x: number): number => x;
    let sum = start;
    for (let p = 0; p < k; p++) {
      const v = a[transA ? p * lda + i : i * lda + p]!;
      if (v !== 0) sum = round(sum + round(v * b[p * ldb + j]!));
    }
    return sum;
  }

  /** One kernel call on rows i0..i1 and columns j0..j0+n of stored m×? C; checks every element of C. */
  function check(dtype: DType, transA: boolean, m: number, n: number, k: number, beta: 0 | 1, seed: number, scratch: number): void {
    const rt = getRuntime();
    const kernels = dtype === 'float64' ? rt.f64 : rt.f32;
    const random = rng(seed);
    const [i0, i1, j0] = [1, m - 1, 2];
    const ldc = j0 + n + 3, ldb = j0 + n + 1;
    const [aRows, aCols] = transA ? [k, m] : [m, k];
    const lda = aCols + 1;
    const a = rt.alloc(dtype, aRows * lda), b = rt.alloc(dtype, k * ldb), c = rt.alloc(dtype, m * ldc);
    try {
      for (let r = 0; r < aRows; r++) {
        for (let q = 0; q < aCols; q++) {
          const x = random();
          a[r * lda + q] = x < 0.65 ? 0 : x < 0.7 ? -0 : (random() - 0.5) * 3;
        }
      }
      // A NaN in one row of op(A) only, so it hides no other row's sums.
      a[transA ? (k >> 1) * lda + i0 + 1 : (i0 + 1) * lda + (k >> 1)] = NaN;
      for (let idx = 0; idx < b.length; idx++) {
        b[idx] = random() < 0.04 ? SPECIAL_B[Math.floor(random() * SPECIAL_B.length)]! : (random() - 0.5) * 3;
      }
      for (let idx = 0; idx < c.length; idx++) c[idx] = GAP + idx;
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j0 + n; j++) c[i * ldc + j] = beta === 0 ? NaN : (random() - 0.5) * 4;
      }
      const before = c.slice();
      kernels.gemmSparse(+transA, k, a.byteOffset, lda, b.byteOffset, ldb, beta, c.byteOffset, ldc, i0, i1, j0, j0 + n, scratch);
      const what = `${transA ? 'TN' : 'NN'} ${dtype} m=${m} n=${n} k=${k} beta=${beta}`;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < ldc; j++) {
          const inside = i >= i0 && i < i1 && j >= j0 && j < j0 + n;
          const want = inside ? expected(dtype, transA, k, a, lda, b, ldb, beta === 0 ? 0 : before[i * ldc + j]!, i, j) : before[i * ldc + j]!;
          const got = c[i * ldc + j]!;
          if (!Object.is(got, want)) assert.fail(`${what}: C(${i}, ${j}) is ${got}, expected ${want}${inside ? '' : ' (outside the block: untouched)'}`);
        }
      }
    } finally {
      rt.free(a);
      rt.free(b);
      rt.free(c);
    }
  }

  it('sums each element over the nonzeros of op(A) in ascending p, whatever n, in both dtypes', () => {
    const rt = getRuntime();
    const scratch = rt.allocateBlock(rt.scratchBytes);
    try {
      let seed = 100;
      for (const dtype of DTYPES) {
        for (const transA of [false, true]) {
          for (const beta of [0, 1] as const) {
            // m = 12: rows 1..11, a whole group of 8 and a partial one of 2 when transA; k = 45 is not a multiple of 8.
            for (const n of WIDTHS) check(dtype, transA, 12, n, 45, beta, seed++, scratch.ptr);
          }
          // Deeper than one gathering pass (8192 entries per row NN, 1024 per row TN): later passes resume from C.
          for (const n of [3, 5, 50]) check(dtype, transA, transA ? 10 : 3, n, transA ? 1100 : 8200, 1, seed++, scratch.ptr);
        }
      }
    } finally {
      rt.releaseBlock(scratch);
    }
  });
});
