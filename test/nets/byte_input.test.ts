// Networks fed images as bytes (ByteImages): a first Affine layer reads the pixels through
// gemmBytes, other first layers get them converted. Either way every result must be the
// bits the same images converted to floats give, so that a run fed bytes ends with the
// weights, losses and accuracies of a run fed floats, on every backend.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Backend, DType } from '../../src/backend/backend.js';
import { getBackend, setBackend } from '../../src/backend/index.js';
import type { TrainableNetwork } from '../../src/nets/network.js';
import { readsBytes } from '../../src/nets/network.js';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { SimpleConvNet } from '../../src/nets/simple_conv_net.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { ByteImages } from '../../src/tensor/byte_images.js';
import { SparseImages } from '../../src/tensor/sparse_images.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Trainer } from '../../src/train/train.js';
import { BACKENDS } from '../backend/helpers.js';

const SCALE = 1 / 255;

/** Rows of pixels, `zeros` of them zero (three quarters by default, as MNIST's), in the backend's memory. */
function images(rows: number, shape: readonly number[], dtype: DType, seed: number, zeros = 0.75): ByteImages {
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = getBackend().allocBytes(rows * size);
  const random = new Random(seed);
  for (let i = 0; i < bytes.length; i++) {
    const r = random.uniform();
    bytes[i] = r < zeros ? 0 : 1 + Math.floor(random.uniform() * 255);
  }
  return new ByteImages(bytes, [rows, ...shape], SCALE, dtype);
}

/** Rows `rows` of x as floats, gathered as a float batch would be. */
function floatsOf(x: ByteImages, rows: Int32Array): Tensor {
  const out = Tensor.empty([rows.length, ...x.shape.slice(1)], x.dtype);
  x.gather(rows, out);
  return out;
}

function labels(rows: number, classes: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, i) => (i * 7 + 3) % classes);
}

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

function assertSameGradients(a: Record<string, Tensor>, b: Record<string, Tensor>, what: string): void {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const key of Object.keys(a)) assertSameBits(a[key]!.data, b[key]!.data, `${what}: ${key}`);
}

/**
 * Trains the same TwoLayerNet on x as bytes and as floats, and checks that the weights and
 * losses end as the same bits; returns both trainers and the float-fed net for more checks.
 */
function trainBothWays(x: ByteImages, t: Int32Array, xt: ByteImages, tt: Int32Array, iters: number): { fromBytes: Trainer; fromFloats: Trainer; floatNet: TwoLayerNet } {
  const dtype = x.dtype;
  const config = { iters, batchSize: 10, learningRate: 0.1, seed: 8, evalEvery: 6 };
  const a = new TwoLayerNet(64, 24, 10, { weightInitStd: 0.1, seed: 1, dtype });
  const b = new TwoLayerNet(64, 24, 10, { weightInitStd: 0.1, seed: 1, dtype });
  const fromBytes = new Trainer(a, { xTrain: x, trainLabels: t, xTest: xt, testLabels: tt }, config);
  const fromFloats = new Trainer(b as TrainableNetwork, { xTrain: x.toFloats(), trainLabels: t, xTest: xt.toFloats(), testLabels: tt }, config);
  while (fromBytes.step());
  while (fromFloats.step());
  for (const [key, value] of Object.entries(a.params)) assertSameBits(value.data, (b.params as Record<string, Tensor>)[key]!.data, `${dtype} ${key}`);
  assertSameBits(fromBytes.result().losses, fromFloats.result().losses, `${dtype} losses`);
  return { fromBytes, fromFloats, floatNet: b };
}

const original = getBackend();
after(() => setBackend(original));

for (const { label, make } of BACKENDS) {
  const backend: Backend = make();
  describe(`byte input: ${label}`, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`TwoLayerNet, ${dtype}: predict, loss, gradient and accuracy from bytes are the bits from floats`, () => {
        setBackend(backend);
        const x = images(30, [64], dtype, 1);
        const t = labels(30, 10);
        const a = new TwoLayerNet(64, 20, 10, { weightInitStd: 0.1, seed: 4, dtype });
        const b = new TwoLayerNet(64, 20, 10, { weightInitStd: 0.1, seed: 4, dtype });
        assert.ok(readsBytes(a));
        assertSameBits(a.predict(x).data, b.predict(x.toFloats()).data, 'predict');
        assertSameGradients(a.gradient(x, t), b.gradient(x.toFloats(), t), 'gradient');
        assert.ok(Object.is(a.lastLoss, b.lastLoss), 'loss');
        assert.equal(a.accuracy(x, t), b.accuracy(x.toFloats(), t));
        assert.equal(a.accuracy(x.slice(3, 17), t.subarray(3, 17)), b.accuracy(x.toFloats(3, 17), t.subarray(3, 17)));
      });

      it(`MultiLayerNetExtend with BatchNorm and Dropout, ${dtype}: the same bits`, () => {
        setBackend(backend);
        const x = images(24, [64], dtype, 2);
        const t = labels(24, 10);
        const make = (): MultiLayerNetExtend => new MultiLayerNetExtend(64, [20, 18], 10, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2, weightInitStd: 'he', seed: 9, dtype });
        const a = make(), b = make();
        assert.ok(readsBytes(a));
        for (let step = 0; step < 2; step++) assertSameGradients(a.gradient(x, t), b.gradient(x.toFloats(), t), `gradient ${step}`);
        assertSameBits(a.predict(x).data, b.predict(x.toFloats()).data, 'predict');
      });
    }

    it('SimpleConvNet reads floats: a Trainer fed bytes converts its batches, with the results of floats', () => {
      setBackend(backend);
      const x = images(12, [1, 12, 12], 'float64', 3), xt = images(6, [1, 12, 12], 'float64', 4);
      const t = labels(12, 10), tt = labels(6, 10);
      const options = { inputDim: [1, 12, 12] as [number, number, number], convParam: { filterNum: 3, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 16, seed: 5 };
      const a = new SimpleConvNet(options), b = new SimpleConvNet(options);
      assert.equal(readsBytes(a), false);
      const config = { iters: 4, batchSize: 3, learningRate: 0.1, seed: 2, evalEvery: 2 };
      const fromBytes = new Trainer(a, { xTrain: x, trainLabels: t, xTest: xt, testLabels: tt }, config);
      const fromFloats = new Trainer(b, { xTrain: x.toFloats(), trainLabels: t, xTest: xt.toFloats(), testLabels: tt }, config);
      while (fromBytes.step());
      while (fromFloats.step());
      for (const key of Object.keys(a.params)) assertSameBits(a.params[key]!.data, b.params[key]!.data, key);
      assertSameBits(fromBytes.result().losses, fromFloats.result().losses, 'losses');
    });

    it('a Trainer fed bytes ends with the weights and history of one fed floats', () => {
      setBackend(backend);
      for (const dtype of ['float64', 'float32'] as const) {
        const x = images(120, [64], dtype, 6), xt = images(40, [64], dtype, 7);
        const t = labels(120, 10), tt = labels(40, 10);
        const { fromBytes, fromFloats, floatNet } = trainBothWays(x, t, xt, tt, 25);
        assert.deepEqual(fromBytes.result().epochs.map((e) => [e.trainAcc, e.testAcc]), fromFloats.result().epochs.map((e) => [e.trainAcc, e.testAcc]));
        assert.equal(fromBytes.accuracy(xt, tt), fromFloats.accuracy(xt.toFloats(), tt), `${dtype} Trainer.accuracy`);
        assert.equal(fromBytes.accuracy(x, t), floatNet.accuracy(x.toFloats(), t), `${dtype} Trainer.accuracy of the training set`);
      }
    });

    for (const dtype of ['float64', 'float32'] as const) {
      it(`rows of a compressed set taken by index (SparseRows), ${dtype}: the bits of the same rows as floats`, () => {
        setBackend(backend);
        const x = images(30, [64], dtype, 11);
        const sparse = SparseImages.compress(x);
        assert.ok(sparse, 'a quarter nonzero is worth compressing');
        const rows = Int32Array.from([5, 0, 29, 5, 12, 7, 7, 18, 3, 26, 14]);
        const t = labels(rows.length, 10);
        const a = new TwoLayerNet(64, 20, 10, { weightInitStd: 0.1, seed: 4, dtype });
        const b = new TwoLayerNet(64, 20, 10, { weightInitStd: 0.1, seed: 4, dtype });
        assertSameBits(a.predict(sparse.take(rows)).data, b.predict(floatsOf(x, rows)).data, 'predict');
        assertSameGradients(a.gradient(sparse.take(rows), t), b.gradient(floatsOf(x, rows), t), 'gradient');
        assert.ok(Object.is(a.lastLoss, b.lastLoss), 'loss');
        const all = labels(30, 10);
        assert.equal(a.accuracy(sparse.range(), all), b.accuracy(x.toFloats(), all));
        const make = (): MultiLayerNetExtend => new MultiLayerNetExtend(64, [20, 18], 10, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2, weightInitStd: 'he', seed: 9, dtype });
        const c = make(), d = make();
        for (let step = 0; step < 2; step++) assertSameGradients(c.gradient(sparse.take(rows), t), d.gradient(floatsOf(x, rows), t), `MultiLayerNetExtend gradient ${step}`);
        assertSameBits(c.predict(sparse.range(4, 20)).data, d.predict(x.toFloats(4, 20)).data, 'MultiLayerNetExtend predict');
      });
    }

    it('a Trainer fed bytes too dense to compress reads them as bytes, with the bits of floats', () => {
      setBackend(backend);
      for (const dtype of ['float64', 'float32'] as const) {
        const x = images(60, [64], dtype, 12, 0.3), xt = images(20, [64], dtype, 13, 0.3);
        assert.equal(SparseImages.compress(x), undefined, '70% nonzero is not worth compressing');
        trainBothWays(x, labels(60, 10), xt, labels(20, 10), 12);
      }
    });

    it('an Affine layer refuses bytes of the wrong row size or dtype with one clear error', () => {
      setBackend(backend);
      const net = new TwoLayerNet(64, 20, 10, { weightInitStd: 0.1, seed: 4 });
      assert.throws(() => net.predict(images(3, [63], 'float64', 1)), /TwoLayerNet: input has shape \[3, 63\] but the network takes \[batch, 64\]/);
      assert.throws(() => net.predict(images(3, [64], 'float32', 1)), /TwoLayerNet: input is float32 but the network is float64/);
    });
  });
}
