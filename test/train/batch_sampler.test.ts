// BatchSampler: next() as floats, nextBytes() as bytes and nextSparse() as rows of the
// compressed images draw the same rows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend } from '../../src/backend/index.js';
import { ByteImages } from '../../src/tensor/byte_images.js';
import { Random } from '../../src/tensor/random.js';
import { SparseImages } from '../../src/tensor/sparse_images.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { BatchSampler } from '../../src/train/batch_sampler.js';

function images(): ByteImages {
  const bytes = getBackend().allocBytes(50 * 12);
  bytes.forEach((_, i) => (bytes[i] = (i * 31) % 256));
  return new ByteImages(bytes, [50, 3, 4], 1 / 255, 'float32');
}
const labels = Int32Array.from({ length: 50 }, (_, i) => i % 7);

describe('BatchSampler', () => {
  it('nextBytes() draws the rows and labels next() does, as bytes', () => {
    const x = images();
    const floats = new BatchSampler(x, labels, 6, new Random(9));
    const bytes = new BatchSampler(x, labels, 6, new Random(9));
    for (let round = 0; round < 4; round++) {
      const [xf, tf] = floats.next();
      const [xb, tb] = bytes.nextBytes();
      assert.deepEqual(xb.shape, [6, 3, 4]);
      assert.deepEqual(tb, tf);
      assert.deepEqual(xb.toFloats().data, xf.data);
    }
  });

  it('nextSparse() draws the rows and labels next() does, as indices into the compressed images', () => {
    const x = images();
    const sparse = SparseImages.compress(x, 1)!;
    const floats = new BatchSampler(x, labels, 6, new Random(9));
    const rows = new BatchSampler(x, labels, 6, new Random(9));
    for (let round = 0; round < 4; round++) {
      const [xf, tf] = floats.next();
      const [xs, ts] = rows.nextSparse(sparse);
      assert.deepEqual(xs.shape, [6, 3, 4]);
      assert.deepEqual(ts, tf);
      assert.deepEqual(xs.toFloats().data, xf.data);
    }
  });

  it('nextSparse() refuses images compressed from another set in one line', () => {
    const other = new ByteImages(getBackend().allocBytes(40 * 12), [40, 12], 1 / 255, 'float32');
    const sampler = new BatchSampler(images(), labels, 2, new Random(1));
    assert.throws(() => sampler.nextSparse(SparseImages.compress(other)!), /^RangeError: BatchSampler.nextSparse: the compressed images are \[40, 12\], the sampler's \[50, 3, 4\]$/);
  });

  it('nextBytes() refuses float images', () => {
    const sampler = new BatchSampler(Tensor.zeros([5, 2]), Int32Array.from([0, 1, 0, 1, 0]), 2, new Random(1));
    assert.throws(() => sampler.nextBytes(), /BatchSampler\.nextBytes: the images are floats, not ByteImages/);
  });
});
