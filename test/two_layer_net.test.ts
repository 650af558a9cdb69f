import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMnist } from '../src/data/mnist.js';
import { gradientCheck } from '../src/gradient/gradient_check.js';
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

  it('reproduces the seed gradient_check on the first 3 MNIST images (every parameter < 1e-6)', () => {
    const data = loadMnist({ oneHotLabel: true });
    const net = new TwoLayerNet(784, 50, 10);
    const diff = gradientCheck(net, data.xTrain.slice(0, 3), (data.tTrain as Tensor).slice(0, 3));
    assert.deepEqual(Object.keys(diff), ['W1', 'b1', 'W2', 'b2']);
    for (const [key, { mean }] of Object.entries(diff)) assert.ok(mean < 1e-6, `${key}: ${mean}`);
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
