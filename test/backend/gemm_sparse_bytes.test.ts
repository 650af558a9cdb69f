// gemmSparseBytes, nonzeroOffsets and compressBytes on every backend: a byte matrix compressed
// once into CSR, and products over rows of it taken by index. The product must be gemmBytes'
// bits on the dense bytes of the taken rows (gathered): always in float64, and in float32
// wherever the backend's gemmBytes takes its zero-skipping path; and the same bits however
// the pool splits it. Every refusal is one clear line.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import type { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { BACKENDS, DTYPES, makeArray, rng, TOLERANCE, type Storage } from './helpers.js';

/** Where the CSR lives: in the backend's memory (the kernels' path) or on the heap. */
type Where = 'backend' | 'heap';
const WHERE: readonly Where[] = ['backend', 'heap'];

interface Csr {
  offsets: Int32Array;
  columns: Uint16Array;
  values: Uint8Array;
  /** The byte arrays the views above are made over: they keep the backend's storage alive. */
  keep: Uint8Array[];
}

/** A typed array of `length` elements over the backend's byte storage, or on the heap. */
function storage<A extends Int32Array | Uint16Array | Uint8Array>(
  backend: Backend, where: Where, Ctor: { new (b: ArrayBufferLike, o: number, n: number): A; new (n: number): A; BYTES_PER_ELEMENT: number },
  length: number, keep: Uint8Array[],
): A {
  if (where === 'heap') return new Ctor(length);
  const bytes = backend.allocBytes(length * Ctor.BYTES_PER_ELEMENT);
  keep.push(bytes);
  return new Ctor(bytes.buffer, bytes.byteOffset, length);
}

/** rows×cols bytes, a `density` share nonzero, in runs of zeros as images have, both ends of the range. */
function pixels(backend: Backend, where: Where, length: number, density: number, random: () => number): Uint8Array {
  const a = where === 'backend' ? backend.allocBytes(length) : new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    if (random() >= density) continue;
    const r = random();
    a[i] = r < 0.1 ? 255 : r < 0.15 ? 1 : 1 + Math.floor(random() * 255);
  }
  return a;
}

/** The CSR of a rows×cols block by a plain loop: what nonzeroOffsets and compressBytes must write. */
function plainCsr(rows: number, cols: number, src: Uint8Array, srcOffset: number): { offsets: number[]; columns: number[]; values: number[] } {
  const offsets = [0], columns: number[] = [], values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const byte = src[srcOffset + r * cols + j]!;
      if (byte !== 0) {
        columns.push(j);
        values.push(byte);
      }
    }
    offsets.push(columns.length);
  }
  return { offsets, columns, values };
}

/** The backend's own CSR of a rows×cols block of src (its two passes), in `where`. */
function compress(backend: Backend, where: Where, rows: number, cols: number, src: Uint8Array): Csr {
  const keep: Uint8Array[] = [];
  const offsets = storage(backend, where, Int32Array, rows + 1, keep);
  const total = backend.nonzeroOffsets(rows, cols, src, 0, offsets);
  const columns = storage(backend, where, Uint16Array, total, keep);
  const values = storage(backend, where, Uint8Array, total, keep);
  backend.compressBytes(rows, cols, src, 0, offsets, columns, values);
  return { offsets, columns, values, keep };
}

/** The taken rows' bytes, gathered densely (the gemmBytes operand the product must match). */
function gathered(backend: Backend, rows: Int32Array, cols: number, src: Uint8Array): Uint8Array {
  const dense = backend.allocBytes(rows.length * cols);
  rows.forEach((r, i) => dense.set(src.subarray(r * cols, (r + 1) * cols), i * cols));
  return dense;
}

function floats(backend: Backend, storageKind: Storage, dtype: DType, length: number, random: () => number): FloatArray {
  const out = makeArray(backend, storageKind, dtype, length);
  for (let i = 0; i < length; i++) out[i] = random() * 2 - 1;
  return out;
}

/** Row indices into `stored` rows: shuffled, some repeated, `count` of them. */
function taken(count: number, stored: number, random: () => number): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i < stored && random() < 0.7 ? i : Math.floor(random() * stored);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

function assertSameBits(actual: FloatArray, expected: FloatArray, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

function assertClose(actual: FloatArray, expected: FloatArray, tolerance: number, what: string): void {
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!, x = actual[i]!;
    if (Object.is(e, x)) continue;
    if (!(Math.abs(x - e) <= tolerance * Math.max(1, Math.abs(e)))) assert.fail(`${what}: element ${i} is ${x}, expected ${e}`);
  }
}

/** Fails unless `fn` throws one line of the given class whose text matches. */
function assertRefuses(fn: () => unknown, name: 'RangeError' | 'TypeError', message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error, 'an Error');
    assert.equal(error.name, name, `${error.message}: a ${name}`);
    assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return true;
  });
}

interface Shape {
  what: string;
  stored: number;
  width: number;
  taken: number;
  density: number;
}

const SHAPES: readonly Shape[] = [
  { what: 'MNIST-like', stored: 60, width: 784, taken: 30, density: 0.19 },
  { what: 'odd width', stored: 23, width: 37, taken: 41, density: 0.2 },
  { what: 'narrow', stored: 9, width: 5, taken: 7, density: 0.2 },
];

for (const { label, make } of BACKENDS) {
  describe(`sparse bytes (CSR): ${label}`, () => {
    const backend = make();
    const wasm = backend.name === 'wasm' ? (backend as WasmBackend) : undefined;

    it('nonzeroOffsets and compressBytes write the CSR a plain loop does', () => {
      const random = rng(21);
      const shapes = [[0, 5], [4, 0], [1, 1], [7, 16], [13, 33], [50, 784], [3, 65536]] as const;
      for (const where of WHERE) {
        for (const [rows, cols] of shapes) {
          for (const density of [0, 0.2, 1]) {
            const what = `${where} ${rows}×${cols} density ${density}`;
            const srcOffset = 3;
            const src = pixels(backend, where, srcOffset + rows * cols, density, random);
            const expected = plainCsr(rows, cols, src, srcOffset);
            const keep: Uint8Array[] = [];
            const offsets = storage(backend, where, Int32Array, rows + 1, keep).fill(-7);
            const total = backend.nonzeroOffsets(rows, cols, src, srcOffset, offsets);
            assert.equal(total, expected.columns.length, `${what}: total`);
            assert.deepEqual(Array.from(offsets), expected.offsets, `${what}: offsets`);
            const columns = storage(backend, where, Uint16Array, total + 2, keep).fill(0xffff);
            const values = storage(backend, where, Uint8Array, total + 2, keep).fill(0);
            backend.compressBytes(rows, cols, src, srcOffset, offsets, columns, values);
            assert.deepEqual(Array.from(columns), [...expected.columns, 0xffff, 0xffff], `${what}: columns`);
            assert.deepEqual(Array.from(values), [...expected.values, 0, 0], `${what}: values`);
          }
        }
      }
    });

    it("gemmSparseBytes NN and TN is gemmBytes' bits on the taken rows' dense bytes", () => {
      const random = rng(22);
      for (const shape of SHAPES) {
        for (const where of WHERE) {
          const src = pixels(backend, 'backend', shape.stored * shape.width, shape.density, random);
          // An empty stored row, taken too.
          src.fill(0, 2 * shape.width, 3 * shape.width);
          const csr = compress(backend, where, shape.stored, shape.width, src);
          const rows = taken(shape.taken, shape.stored, random);
          rows[1] = 2;
          const dense = gathered(backend, rows, shape.width, src);
          for (const dtype of DTYPES) {
            for (const transA of [false, true]) {
              for (const n of [1, 3, 50, 67]) {
                for (const beta of [0, 1] as const) {
                  const bc: Storage = (n + beta) % 2 === 0 ? 'alloc' : 'foreign';
                  const what = `${shape.what} ${where} ${dtype} transA=${transA} n=${n} beta=${beta} B, C ${bc}`;
                  const m = transA ? shape.width : shape.taken, k = transA ? shape.taken : shape.width;
                  const ldb = n + 2, ldc = n + 3, bOffset = 5, cOffset = 7;
                  const b = floats(backend, bc, dtype, bOffset + (k - 1) * ldb + n + 1, random);
                  // Poisoned where beta = 0 must write; the gaps and both ends must stay as they are.
                  const c = floats(backend, bc, dtype, cOffset + (m - 1) * ldc + n + 2, random);
                  if (beta === 0) for (let i = 0; i < m; i++) c.fill(Number.NaN, cOffset + i * ldc, cOffset + i * ldc + n);
                  const own = c.slice(), reference = c.slice();
                  const bytesBefore = wasm?.gemmPaths.bytes ?? 0;
                  backend.gemmBytes(transA, m, n, k, dense, 0, transA ? m : k, 1 / 255, b, bOffset, ldb, beta, own, cOffset, ldc);
                  const ownSkipsZeros = wasm === undefined || wasm.gemmPaths.bytes > bytesBefore;
                  if (wasm && n >= 16) assert.ok(ownSkipsZeros, `${what}: gemmBytes took its zero-skipping path`);
                  referenceBackend.gemmBytes(transA, m, n, k, dense, 0, transA ? m : k, 1 / 255, b, bOffset, ldb, beta, reference, cOffset, ldc);

                  backend.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, bOffset, ldb, beta, c, cOffset, ldc);
                  for (let i = 0; i < m * n; i++) {
                    if (Number.isNaN(c[cOffset + Math.floor(i / n) * ldc + (i % n)])) assert.fail(`${what}: element ${i} of C left unwritten`);
                  }
                  if (dtype === 'float64') assertSameBits(c, reference, `${what}, against the reference's gemmBytes`);
                  if (ownSkipsZeros) assertSameBits(c, own, `${what}, against gemmBytes`);
                  else assertClose(c, reference, TOLERANCE[dtype], `${what}, against the reference's gemmBytes`);
                }
              }
            }
          }
        }
      }
    });

    it('all-zero data and no taken rows: beta = 0 writes zeros, beta = 1 leaves C', () => {
      const random = rng(23);
      for (const dtype of DTYPES) {
        for (const transA of [false, true]) {
          const [stored, width, n] = [6, 20, 24];
          const csr = compress(backend, 'backend', stored, width, backend.allocBytes(stored * width));
          for (const count of [0, 5]) {
            const rows = taken(count, stored, random);
            const m = transA ? width : count, k = transA ? count : width;
            const b = floats(backend, 'alloc', dtype, Math.max(k, 1) * n, random);
            const c = backend.alloc(dtype, m * n).fill(Number.NaN);
            backend.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, n, 0, c, 0, n);
            assert.ok(c.every((x) => Object.is(x, 0)), `${dtype} transA=${transA} ${count} rows, beta 0: +0 everywhere`);
            const before = floats(backend, 'alloc', dtype, m * n, random);
            const c1 = before.slice();
            backend.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, n, 1, c1, 0, n);
            assertSameBits(c1, before, `${dtype} transA=${transA} ${count} rows, beta 1`);
          }
        }
      }
    });

    it('long rows and many pixels: NN rows of more entries than one pass gathers, TN batches of more entries and pixels than one pass holds', () => {
      const random = rng(24);
      for (const dtype of DTYPES) {
        // A third of the bytes nonzero, so that gemmBytes still skips zeros (float32 is compared with it).
        for (const [transA, stored, width, count, n] of [[false, 3, 30000, 4, 17], [true, 60, 784, 400, 20], [true, 6, 20000, 9, 18]] as const) {
          const src = pixels(backend, 'backend', stored * width, 0.33, random);
          const csr = compress(backend, 'backend', stored, width, src);
          const rows = taken(count, stored, random);
          const m = transA ? width : count, k = transA ? count : width;
          const b = floats(backend, 'alloc', dtype, k * n, random);
          const c = backend.alloc(dtype, m * n).fill(Number.NaN);
          backend.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, n, 0, c, 0, n);
          const expected = backend.alloc(dtype, m * n);
          referenceBackend.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, n, 0, expected, 0, n);
          const what = `${dtype} transA=${transA} ${count} of ${stored}×${width}`;
          if (dtype === 'float64') assertSameBits(c, expected, what);
          else {
            const own = backend.alloc(dtype, m * n);
            backend.gemmBytes(transA, m, n, k, gathered(backend, rows, width, src), 0, transA ? m : k, 1 / 255, b, 0, n, 0, own, 0, n);
            assertSameBits(c, own, `${what}, against gemmBytes`);
          }
        }
      }
    });

    it("sums each element in op(A)'s order and skips zero values: unsorted and repeated columns, stored zeros, a scale that rounds to 0", () => {
      const random = rng(25);
      // Three stored rows of a width-6 matrix; row 1 (ten entries: a group of eight and two)
      // unsorted, with repeated columns and stored 0s, one of them column 2's only entry.
      const keep: Uint8Array[] = [];
      const offsets = storage(backend, 'backend', Int32Array, 4, keep);
      offsets.set([0, 2, 12, 14]);
      const columns = storage(backend, 'backend', Uint16Array, 14, keep);
      columns.set([1, 4, 5, 0, 5, 2, 3, 1, 4, 0, 3, 5, 0, 5]);
      const values = storage(backend, 'backend', Uint8Array, 14, keep);
      values.set([200, 3, 17, 99, 255, 0, 64, 7, 9, 11, 0, 13, 1, 128]);
      const rows = Int32Array.from([1, 0, 2, 1]);
      for (const dtype of DTYPES) {
        for (const transA of [false, true]) {
          for (const scale of [1 / 255, -0.75, 0, dtype === 'float32' ? 1e-46 : 5e-324]) {
            const n = 21;
            const m = transA ? 6 : 4, k = transA ? 4 : 6;
            const b = floats(backend, 'alloc', dtype, k * n, random);
            // A NaN in the row of B that faces only the stored zero (row 1's column 2; transposed: taken row 1, B's row 1).
            const c = floats(backend, 'alloc', dtype, m * n, random);
            c[3] = -0;
            const expected = c.slice();
            referenceBackend.gemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, scale, b, 0, n, 1, expected, 0, n);
            backend.gemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, scale, b, 0, n, 1, c, 0, n);
            const what = `${dtype} transA=${transA} scale ${scale}`;
            if (dtype === 'float64' || scale === 0) assertSameBits(c, expected, what);
            else assertClose(c, expected, TOLERANCE[dtype], what);
          }
          // Only zero values face a NaN row of B: it never reaches C.
          const n = 20;
          const m = transA ? 6 : 4, k = transA ? 4 : 6;
          const b = floats(backend, 'alloc', dtype, k * n, random);
          const c = backend.alloc(dtype, m * n);
          b.fill(Number.NaN);
          backend.gemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, 0, b, 0, n, 0, c, 0, n);
          assert.ok(c.every((x) => Object.is(x, 0)), `${dtype} transA=${transA}: scale 0 skips every entry`);
          // The stored 0 (row 1, column 2) alone faces B's row 2 (NN); transposed, it alone reaches C's row 2.
          const b2 = floats(backend, 'alloc', dtype, k * n, random);
          if (transA) b2.fill(Number.POSITIVE_INFINITY, 0, n);
          else b2.fill(Number.NaN, 2 * n, 3 * n);
          backend.gemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, 1 / 255, b2, 0, n, 0, c, 0, n);
          if (transA) assert.ok(c.subarray(2 * n, 3 * n).every((x) => Object.is(x, 0)), `${dtype}: a stored 0 is skipped (TN)`);
          else assert.ok(c.every((x) => Number.isFinite(x)), `${dtype}: a stored 0 is skipped (NN)`);
        }
      }
    });

    it('refuses bad rows, offsets, columns, strides and types with one clear line each', () => {
      for (const where of WHERE) {
        const keep: Uint8Array[] = [];
        // Three stored rows of width 9: entries 0..2, 2..5, 5..6.
        const offsets = storage(backend, where, Int32Array, 4, keep);
        offsets.set([0, 2, 5, 6]);
        const columns = storage(backend, where, Uint16Array, 6, keep);
        columns.set([0, 8, 1, 2, 3, 4]);
        const values = storage(backend, where, Uint8Array, 6, keep);
        values.set([1, 2, 3, 4, 5, 6]);
        const b = new Float64Array(9 * 4), c = new Float64Array(2 * 4);
        const call = (rows: number[], cols = columns, offs = offsets, transA = false, k = 9): void => {
          const m = transA ? k : rows.length;
          const kk = transA ? rows.length : k;
          backend.gemmSparseBytes(transA, m, 4, kk, Int32Array.from(rows), offs, cols, values, 1, new Float64Array(kk * 4), 0, 4, 0, new Float64Array(m * 4), 0, 4);
        };
        call([0, 2]);
        assertRefuses(() => call([0, 3]), 'RangeError', /^gemmSparseBytes: row 3 outside the 3 stored rows$/);
        assertRefuses(() => call([-1]), 'RangeError', /^gemmSparseBytes: row -1 outside the 3 stored rows$/);
        const badOffsets = storage(backend, where, Int32Array, 4, keep);
        badOffsets.set([0, 2, 7, 6]);
        assertRefuses(() => call([0, 1], columns, badOffsets), 'RangeError', /^gemmSparseBytes: row 1's entries 2\.\.7 are outside the 6 stored$/);
        // A column past the width: NN's is k, TN's m; the first in op(A)'s order is named.
        columns[4] = 9;
        columns[5] = 12;
        assertRefuses(() => call([0, 2, 1]), 'RangeError', /^gemmSparseBytes: row 2 has an entry in column 12, but op\(A\) has 9 columns$/);
        assertRefuses(() => call([1, 2], columns, offsets, true), 'RangeError', /^gemmSparseBytes: row 1 has an entry in column 9, but op\(A\) has 9 columns$/);
        assertRefuses(() => call([0], columns, offsets, true, 8), 'RangeError', /^gemmSparseBytes: row 0 has an entry in column 8, but op\(A\) has 8 columns$/);
        columns[4] = 4;
        columns[5] = 5;
        call([0, 2, 1]); // and the backend goes on working
        assertRefuses(() => backend.gemmSparseBytes(false, 2, 4, 9, Int32Array.from([0, 1]), offsets, columns, values, 1, b, 0, 4, 0, c, 0, 3), 'RangeError', /^gemmSparseBytes: ldc 3 is less than the 4 columns of C$/);
        assertRefuses(() => backend.gemmSparseBytes(false, 2, 4, 9, Int32Array.from([0, 1]), offsets, columns, values, 1, b, 1, 4, 0, c, 0, 4), 'RangeError', /^gemmSparseBytes: B needs elements 1\.\.36, but has 36$/);
        assertRefuses(() => backend.gemmSparseBytes(false, 3, 4, 9, Int32Array.from([0, 1]), offsets, columns, values, 1, b, 0, 4, 0, c, 0, 4), 'RangeError', /^gemmSparseBytes: op\(A\) takes 3 rows \(m\), but rows holds 2$/);
        assertRefuses(() => backend.gemmSparseBytes(false, 2, 4, 9, Int32Array.from([0, 1]), offsets, columns, values, NaN, b, 0, 4, 0, c, 0, 4), 'RangeError', /^gemmSparseBytes: scale must be finite, got NaN$/);
        assertRefuses(() => backend.gemmSparseBytes(false, 2, 4, 9, Uint32Array.from([0, 1]) as unknown as Int32Array, offsets, columns, values, 1, b, 0, 4, 0, c, 0, 4), 'TypeError', /^gemmSparseBytes: rows and offsets must be Int32Arrays$/);
        assertRefuses(() => backend.gemmSparseBytes(false, 2, 4, 9, Int32Array.from([0, 1]), offsets, new Int16Array(6) as unknown as Uint16Array, values, 1, b, 0, 4, 0, c, 0, 4), 'TypeError', /^gemmSparseBytes: columns must be a Uint16Array and values a Uint8Array$/);
        assertRefuses(() => backend.gemmSparseBytes(false, 2, 4, 9, Int32Array.from([0, 1]), offsets, columns, values, 1, b, 0, 4, 0, new Float32Array(8), 0, 4), 'TypeError', /^gemmSparseBytes: B and C must be of one float type$/);

        // compressBytes: offsets that do not match the bytes.
        const src = pixels(backend, where, 3 * 20, 0, rng(1));
        src.set([5, 0, 7], 20); // row 1: two nonzeros
        src[59] = 9; // row 2: one, the last byte
        const target = (): { columns: Uint16Array; values: Uint8Array } => ({
          columns: storage(backend, where, Uint16Array, 8, keep), values: storage(backend, where, Uint8Array, 8, keep),
        });
        const withOffsets = (list: number[]): Int32Array => {
          const o = storage(backend, where, Int32Array, 4, keep);
          o.set(list);
          return o;
        };
        const good = target();
        backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 2, 3]), good.columns, good.values);
        assert.deepEqual(Array.from(good.columns.subarray(0, 3)), [0, 2, 19]);
        const t = target();
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 1, 3]), t.columns, t.values), 'RangeError', /^compressBytes: row 1 has more nonzeros than its offsets leave room for: not the offsets nonzeroOffsets wrote$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 3, 3]), t.columns, t.values), 'RangeError', /^compressBytes: row 1 has fewer nonzeros than its offsets say: not the offsets nonzeroOffsets wrote$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 2, 2]), t.columns, t.values), 'RangeError', /^compressBytes: row 2 has more nonzeros than its offsets leave room for: not the offsets nonzeroOffsets wrote$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 1, 2, 3]), t.columns, t.values), 'RangeError', /^compressBytes: row 0 has fewer nonzeros than its offsets say: not the offsets nonzeroOffsets wrote$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([1, 1, 3, 4]), t.columns, t.values), 'RangeError', /^compressBytes: offsets\[0\] is 1, not 0: not the offsets nonzeroOffsets wrote$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 2, 1, 3]), t.columns, t.values), 'RangeError', /^compressBytes: offsets decrease at row 1: not the offsets nonzeroOffsets wrote$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 2, 9]), t.columns, t.values), 'RangeError', /^compressBytes: 9 nonzeros need columns and values of 9, got 8 and 8$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 2, 3]), new Int16Array(8) as unknown as Uint16Array, t.values), 'TypeError', /^compressBytes: columns must be a Uint16Array$/);
        assertRefuses(() => backend.compressBytes(3, 20, src, 0, withOffsets([0, 0, 2, 3]), t.columns, new Int8Array(8) as unknown as Uint8Array), 'TypeError', /^compressBytes: values must be a Uint8Array$/);
        assertRefuses(() => backend.nonzeroOffsets(1, 65537, new Uint8Array(65537), 0, new Int32Array(2)), 'RangeError', /^nonzeroOffsets: cols 65537 is more than the 65536 a Uint16 column index holds$/);
        assertRefuses(() => backend.nonzeroOffsets(32769, 65536, new Uint8Array(1), 0, new Int32Array(2)), 'RangeError', /^nonzeroOffsets: 32769×65536 is more than the 2³¹ − 1 pixels Int32 offsets can count$/);
        assertRefuses(() => backend.nonzeroOffsets(3, 20, src, 1, new Int32Array(4)), 'RangeError', /^nonzeroOffsets: src has 60 bytes, needs 1\.\.60$/);
        assertRefuses(() => backend.nonzeroOffsets(3, 20, src, 0, new Int32Array(3)), 'RangeError', /^nonzeroOffsets: offsets has 3 elements, needs 4$/);
        assertRefuses(() => backend.nonzeroOffsets(3, 20, new Int8Array(60) as unknown as Uint8Array, 0, new Int32Array(4)), 'TypeError', /^nonzeroOffsets: src must be a Uint8Array$/);
        assertRefuses(() => backend.nonzeroOffsets(3, 20, src, 0, new Uint32Array(4) as unknown as Int32Array), 'TypeError', /^nonzeroOffsets: offsets must be an Int32Array$/);
        assertRefuses(() => backend.compressBytes(1.5, 20, src, 0, new Int32Array(4), t.columns, t.values), 'RangeError', /^compressBytes: rows must be an integer ≥ 0, got 1\.5$/);
      }
    });

    if (label.includes('2 threads')) {
      it('splits training batches and a scoring block across the threads with the bits of one thread', () => {
        const split = backend as WasmBackend;
        const one = BACKENDS.find((entry) => entry.label.includes('1 thread'))!.make();
        const random = rng(26);
        const [stored, width] = [400, 784];
        const src = pixels(backend, 'backend', stored * width, 0.19, random);
        const csr = compress(backend, 'backend', stored, width, src);
        for (const dtype of DTYPES) {
          for (const [transA, count] of [[false, 100], [true, 100], [false, 400]] as const) {
            const rows = count === stored ? Int32Array.from({ length: count }, (_, i) => i) : taken(count, stored, random);
            const n = 50;
            const m = transA ? width : count, k = transA ? count : width;
            const b = floats(backend, 'alloc', dtype, k * n, random);
            const c2 = backend.alloc(dtype, m * n).fill(Number.NaN), c1 = backend.alloc(dtype, m * n).fill(Number.NaN);
            const before = split.csrPaths.split;
            backend.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, n, 0, c2, 0, n);
            assert.equal(split.csrPaths.split, before + 1, `${dtype} transA=${transA} ${count} rows: split`);
            one.gemmSparseBytes(transA, m, n, k, rows, csr.offsets, csr.columns, csr.values, 1 / 255, b, 0, n, 0, c1, 0, n);
            assertSameBits(c2, c1, `${dtype} transA=${transA} ${count} rows`);
            const own = backend.alloc(dtype, m * n);
            backend.gemmBytes(transA, m, n, k, gathered(backend, rows, width, src), 0, transA ? m : k, 1 / 255, b, 0, n, 0, own, 0, n);
            assertSameBits(c2, own, `${dtype} transA=${transA} ${count} rows, against gemmBytes`);
          }
          // A bad column in the last band is found by whichever thread takes it.
          const bad = compress(backend, 'backend', stored, width, src);
          const last = bad.offsets[stored - 1]!;
          assert.ok(bad.offsets[stored]! > last, 'the last stored row has entries');
          bad.columns[last] = 60000;
          const rows = Int32Array.from({ length: 100 }, (_, i) => stored - 100 + i);
          for (const transA of [false, true]) {
            const m = transA ? width : 100, k = transA ? 100 : width;
            assertRefuses(
              () => backend.gemmSparseBytes(transA, m, 50, k, rows, bad.offsets, bad.columns, bad.values, 1 / 255, backend.alloc(dtype, k * 50), 0, 50, 0, backend.alloc(dtype, m * 50), 0, 50),
              'RangeError', new RegExp(`^gemmSparseBytes: row ${stored - 1} has an entry in column 60000, but op\\(A\\) has ${width} columns$`),
            );
          }
        }
      });
    }
  });
}
