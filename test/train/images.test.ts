// floatRows: what the CLI commands that score or train on a subset use to get float rows
// from a dataset kept as bytes, so that none of them makes a float copy of all of MNIST.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend } from '../../src/backend/index.js';
import { ByteImages } from '../../src/tensor/byte_images.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { BlockScorer, floatRows } from '../../src/train/images.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';

function bytesOf(rows: number, size: number): ByteImages {
  const bytes = getBackend().allocBytes(rows * size);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
  return new ByteImages(bytes, [rows, size], 1 / 255, 'float32');
}

describe('floatRows', () => {
  it('converts rows start..end of bytes as byte · scale rounded to the dtype', () => {
    const x = bytesOf(5, 7);
    const rows = floatRows(x, 1, 4);
    assert.deepEqual(rows.shape, [3, 7]);
    assert.equal(rows.dtype, 'float32');
    for (let i = 0; i < rows.size; i++) assert.equal(rows.data[i], Math.fround(x.bytes[7 + i]! * (1 / 255)), `element ${i}`);
  });

  it('takes every row by default, and keeps an item shape', () => {
    const bytes = getBackend().allocBytes(3 * 4);
    bytes.fill(255);
    const rows = floatRows(new ByteImages(bytes, [3, 1, 2, 2], 1 / 255, 'float64'));
    assert.deepEqual(rows.shape, [3, 1, 2, 2]);
    assert.deepEqual([...rows.data], new Array(12).fill(1));
  });

  it('gives a view of a float tensor, not a copy', () => {
    const x = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    const rows = floatRows(x, 1, 3);
    rows.data[0] = 30;
    assert.equal(x.data[2], 30);
  });

  it('refuses rows outside the set in one line', () => {
    assert.throws(() => floatRows(bytesOf(2, 3), 1, 3), /^RangeError: ByteImages.toFloats: 1..3 is outside 0..2$/);
  });
});

describe('BlockScorer', () => {
  it('compresses a set once, on first use, and scores a network that reads bytes from it as from floats', () => {
    const bytes = getBackend().allocBytes(40 * 30);
    bytes.forEach((_, i) => (bytes[i] = i % 5 === 0 ? (i * 7) % 256 : 0));
    const x = new ByteImages(bytes, [40, 30], 1 / 255, 'float64');
    const scorer = new BlockScorer();
    const sparse = scorer.compressedOf(x);
    assert.ok(sparse, 'a fifth nonzero is worth compressing');
    assert.equal(scorer.compressedOf(x), sparse, 'the same compression the second time');
    const net = new TwoLayerNet(30, 8, 4, { seed: 2, weightInitStd: 0.5 });
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 4);
    assert.equal(scorer.accuracy(net, x, labels), net.accuracy(x.toFloats(), labels));
  });

  it('keeps a dense set as bytes', () => {
    const bytes = getBackend().allocBytes(10 * 30).fill(9);
    const scorer = new BlockScorer();
    const x = new ByteImages(bytes, [10, 30], 1 / 255, 'float64');
    assert.equal(scorer.compressedOf(x), undefined);
    assert.equal(scorer.compressedOf(x), undefined);
  });
});
