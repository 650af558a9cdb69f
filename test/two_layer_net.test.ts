import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMnist } from '../src/data/mnist.js';
import { compareGradients, gradientCheck } from '../src/gradient/gradient_check.js';
import { TwoLayerNet } from '../src/nets/two_layer_net.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { randomTensor } from './helpers.js';

describe('TwoLayerNet', () => {
  it('initialises W with the given std and b with zeros, reproducibly from the seed', () => {
    const a = new TwoLayerNet(20, 30, 5, { seed: 1, weightInitStd: 0.5 });
    const b = new TwoLayerNet(20, 30, 5, { seed: 1, weightInitStd: 0.5 });
    assert.deepEqual(a.params.W1.data, b.params.W1.data);
    assert.deepEqual(a.params.W1.shape, [20, 30]);
    assert.deepEqual(a.params.b2.shape, [5]);
    assert.ok(a.params.b1.data.every((v) => v === 0));
    let sq = 0;
    for (const v of a.params.W1.data) sq += v * v;
    assert.ok(Math.abs(Math.sqrt(sq / a.params.W1.size) - 0.5) < 0.05);
  });

  it('backprop matches numerical gradients on random data (labels and one-hot)', () => {
    const rng = new Random(11);
    const net = new TwoLayerNet(7, 6, 4, { seed: 3, weightInitStd: 0.5 });
    const x = randomTensor([5, 7], rng);
    const labels = Int32Array.from([0, 3, 1, 1, 2]);
    const hot = Tensor.zeros([5, 4]);
    labels.forEach((l, i) => hot.set(1, i, l));
    for (const t of [labels, hot]) {
      for (const [key, diff] of Object.entries(gradientCheck(net, x, t))) assert.ok(diff.max < 1e-9, `${key}: max diff ${diff.max}`);
    }
  });

  it('reproduces the seed gradient_check on the first 3 MNIST images (every parameter < 1e-6), by both numerical methods', () => {
    const data = loadMnist({ oneHotLabel: true });
    const net = new TwoLayerNet(784, 50, 10);
    const x = data.xTrain.slice(0, 3);
    const t = (data.tTrain as Tensor).slice(0, 3);
    const plain = net.numericalGradient(x, t, { method: 'plain' });
    const incremental = net.numericalGradient(x, t, { method: 'incremental' });
    const backprop = net.gradient(x, t);
    for (const numerical of [plain, incremental]) {
      const diff = compareGradients(backprop, numerical);
      assert.deepEqual(Object.keys(diff), ['W1', 'b1', 'W2', 'b2']);
      // The issue's bound is 1e-6; nabla reaches the notes' 1e-13 (weights) and 1e-10 (b2).
      for (const [key, { mean }] of Object.entries(diff)) assert.ok(mean < (key === 'b2' ? 1e-9 : 1e-11), `${key}: ${mean}`);
    }
    // The same central differences, so they agree to rounding, far below the check's 1e-13.
    for (const [key, { max }] of Object.entries(compareGradients(plain, incremental))) assert.ok(max < 1e-10, `${key}: plain vs incremental ${max}`);
  });

  it('incremental numerical gradients match the plain ones on random data, labels and one-hot', () => {
    const rng = new Random(4);
    const net = new TwoLayerNet(9, 7, 5, { seed: 8, weightInitStd: 0.7 });
    const x = randomTensor([6, 9], rng);
    x.data[3] = 0; // an input that is zero in one row only
    for (let i = 0; i < 6; i++) x.data[i * 9 + 2] = 0; // and one that is zero in every row
    const labels = Int32Array.from([4, 0, 1, 1, 3, 2]);
    const hot = Tensor.zeros([6, 5]);
    labels.forEach((l, i) => hot.set(1, i, l));
    for (const t of [labels, hot]) {
      const diff = compareGradients(net.numericalGradient(x, t, { method: 'plain' }), net.numericalGradient(x, t, { method: 'incremental' }));
      for (const [key, { max }] of Object.entries(diff)) assert.ok(max < 1e-10, `${key}: ${max}`);
    }
    assert.throws(() => net.numericalGradient(x, Int32Array.from([0]), { method: 'incremental' }), /SoftmaxWithLoss: 1 labels for scores of shape \[6, 5\]/);
    assert.throws(() => new TwoLayerNet(3, 2, 2, { dtype: 'float32' }).numericalGradient(Tensor.zeros([1, 3], 'float32'), Int32Array.from([0]), { method: 'incremental' }), /float64 networks only/);
  });

  it('scores accuracy in blocks and agrees with one-hot targets', () => {
    const rng = new Random(2);
    const net = new TwoLayerNet(4, 3, 3, { seed: 5, weightInitStd: 1 });
    const x = randomTensor([25, 4], rng);
    const predicted = new Int32Array(25);
    const scores = net.predict(x);
    for (let i = 0; i < 25; i++) predicted[i] = [0, 1, 2].reduce((best, j) => (scores.get(i, j) > scores.get(i, best) ? j : best), 0);
    const labels = predicted.map((p, i) => (i % 5 === 0 ? (p + 1) % 3 : p));
    assert.equal(net.accuracy(x, labels), 20 / 25);
    const hot = Tensor.zeros([25, 3]);
    labels.forEach((l, i) => hot.set(1, i, l));
    assert.equal(net.accuracy(x, hot), 20 / 25);
  });

  it('names the shapes on bad input', () => {
    const net = new TwoLayerNet(784, 50, 10);
    assert.throws(() => net.predict(Tensor.zeros([2, 783])), /TwoLayerNet: input has shape \[2, 783\] but the network takes \[batch, 784\]/);
    assert.throws(() => new TwoLayerNet(0, 5, 2), /inputSize must be a positive integer, got 0/);
  });
});
