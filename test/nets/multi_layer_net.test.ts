import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradientCheck } from '../../src/gradient/gradient_check.js';
import { MultiLayerNet, type Activation } from '../../src/nets/multi_layer_net.js';
import type { WeightInit } from '../../src/nets/weight_init.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';

describe('MultiLayerNet', () => {
  it('builds the book\'s layers and parameters: W = scale·randn drawn in order, b = 0', () => {
    const net = new MultiLayerNet(6, [5, 4], 3, { seed: 11 });
    assert.deepEqual(net.layers.map((l) => l.name), ['Affine', 'Relu', 'Affine', 'Relu', 'Affine']);
    assert.deepEqual(Object.keys(net.params), ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    const rng = new Random(11);
    for (const [key, shape, nPrev] of [['W1', [6, 5], 6], ['W2', [5, 4], 5], ['W3', [4, 3], 4]] as const) {
      const expected = Tensor.randn([...shape], rng);
      assert.deepEqual(net.params[key]!.shape, shape);
      assert.deepEqual(Array.from(net.params[key]!.data), Array.from(expected.data, (v) => Math.sqrt(2 / nPrev) * v), `${key}: He init is the book's default`);
    }
    for (const key of ['b1', 'b2', 'b3']) assert.ok(net.params[key]!.data.every((v) => v === 0));
    assert.equal(net.outputSize, 3);
  });

  it('takes the activation and init the book offers', () => {
    const inits: [WeightInit, (n: number) => number][] = [[0.01, () => 0.01], ['xavier', (n) => Math.sqrt(1 / n)], ['sigmoid', (n) => Math.sqrt(1 / n)], ['he', (n) => Math.sqrt(2 / n)]];
    for (const [init, scale] of inits) {
      const net = new MultiLayerNet(8, [2], 2, { weightInitStd: init, seed: 1 });
      const first = new Random(1).normal();
      assert.equal(net.params.W1!.data[0], scale(8) * first, String(init));
    }
    for (const [activation, name] of [['sigmoid', 'Sigmoid'], ['tanh', 'Tanh'], ['relu', 'Relu']] as const) {
      assert.equal(new MultiLayerNet(2, [2], 2, { activation }).layers[1]!.name, name);
    }
    assert.deepEqual(new MultiLayerNet(2, [], 2).layers.map((l) => l.name), ['Affine']);
  });

  it('backprop matches central differences, with weight decay, for each activation', () => {
    // A seed where no ReLU input sits on its kink: with b = 0, a row whose hidden units are
    // all off feeds exactly 0 to the next ReLU, where central differences are meaningless.
    const rng = new Random(13);
    const x = randomTensor([6, 5], rng);
    const t = Int32Array.from({ length: 6 }, () => rng.int(3));
    for (const activation of ['relu', 'sigmoid', 'tanh'] as Activation[]) {
      const net = new MultiLayerNet(5, [4, 4], 3, { activation, weightInitStd: 0.5, weightDecayLambda: 0.05, seed: 3 });
      for (const [key, d] of Object.entries(gradientCheck(net, x, t))) assert.ok(d.max < 1e-7, `${activation} ${key}: max diff ${d.max}`);
    }
  });

  it('is reproducible from its seed and describes itself', () => {
    const a = new MultiLayerNet(4, [3], 2, { seed: 5, activation: 'sigmoid', weightDecayLambda: 0.1 });
    const spec = a.spec();
    assert.deepEqual(spec, {
      type: 'MultiLayerNet', inputSize: 4, hiddenSizeList: [3], outputSize: 2, activation: 'sigmoid', weightInitStd: 'relu',
      weightDecayLambda: 0.1, useDropout: false, dropoutRatio: 0.5, useBatchnorm: false, seed: 5, dtype: 'float64',
    });
    const b = new MultiLayerNet(spec.inputSize, spec.hiddenSizeList, spec.outputSize, { activation: spec.activation, weightInitStd: spec.weightInitStd, weightDecayLambda: spec.weightDecayLambda, seed: spec.seed, dtype: spec.dtype });
    for (const key of Object.keys(a.params)) assert.deepEqual(a.params[key]!.data, b.params[key]!.data);
  });

  it('works in float32', () => {
    const net = new MultiLayerNet(4, [3], 2, { dtype: 'float32' });
    const x = randomTensor([2, 4], new Random(1), 'float32');
    assert.ok(Number.isFinite(net.loss(x, new Int32Array([0, 1]))));
    assert.equal(net.gradient(x, new Int32Array([0, 1])).W1!.dtype, 'float32');
  });

  it('refuses options it does not know and bad arguments, naming them', () => {
    assert.throws(() => new MultiLayerNet(4, [3], 2, { useDropout: true } as object), /MultiLayerNet: unknown option 'useDropout' \(it takes activation, weightInitStd, weightDecayLambda, seed, dtype\)/);
    assert.throws(() => new MultiLayerNet(0, [3], 2), /MultiLayerNet: inputSize must be a positive integer, got 0/);
    assert.throws(() => new MultiLayerNet(4, [3, 0], 2), /MultiLayerNet: hiddenSizeList must be a list of positive integers, got \[3,0\]/);
    assert.throws(() => new MultiLayerNet(4, [3], 2, { activation: 'gelu' as Activation }), /MultiLayerNet: activation must be one of relu, sigmoid, tanh, got 'gelu'/);
    assert.throws(() => new MultiLayerNet(4, [3], 2, { weightInitStd: 'lecun' as WeightInit }), /unknown weight init 'lecun'/);
    assert.throws(() => new MultiLayerNet(4, [3], 2, { weightDecayLambda: Number.NaN }), /weightDecayLambda must be a finite number ≥ 0/);
    assert.throws(() => new MultiLayerNet(4, [3], 2, { seed: 1.5 }), /MultiLayerNet: seed must be an integer, got 1.5/);
  });
});
