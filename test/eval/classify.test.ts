// classify on images kept as bytes must give the labels and probabilities of the same
// images converted to floats, to the bit, whether the network reads the bytes itself
// (TwoLayerNet) or gets them converted block by block (SimpleConvNet), across block ends.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DType } from '../../src/backend/backend.js';
import { getBackend, setBackend } from '../../src/backend/index.js';
import { classify, type Classification } from '../../src/eval/classify.js';
import { readsBytes } from '../../src/nets/network.js';
import { SimpleConvNet } from '../../src/nets/simple_conv_net.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { ByteImages } from '../../src/tensor/byte_images.js';
import { Random } from '../../src/tensor/random.js';
import { BACKENDS } from '../backend/helpers.js';

/** Rows of pixels, three quarters zero, in the backend's memory. */
function images(rows: number, shape: readonly number[], dtype: DType, seed: number): ByteImages {
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = getBackend().allocBytes(rows * size);
  const random = new Random(seed);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.uniform() < 0.75 ? 0 : 1 + Math.floor(random.uniform() * 255);
  return new ByteImages(bytes, [rows, ...shape], 1 / 255, dtype);
}

function assertSameClassification(actual: Classification, expected: Classification): void {
  assert.equal(actual.classes, expected.classes);
  assert.deepEqual(actual.labels, expected.labels);
  assert.equal(actual.probabilities.length, expected.probabilities.length);
  for (let i = 0; i < actual.probabilities.length; i++) {
    if (!Object.is(actual.probabilities[i], expected.probabilities[i])) {
      assert.fail(`probability ${i} is ${actual.probabilities[i]}, expected ${expected.probabilities[i]}`);
    }
  }
}

const original = getBackend();
after(() => setBackend(original));

for (const { label, make } of BACKENDS) {
  const backend = make();
  describe(`classify on bytes: ${label}`, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`TwoLayerNet reads the bytes, ${dtype}: 10003 rows (two blocks) as from floats`, () => {
        setBackend(backend);
        const x = images(10003, [40], dtype, 1);
        const net = new TwoLayerNet(40, 12, 10, { seed: 3, dtype, weightInitStd: 0.5 });
        assert.equal(readsBytes(net), true);
        const fromBytes = classify(net, x);
        assert.equal(new Set(fromBytes.labels).size > 1, true, 'the labels vary, so a mix-up of rows would show');
        assertSameClassification(fromBytes, classify(net, x.toFloats()));
      });
    }

    it('SimpleConvNet gets each block converted: 205 rows (three blocks of 100) as from floats', () => {
      setBackend(backend);
      const x = images(205, [1, 8, 8], 'float64', 2);
      const net = new SimpleConvNet({ inputDim: [1, 8, 8], convParam: { filterNum: 3, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 16, weightInitStd: 0.5, seed: 5 });
      assert.equal(readsBytes(net), false);
      assertSameClassification(classify(net, x), classify(net, x.toFloats()));
    });

    it('an empty set gives empty results, and a wrong rank is refused in one line', () => {
      setBackend(backend);
      const net = new TwoLayerNet(40, 12, 10, { seed: 3 });
      const empty = classify(net, images(0, [40], 'float64', 1));
      assert.equal(empty.labels.length, 0);
      assert.equal(empty.probabilities.length, 0);
      const bytes = getBackend().allocBytes(6 * 40);
      assert.throws(() => classify(net, new ByteImages(bytes, [2, 3, 40], 1 / 255, 'float64')), /^RangeError: classify: input must be \[rows, 40\], got \[2, 3, 40\]$/);
    });
  });
}
