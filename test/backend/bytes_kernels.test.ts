// The byte kernels (allocBytes, gatherBytes, bytesToFloats) on every backend: pixels kept
// as bytes and converted to floats per batch or block. Every backend must give the bits
// that JavaScript's `floats[i] = byte * scale` stores, float32 included.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import type { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { BYTES_THRESHOLD } from '../../src/backend/wasm/pool.js';
import { BACKENDS, DTYPES, makeArray, rng } from './helpers.js';

const COLS = [1, 7, 15, 16, 17, 33, 784, 785];
// 1/255 is MNIST's; 1/3 and 0.1 have products whose float32 rounding differs from an f32 multiply's.
const SCALES = [1 / 255, 1, 1 / 3, 0.1];

type ByteStorage = 'heap' | 'backend';

function bytes(backend: Backend, storage: ByteStorage, length: number, random: () => number): Uint8Array {
  const src = storage === 'backend' ? backend.allocBytes(length) : new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    // Zeros in runs, as in MNIST, and both ends of the range.
    const r = random();
    src[i] = r < 0.5 ? 0 : r < 0.55 ? 255 : Math.floor(random() * 256);
  }
  return src;
}

/** What JavaScript stores for byte · scale in an array of dtype. */
function expectedFloats(dtype: DType, values: ArrayLike<number>, scale: number): FloatArray {
  const out = dtype === 'float32' ? new Float32Array(values.length) : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scale;
  return out;
}

function assertSameBits(actual: FloatArray, expected: FloatArray, length: number, what: string): void {
  for (let i = 0; i < length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

for (const { label, make } of BACKENDS) {
  describe(`byte kernels: ${label}`, () => {
    const backend = make();

    it('allocBytes gives zero-filled bytes of the asked length', () => {
      for (const length of [0, 1, 3, 4, 5, 1000]) {
        const b = backend.allocBytes(length);
        assert.ok(b instanceof Uint8Array);
        assert.equal(b.length, length);
        assert.ok(b.every((x) => x === 0), `allocBytes(${length}) is not zero-filled`);
      }
      assert.throws(() => backend.allocBytes(-1), RangeError);
    });

    it('gatherBytes: rows of bytes as floats, the same bits as byte * scale', () => {
      const random = rng(5);
      for (const dtype of DTYPES) {
        for (const storage of ['heap', 'backend'] as const) {
          for (const cols of COLS) {
            const rows = 13;
            const src = bytes(backend, storage, rows * cols + 2, random); // a partial row past the last
            const before = src.slice();
            const indices = Int32Array.from({ length: 2 * rows + 1 }, () => Math.floor(random() * rows));
            indices[0] = rows - 1;
            for (const scale of SCALES) {
              const what = `${dtype} ${storage} cols ${cols} scale ${scale}`;
              const gathered = Array.from(indices).flatMap((row) => Array.from(src.subarray(row * cols, row * cols + cols)));
              const expected = expectedFloats(dtype, gathered, scale);
              for (const outStorage of ['foreign', 'alloc'] as const) {
                const out = makeArray(backend, outStorage, dtype, indices.length * cols + 3).fill(NaN);
                backend.gatherBytes(indices, cols, src, scale, out);
                assertSameBits(out, expected, expected.length, `gatherBytes ${what} out ${outStorage}`);
                for (let k = expected.length; k < out.length; k++) assert.ok(Number.isNaN(out[k]), `gatherBytes ${what}: wrote past its rows`);
              }
            }
            assert.deepEqual(src, before, 'gatherBytes changed its source');
          }
        }
      }
    });

    it('gatherBytes: batches longer than the rows it reads ahead (32), the same bits', () => {
      // The wasm kernel touches the next rows' cache lines 32 rows at a time while it
      // converts rows two at a time: batches of 1 to 101 rows, the last row of the source
      // (which ends the array) early, late and last, and scales whose zero is −0 or NaN.
      const random = rng(11);
      for (const dtype of DTYPES) {
        for (const cols of [1, 17, 64, 65, 784]) {
          const rows = 150;
          const src = bytes(backend, 'backend', rows * cols, random);
          for (const count of [1, 31, 32, 33, 64, 65, 100, 101]) {
            const indices = Int32Array.from({ length: count }, () => Math.floor(random() * rows));
            for (const at of [0, 32, 63, count - 1]) if (at < count) indices[at] = rows - 1;
            for (const scale of [1 / 255, -0.5, Infinity]) {
              const what = `${dtype} cols ${cols} count ${count} scale ${scale}`;
              const gathered = Array.from(indices).flatMap((row) => Array.from(src.subarray(row * cols, row * cols + cols)));
              const expected = expectedFloats(dtype, gathered, scale);
              const out = makeArray(backend, 'alloc', dtype, count * cols + 1).fill(7);
              backend.gatherBytes(indices, cols, src, scale, out);
              assertSameBits(out, expected, expected.length, `gatherBytes ${what}`);
              assert.equal(out[count * cols], 7, `gatherBytes ${what}: wrote past its rows`);
            }
          }
        }
      }
    });

    it('gatherBytes refuses an index outside the rows and a short output', () => {
      for (const storage of ['heap', 'backend'] as const) {
        const src = bytes(backend, storage, 3 * 784, rng(7));
        const out = new Float64Array(784);
        assert.throws(() => backend.gatherBytes(Int32Array.of(3), 784, src, 1 / 255, out), /index 3 outside 0\.\.2/);
        assert.throws(() => backend.gatherBytes(Int32Array.of(-1), 784, src, 1 / 255, out), RangeError);
        assert.throws(() => backend.gatherBytes(Int32Array.of(0, 1), 784, src, 1 / 255, out), /out has 784 elements, needs 1568/);
      }
    });

    it('bytesToFloats: a block from an offset, the same bits as byte * scale', () => {
      const random = rng(9);
      for (const dtype of DTYPES) {
        for (const storage of ['heap', 'backend'] as const) {
          const src = bytes(backend, storage, 5000, random);
          for (const [offset, n] of [[0, 0], [0, 1], [3, 15], [1, 16], [17, 33], [5, 4000], [0, 5000]] as const) {
            for (const scale of SCALES) {
              const what = `${dtype} ${storage} ${offset}+${n} scale ${scale}`;
              const expected = expectedFloats(dtype, src.subarray(offset, offset + n), scale);
              const out = makeArray(backend, 'alloc', dtype, n + 2).fill(NaN);
              backend.bytesToFloats(n, src, offset, scale, out);
              assertSameBits(out, expected, n, `bytesToFloats ${what}`);
              assert.ok(Number.isNaN(out[n]) && Number.isNaN(out[n + 1]), `bytesToFloats ${what}: wrote past n`);
            }
          }
          assert.throws(() => backend.bytesToFloats(10, src, 4995, 1, new Float64Array(10)), /src has 5000 bytes/);
          assert.throws(() => backend.bytesToFloats(10, src, 0, 1, new Float64Array(9)), /out has 9 elements, needs 10/);
        }
      }
    });

    it('bytesToFloats: a block large enough to split across threads, the same bits', () => {
      const random = rng(13);
      const n = 2 * BYTES_THRESHOLD + 37; // ranges of 16 and a ragged end
      for (const dtype of DTYPES) {
        const src = bytes(backend, 'backend', n + 5, random);
        const expected = expectedFloats(dtype, src.subarray(3, 3 + n), 1 / 255);
        const out = makeArray(backend, 'alloc', dtype, n + 1).fill(NaN);
        const paths = (backend as Partial<WasmBackend>).bytesPaths;
        const splitBefore = paths?.split ?? 0;
        backend.bytesToFloats(n, src, 3, 1 / 255, out);
        assertSameBits(out, expected, n, `bytesToFloats ${dtype} of ${n}`);
        assert.ok(Number.isNaN(out[n]), 'wrote past n');
        // The pool splits it wherever there is a second thread.
        if (paths && (backend as WasmBackend).threads > 1) assert.equal(paths.split, splitBefore + 1, 'not split across the threads');
      }
    });
  });
}
