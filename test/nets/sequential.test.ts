import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradientCheck } from '../../src/gradient/gradient_check.js';
import { Affine } from '../../src/layers/affine.js';
import { BatchNormalization } from '../../src/layers/batch_normalization.js';
import { Dropout } from '../../src/layers/dropout.js';
import { Relu } from '../../src/layers/relu.js';
import { Sigmoid } from '../../src/layers/sigmoid.js';
import { SoftmaxWithLoss } from '../../src/layers/softmax_with_loss.js';
import { Tanh } from '../../src/layers/tanh.js';
import type { Layer } from '../../src/layers/layer.js';
import { Sequential } from '../../src/nets/sequential.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';

function affine(n: number, m: number, rng: Random): Affine {
  return new Affine(randomTensor([n, m], rng), randomTensor([m], rng));
}

function batchNorm(n: number, rng: Random): BatchNormalization {
  const gamma = randomTensor([n], rng);
  for (let i = 0; i < n; i++) gamma.data[i] = 1 + gamma.data[i]! / 2;
  return new BatchNormalization(gamma, randomTensor([n], rng));
}

/** Affine, BN, Relu, Dropout, Affine, BN, Tanh, Dropout, Affine, Sigmoid, Affine: every kind of layer. */
function makeLayers(rng: Random): Layer[] {
  return [
    affine(4, 6, rng), batchNorm(6, rng), new Relu(), new Dropout(0.3, 1),
    affine(6, 5, rng), batchNorm(5, rng), new Tanh(), new Dropout(0.3, 2),
    affine(5, 4, rng), new Sigmoid(), affine(4, 3, rng),
  ];
}

function labels(n: number, classes: number, rng: Random): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(classes));
}

describe('Sequential', () => {
  it('names parameters, buffers and layer states as the book does', () => {
    const net = new Sequential(makeLayers(new Random(1)), new SoftmaxWithLoss());
    assert.deepEqual(Object.keys(net.params), ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3', 'W4', 'b4']);
    assert.deepEqual(Object.keys(net.grads), Object.keys(net.params));
    assert.equal(net.params.gamma2, (net.layers[5] as BatchNormalization).gamma);
    assert.equal(net.grads.W3, (net.layers[8] as Affine).dW);
    assert.deepEqual(Object.keys(net.buffers()), ['runningMean1', 'runningVar1', 'runningMean2', 'runningVar2']);
    assert.equal(net.buffers().runningVar2, (net.layers[5] as BatchNormalization).runningVar);
    assert.deepEqual(Object.keys(net.layerStates()), ['Dropout1', 'Dropout2']);
  });

  it('backprop matches central differences for every parameter, with BatchNorm, Dropout and weight decay', () => {
    const rng = new Random(2);
    const net = new Sequential(makeLayers(rng), new SoftmaxWithLoss(), { weightDecayLambda: 0.1 });
    const x = randomTensor([8, 4], rng);
    const t = labels(8, 3, rng);
    const diff = gradientCheck(net, x, t);
    assert.deepEqual(Object.keys(diff), Object.keys(net.params));
    for (const [key, d] of Object.entries(diff)) assert.ok(d.max < 1e-7, `${key}: max diff ${d.max}`);
  });

  it('numericalGradient leaves running statistics and Dropout generators as it found them', () => {
    const rng = new Random(3);
    const net = new Sequential(makeLayers(rng), new SoftmaxWithLoss());
    const x = randomTensor([5, 4], rng);
    const t = labels(5, 3, rng);
    net.gradient(x, t);
    const buffers = Object.fromEntries(Object.entries(net.buffers()).map(([k, v]) => [k, v.clone()]));
    const states = JSON.stringify(net.layerStates());
    net.numericalGradient(x, t);
    for (const [k, v] of Object.entries(net.buffers())) assert.deepEqual(v.data, buffers[k]!.data, k);
    assert.equal(JSON.stringify(net.layerStates()), states);
  });

  it('adds ½λΣ‖W‖² to the loss and λW to each W\'s gradient, nothing to b, gamma, beta', () => {
    const rng = new Random(4);
    const layers = [affine(4, 6, rng), batchNorm(6, rng), new Relu(), affine(6, 3, rng)];
    const plain = new Sequential(layers, new SoftmaxWithLoss());
    const decayed = new Sequential(layers, new SoftmaxWithLoss(), { weightDecayLambda: 0.3 });
    const x = randomTensor([5, 4], rng);
    const t = labels(5, 3, rng);
    let sum = 0;
    for (const key of ['W1', 'W2']) for (const w of plain.params[key]!.data) sum += w * w;
    assert.ok(Math.abs(decayed.loss(x, t) - plain.loss(x, t) - 0.5 * 0.3 * sum) < 1e-14);
    const g0 = Object.fromEntries(Object.entries(plain.gradient(x, t)).map(([k, v]) => [k, v.clone()]));
    const g1 = decayed.gradient(x, t);
    for (const key of Object.keys(g0)) {
      const w = plain.params[key]!.data;
      for (let i = 0; i < w.length; i++) {
        const expected = key.startsWith('W') ? g0[key]!.data[i]! + 0.3 * w[i]! : g0[key]!.data[i]!;
        assert.equal(g1[key]!.data[i], expected, `${key}[${i}]`);
      }
    }
  });

  it('predicts in test mode by default: no masks drawn, running statistics used and left alone', () => {
    const rng = new Random(5);
    const net = new Sequential(makeLayers(rng), new SoftmaxWithLoss());
    const x = randomTensor([6, 4], rng);
    net.gradient(x, labels(6, 3, rng));
    const states = JSON.stringify(net.layerStates());
    const mean = net.buffers().runningMean1!.clone();
    const a = net.predict(x).clone();
    const b = net.predict(x);
    assert.deepEqual(a.data, b.data);
    assert.equal(JSON.stringify(net.layerStates()), states);
    assert.deepEqual(net.buffers().runningMean1!.data, mean.data);
    assert.notDeepEqual(net.predict(x, true).data, a.data);
  });

  it('scores accuracy against labels or one-hot targets', () => {
    const rng = new Random(6);
    const net = new Sequential([affine(4, 3, rng)], new SoftmaxWithLoss());
    const x = randomTensor([7, 4], rng);
    const scores = net.predict(x);
    const predicted = Int32Array.from({ length: 7 }, (_, i) => {
      const row = Array.from(scores.data.subarray(i * 3, i * 3 + 3));
      return row.indexOf(Math.max(...row));
    });
    const t = predicted.map((p, i) => (i < 3 ? (p + 1) % 3 : p));
    assert.equal(net.accuracy(x, t), 4 / 7);
    const oneHot = Tensor.zeros([7, 3]);
    t.forEach((c, i) => oneHot.set(1, i, c));
    assert.equal(net.accuracy(x, oneHot), 4 / 7);
    assert.throws(() => net.accuracy(x, new Int32Array(6)), /Sequential.accuracy: targets \[6\] do not match input \[7, 4\]/);
  });

  it('restores Dropout states by name and refuses unknown ones', () => {
    const net = new Sequential(makeLayers(new Random(7)), new SoftmaxWithLoss());
    const states = net.layerStates();
    const x = randomTensor([3, 4], new Random(8));
    const first = net.predict(x, true).clone();
    net.loadLayerStates(JSON.parse(JSON.stringify(states)) as Record<string, unknown>);
    assert.deepEqual(net.predict(x, true).data, first.data);
    assert.throws(() => net.loadLayerStates({ Dropout3: states.Dropout1 }), /Sequential.loadLayerStates: no layer Dropout3 \(stateful layers: Dropout1, Dropout2\)/);
    assert.throws(() => net.loadLayerStates({ Dropout1: states.Dropout1 }), /state of Dropout2 is missing/);
  });

  it('refuses unknown options, a bad λ and no layers', () => {
    const rng = new Random(9);
    assert.throws(() => new Sequential([affine(2, 2, rng)], new SoftmaxWithLoss(), { weightDecay: 0.1 } as object), /Sequential: unknown option 'weightDecay' \(it takes weightDecayLambda, evalBatchSize\)/);
    assert.throws(() => new Sequential([affine(2, 2, rng)], new SoftmaxWithLoss(), { weightDecayLambda: -1 }), /weightDecayLambda must be a finite number ≥ 0, got -1/);
    assert.throws(() => new Sequential([], new SoftmaxWithLoss()), /Sequential: needs at least one layer/);
  });
});
