// SparseImages: a byte dataset compressed once to each row's nonzero pixels, and the rows of
// it a network is fed (SparseRows). Checked against plain loops over the bytes, on every backend.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { getBackend, setBackend } from '../../src/backend/index.js';
import { ByteImages } from '../../src/tensor/byte_images.js';
import { Random } from '../../src/tensor/random.js';
import { MAX_SPARSE_DENSITY, SparseImages } from '../../src/tensor/sparse_images.js';
import { BACKENDS } from '../backend/helpers.js';

function images(rows: number, size: number, zeros: number, seed: number): ByteImages {
  const bytes = getBackend().allocBytes(rows * size);
  const random = new Random(seed);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.uniform() < zeros ? 0 : 1 + Math.floor(random.uniform() * 255);
  return new ByteImages(bytes, [rows, size], 1 / 255, 'float32');
}

const original = getBackend();
after(() => setBackend(original));

for (const { label, make } of BACKENDS) {
  const backend = make();
  describe(`SparseImages: ${label}`, () => {
    it('holds each row\'s nonzero bytes in ascending columns, and nothing else', () => {
      setBackend(backend);
      const x = images(37, 50, 0.8, 1);
      const sparse = SparseImages.compress(x)!;
      assert.ok(sparse);
      let e = 0;
      for (let r = 0; r < x.rows; r++) {
        assert.equal(sparse.offsets[r], e, `offset of row ${r}`);
        for (let j = 0; j < 50; j++) {
          const byte = x.bytes[r * 50 + j]!;
          if (byte === 0) continue;
          assert.equal(sparse.columns[e], j, `column of entry ${e}`);
          assert.equal(sparse.values[e], byte, `value of entry ${e}`);
          e++;
        }
      }
      assert.equal(sparse.offsets[x.rows], e);
      assert.equal(sparse.nonzeros, e);
      assert.deepEqual(sparse.shape, [37, 50]);
      assert.equal(sparse.scale, 1 / 255);
      assert.equal(sparse.dtype, 'float32');
      assert.ok(sparse.storageBytes >= 4 * 38 + 3 * e);
    });

    it('is not made where it does not pay: denser than MAX_SPARSE_DENSITY, or an all-zero set gives empty rows', () => {
      setBackend(backend);
      assert.equal(SparseImages.compress(images(20, 30, 1 - MAX_SPARSE_DENSITY - 0.2, 2)), undefined);
      assert.ok(SparseImages.compress(images(20, 30, 1 - MAX_SPARSE_DENSITY - 0.2, 2), 1), 'a higher limit compresses it');
      const zero = SparseImages.compress(images(5, 30, 1, 3))!;
      assert.equal(zero.nonzeros, 0);
      assert.deepEqual([...zero.offsets], [0, 0, 0, 0, 0, 0]);
    });

    it('takes rows by index, in any order and repeated, and converts them to the floats of the bytes', () => {
      setBackend(backend);
      const x = images(12, 40, 0.7, 4);
      const sparse = SparseImages.compress(x)!;
      const rows = Int32Array.from([11, 0, 3, 3, 7]);
      const batch = sparse.take(rows);
      assert.deepEqual(batch.shape, [5, 40]);
      assert.equal(batch.rowSize, 40);
      assert.equal(batch.rows, rows, 'the indices themselves, not a copy');
      const floats = batch.toFloats();
      for (let i = 0; i < rows.length; i++) {
        for (let j = 0; j < 40; j++) assert.equal(floats.data[i * 40 + j], Math.fround(x.bytes[rows[i]! * 40 + j]! * (1 / 255)), `(${i}, ${j})`);
      }
      assert.deepEqual([...sparse.range(2, 6).rows], [2, 3, 4, 5]);
      assert.deepEqual([...batch.slice(1, 3).rows], [0, 3]);
      assert.deepEqual(sparse.range().shape, [12, 40]);
    });

    it('refuses ranges and rows outside the set in one line', () => {
      setBackend(backend);
      const sparse = SparseImages.compress(images(4, 10, 0.7, 5))!;
      assert.throws(() => sparse.range(2, 5), /^RangeError: SparseImages.range: 2..5 is outside 0..4$/);
      assert.throws(() => sparse.range().slice(3, 1), /^RangeError: SparseRows.slice: 3..1 is outside 0..4$/);
      assert.throws(() => sparse.take(Int32Array.from([0, 4])).toFloats(), /^RangeError: SparseRows.toFloats: row 4 outside 0..3/);
    });
  });
}
