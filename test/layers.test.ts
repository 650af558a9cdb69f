import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numericalGradient } from '../src/gradient/numerical_gradient.js';
import { Affine } from '../src/layers/affine.js';
import { AddLayer } from '../src/layers/add_layer.js';
import type { Layer } from '../src/layers/layer.js';
import { MulLayer } from '../src/layers/mul_layer.js';
import { Relu } from '../src/layers/relu.js';
import { Sigmoid } from '../src/layers/sigmoid.js';
import { SoftmaxWithLoss } from '../src/layers/softmax_with_loss.js';
import { oneHot } from '../src/data/mnist.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { assertClose, maxAbsDiff, randomTensor } from './helpers.js';

/** Σ out·weights: a scalar whose gradient w.r.t. out is `weights`, so backward(weights) must equal ∂/∂x. */
function weightedSum(out: Tensor, weights: Tensor): number {
  let s = 0;
  for (let i = 0; i < out.size; i++) s += out.data[i]! * weights.data[i]!;
  return s;
}

/** Checks a layer's backward against central differences of a random projection of its output. */
function checkLayerGradient(layer: Layer, x: Tensor, rng: Random, params: [Tensor, Tensor][] = []): void {
  const out = layer.forward(x);
  const weights = randomTensor([...out.shape], rng);
  const dout = weights.clone();
  const dx = layer.backward(dout).clone();
  assert.deepEqual(dout.data, weights.data, `${layer.name}.backward must not modify dout`);
  assert.deepEqual(dx.shape, x.shape, `${layer.name}: dx has the input's shape`);
  const f = (): number => weightedSum(layer.forward(x), weights);
  const numeric = numericalGradient(f, x);
  assert.ok(maxAbsDiff(dx.data, numeric.data) < 1e-7, `${layer.name} dx: max diff ${maxAbsDiff(dx.data, numeric.data)}`);
  for (const [param, grad] of params) {
    layer.forward(x);
    layer.backward(weights);
    const analytic = grad.clone();
    const numericParam = numericalGradient(f, param);
    assert.ok(maxAbsDiff(analytic.data, numericParam.data) < 1e-7, `${layer.name} param grad: max diff ${maxAbsDiff(analytic.data, numericParam.data)}`);
  }
}

describe('MulLayer and AddLayer', () => {
  it('multiply and add numbers with the chain rule', () => {
    const mul = new MulLayer();
    assert.equal(mul.forward(3, 4), 12);
    assert.deepEqual(mul.backward(2), [8, 6]);
    const add = new AddLayer();
    assert.equal(add.forward(3, 4), 7);
    assert.deepEqual(add.backward(5), [5, 5]);
  });

  it('work on tensors, reducing broadcast gradients to each input shape', () => {
    const rng = new Random(2);
    const x = randomTensor([4, 3], rng);
    const y = randomTensor([3], rng);
    const mul = new MulLayer<Tensor>();
    const out = mul.forward(x, y);
    const dout = randomTensor([4, 3], rng);
    const [dx, dy] = mul.backward(dout);
    assert.deepEqual(dx.shape, [4, 3]);
    assert.deepEqual(dy.shape, [3]);
    const f = (): number => weightedSum(mul.forward(x, y), dout);
    assertClose(dx.data, numericalGradient(f, x).data, 1e-8, 'dx');
    assertClose(dy.data, numericalGradient(f, y).data, 1e-8, 'dy');
    assert.equal(out.get(1, 2), x.get(1, 2) * y.get(2));
    const add = new AddLayer<Tensor>();
    add.forward(x, y);
    const [ax, ay] = add.backward(dout);
    assert.deepEqual(ax.data, dout.data);
    assertClose(ay.data, [0, 1, 2].map((j) => [0, 1, 2, 3].reduce((s, i) => s + dout.get(i, j), 0)), 1e-12, 'dy');
  });

  it('refuse backward before forward', () => {
    assert.throws(() => new MulLayer().backward(1), /MulLayer: backward\(\) called before forward\(\)/);
  });
});

describe('Relu', () => {
  it('zeroes negatives and passes the gradient only where x > 0', () => {
    const relu = new Relu();
    const x = Tensor.from([[1, -0.5], [-2, 3]]);
    assert.deepEqual(relu.forward(x).toArray(), [[1, 0], [0, 3]]);
    const dout = Tensor.from([[10, 20], [30, 40]]);
    assert.deepEqual(relu.backward(dout).toArray(), [[10, 0], [0, 40]]);
    assert.deepEqual(dout.toArray(), [[10, 20], [30, 40]], 'dout is untouched (the book zeroes it in place)');
  });

  for (const shape of [[1, 1], [3, 7], [5, 2, 4]]) {
    it(`passes a gradient check on shape [${shape}]`, () => checkLayerGradient(new Relu(), randomTensor(shape, new Random(shape.length)), new Random(9)));
  }

  it('names both shapes when dout does not match', () => {
    const relu = new Relu();
    relu.forward(Tensor.zeros([2, 3]));
    assert.throws(() => relu.backward(Tensor.zeros([3, 2])), /Relu: dout has shape \[3, 2\] but the forward output has shape \[2, 3\]/);
  });
});

describe('Sigmoid', () => {
  it('computes 1/(1+e^-x)', () => {
    const y = new Sigmoid().forward(Tensor.from([0, 2, -2]));
    assertClose(y.data, [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))], 1e-15, 'sigmoid');
  });
  for (const shape of [[1], [4, 5], [2, 3, 3]]) {
    it(`passes a gradient check on shape [${shape}]`, () => checkLayerGradient(new Sigmoid(), randomTensor(shape, new Random(3)), new Random(4)));
  }
});

describe('Affine', () => {
  for (const [batch, inputs, outputs] of [[1, 1, 1], [3, 5, 4], [7, 17, 3]] as const) {
    it(`passes a gradient check for x, W and b (${batch}×${inputs} → ${outputs})`, () => {
      const rng = new Random(batch + inputs);
      const layer = new Affine(randomTensor([inputs, outputs], rng), randomTensor([outputs], rng));
      checkLayerGradient(layer, randomTensor([batch, inputs], rng), rng, [[layer.W, layer.dW], [layer.b, layer.db]]);
    });
  }

  it('computes x·W + b', () => {
    const layer = new Affine(Tensor.from([[1, 2], [3, 4], [5, 6]]), Tensor.from([10, 20]));
    assert.deepEqual(layer.forward(Tensor.from([[1, 0, 1], [0, 1, 0]])).toArray(), [[16, 28], [13, 24]]);
  });

  it('flattens n-d input and gives dx back in the input shape', () => {
    const rng = new Random(5);
    const layer = new Affine(randomTensor([12, 3], rng), randomTensor([3], rng));
    const x = randomTensor([2, 1, 3, 4], rng);
    checkLayerGradient(layer, x, rng, [[layer.W, layer.dW]]);
  });

  it('names the input shape and W shape on mismatch', () => {
    const layer = new Affine(Tensor.zeros([784, 50]), Tensor.zeros([50]));
    assert.throws(() => layer.forward(Tensor.zeros([3, 785])), /Affine: input \[3, 785\] does not match W \[784, 50\]/);
    assert.throws(() => new Affine(Tensor.zeros([4, 3]), Tensor.zeros([4])), /Affine: b has shape \[4\] but W \[4, 3\] needs b of shape \[3\]/);
    assert.throws(() => layer.forward(Tensor.zeros([3, 784], 'float32')), /Affine: input is float32 but W is float64/);
  });
});

describe('SoftmaxWithLoss', () => {
  const x = Tensor.from([[0.3, 2.9, 4.0], [1000, 0, -1000]]);
  const labels = Int32Array.from([2, 0]);

  it('computes a numerically stable softmax and the book\'s cross-entropy', () => {
    const layer = new SoftmaxWithLoss();
    const loss = layer.forward(x, labels);
    const e = [Math.exp(0.3), Math.exp(2.9), Math.exp(4.0)];
    const s = e[0]! + e[1]! + e[2]!;
    assertClose(layer.probabilities.row(0).data, e.map((v) => v / s), 1e-15, 'softmax row 0');
    assertClose(layer.probabilities.row(1).data, [1, 0, 0], 1e-15, 'softmax of huge scores');
    assertClose([loss], [(-Math.log(e[2]! / s + 1e-7) - Math.log(1 + 1e-7)) / 2], 1e-14, 'loss');
  });

  it('gives the same loss and gradient for labels and one-hot targets', () => {
    const a = new SoftmaxWithLoss();
    const b = new SoftmaxWithLoss();
    assert.equal(a.forward(x, labels), b.forward(x, oneHot(labels, 3)));
    assertClose(a.backward().data, b.backward().data, 1e-15, 'dx');
  });

  for (const [batch, classes] of [[1, 2], [4, 10], [9, 3]] as const) {
    it(`passes a gradient check, with dout honoured (${batch}×${classes})`, () => {
      const rng = new Random(batch * classes);
      const scores = randomTensor([batch, classes], rng);
      const t = Int32Array.from({ length: batch }, () => rng.int(classes));
      for (const target of [t, oneHot(t, classes)]) {
        const layer = new SoftmaxWithLoss();
        layer.forward(scores, target);
        const dx = layer.backward(2.5).clone();
        const numeric = numericalGradient(() => 2.5 * layer.forward(scores, target), scores);
        assert.ok(maxAbsDiff(dx.data, numeric.data) < 1e-9, `max diff ${maxAbsDiff(dx.data, numeric.data)}`);
      }
    });
  }

  it('rejects labels that do not fit the scores', () => {
    const layer = new SoftmaxWithLoss();
    assert.throws(() => layer.forward(x, Int32Array.from([0])), /1 labels for scores of shape \[2, 3\] \(expected 2\)/);
    assert.throws(() => layer.forward(x, Int32Array.from([0, 3])), /label 3 at row 1 is outside \[0, 3\)/);
    assert.throws(() => layer.forward(x, Tensor.zeros([2, 4])), /one-hot targets have shape \[2, 4\] but scores have shape \[2, 3\]/);
    assert.throws(() => new SoftmaxWithLoss().backward(), /backward\(\) called before forward\(\)/);
  });
});

describe('numericalGradient', () => {
  it('restores every entry and matches an analytic gradient', () => {
    const x = Tensor.from([[1, -2], [3, 0.5]]);
    const before = x.clone();
    const g = numericalGradient(() => {
      let s = 0;
      for (let i = 0; i < x.size; i++) s += x.data[i]! ** 3;
      return s;
    }, x);
    assert.deepEqual(x.data, before.data);
    assertClose(g.data, Array.from(before.data, (v) => 3 * v * v), 1e-7, 'd(x³)');
  });

  it('restores the entry even when f throws', () => {
    const x = Tensor.from([5]);
    assert.throws(() => numericalGradient(() => { throw new Error('boom'); }, x), /boom/);
    assert.equal(x.item(), 5);
  });
});
