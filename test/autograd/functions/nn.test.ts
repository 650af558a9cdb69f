import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, noGrad, Variable } from '../../../src/autograd/core.js';
import { dropout } from '../../../src/autograd/functions/dropout.js';
import { linear } from '../../../src/autograd/functions/linear.js';
import { matmul } from '../../../src/autograd/functions/matmul.js';
import { mul } from '../../../src/autograd/functions/mul.js';
import { relu } from '../../../src/autograd/functions/relu.js';
import { sigmoid } from '../../../src/autograd/functions/sigmoid.js';
import { softmax } from '../../../src/autograd/functions/softmax.js';
import { softmaxCrossEntropy } from '../../../src/autograd/functions/softmax_cross_entropy.js';
import { sumRows } from '../../../src/autograd/functions/sum_rows.js';
import { Dropout as DropoutLayer } from '../../../src/layers/dropout.js';
import { SoftmaxWithLoss } from '../../../src/layers/softmax_with_loss.js';
import { matmul as matmulTensors, transpose } from '../../../src/tensor/ops.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { maxAbsDiff, randomTensor } from '../../helpers.js';
import { checkGradient, checkSecondOrder } from './check_grad.js';

const labels = Int32Array.from([2, 0, 3, 3, 1]);

describe('autograd matmul', () => {
  it('computes op(a)·op(b) for every combination of transposes', () => {
    const rng = new Random(1);
    const a = randomTensor([3, 4], rng);
    const b = randomTensor([4, 2], rng);
    const expected = matmulTensors(a, b).data;
    assert.ok(maxAbsDiff(matmul(a, b).data.data, expected) < 1e-15);
    assert.ok(maxAbsDiff(matmul(transpose(a), b, { transA: true }).data.data, expected) < 1e-15);
    assert.ok(maxAbsDiff(matmul(a, transpose(b), { transB: true }).data.data, expected) < 1e-15);
    assert.ok(maxAbsDiff(matmul(transpose(a), transpose(b), { transA: true, transB: true }).data.data, expected) < 1e-15);
  });

  for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`has gradients and second derivatives equal to central differences (transA ${transA}, transB ${transB})`, () => {
      const rng = new Random(2);
      const a = randomTensor(transA ? [4, 3] : [3, 4], rng);
      const b = randomTensor(transB ? [2, 4] : [4, 2], rng);
      // A product of two inputs has cross second derivatives; a square of one has its own.
      checkGradient((x, y) => matmul(x, y, { transA, transB }), [a, b], rng);
      checkSecondOrder((x, y) => matmul(x, y, { transA, transB }), [a, b], rng);
      const square = randomTensor([3, 3], rng);
      checkSecondOrder((x) => matmul(x, x, { transA, transB }), [square], rng);
    });
  }
});

describe('autograd linear', () => {
  it('is x·W + b, and has the gradients of central differences for x, W and b', () => {
    const rng = new Random(3);
    const x = randomTensor([5, 4], rng);
    const W = randomTensor([4, 3], rng);
    const b = randomTensor([3], rng);
    const y = linear(new Variable(x), W, b);
    const expected = matmulTensors(x, W);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 3; j++) expected.data[i * 3 + j]! += b.data[j]!;
    assert.ok(maxAbsDiff(y.data.data, expected.data) < 1e-15);
    checkGradient((xv, Wv, bv) => linear(xv, Wv, bv), [x, W, b], rng);
    checkGradient((xv, Wv) => linear(xv, Wv), [x, W], rng);
    checkSecondOrder((xv, Wv, bv) => linear(xv, Wv, bv), [x, W, b], rng);
    checkSecondOrder((xv) => linear(xv, mul(xv, 0.5)), [randomTensor([4, 4], rng)], rng);
  });

  it('treats an x given as a Tensor as constant data: W and b get gradients, x no node', () => {
    const rng = new Random(4);
    const x = randomTensor([5, 4], rng);
    const W = new Variable(randomTensor([4, 3], rng));
    const b = new Variable(randomTensor([3], rng));
    const y = linear(x, W, b);
    assert.deepEqual(y.creator!.inputs, [W, b]);
    const w = randomTensor([5, 3], rng);
    y.grad = new Variable(w);
    y.backward();
    assert.ok(maxAbsDiff(W.grad!.data.data, matmulTensors(x, w, { transA: true }).data) < 1e-15);
    checkGradient((Wv, bv) => linear(x, Wv, bv), [W.data, b.data], rng);
    checkSecondOrder((Wv, bv) => linear(x, mul(Wv, Wv), bv), [W.data, b.data], rng);
  });

  it('refuses mismatched shapes and dtypes in one line naming them', () => {
    const x = Tensor.zeros([2, 3]);
    assert.throws(() => linear(x, Tensor.zeros([4, 2])), /^RangeError: linear: x \[2, 3\] and W \[4, 2\] do not make x·W/);
    assert.throws(() => linear(x, Tensor.zeros([3, 2]), Tensor.zeros([3])), /^RangeError: linear: b has shape \[3\] but W \[3, 2\] needs b of shape \[2\]$/);
    assert.throws(() => linear(x, Tensor.zeros([3, 2], 'float32')), /^TypeError: linear: x is float64 but W is float32$/);
  });
});

describe('autograd sumRows', () => {
  it('sums over the rows with first and second derivatives of central differences, and refuses what is not 2-d', () => {
    const rng = new Random(12);
    const x = randomTensor([4, 3], rng);
    const y = sumRows(x).data.data;
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(y[j]! - (x.data[j]! + x.data[3 + j]! + x.data[6 + j]! + x.data[9 + j]!)) < 1e-15);
    checkGradient((v) => sumRows(v), [x], rng);
    checkSecondOrder((v) => sumRows(mul(v, v)), [x], rng);
    assert.throws(() => sumRows(Tensor.zeros([3])), /^RangeError: sumRows: expected a 2-d input, got \[3\]$/);
  });
});

describe('autograd activations', () => {
  it('sigmoid is 1/(1 + e⁻ˣ) with first and second derivatives of central differences', () => {
    const rng = new Random(5);
    const x = randomTensor([3, 4], rng);
    const y = sigmoid(x).data.data;
    x.data.forEach((v, i) => assert.ok(Math.abs(y[i]! - 1 / (1 + Math.exp(-v))) < 1e-15));
    checkGradient((v) => sigmoid(v), [x], rng);
    checkSecondOrder((v) => sigmoid(v), [x], rng);
  });

  it('relu is the book mask: x where x > 0, else 0, gradient gy·(x > 0), second derivative 0', () => {
    const rng = new Random(6);
    const x = randomTensor([4, 5], rng);
    const y = relu(x).data.data;
    x.data.forEach((v, i) => assert.equal(y[i], v > 0 ? v : 0));
    checkGradient((v) => relu(v), [x], rng);
    checkSecondOrder((v) => mul(relu(v), relu(v)), [x], rng); // relu², whose second derivative is 2·(x > 0)
    // relu(x)·z: ∂/∂z of the x-gradient is the mask again, which the mask's own backward must apply.
    checkSecondOrder((v, z) => mul(relu(v), z), [x, randomTensor([4, 5], rng)], rng);
    const xv = new Variable(Tensor.from([-1, 0, 2]));
    relu(xv).backward();
    assert.deepEqual(Array.from(xv.grad!.data.data), [0, 0, 1]);
  });

  for (const axis of [1, 0, -1]) {
    it(`softmax along axis ${axis} sums to 1 and has first and second derivatives of central differences`, () => {
      const rng = new Random(7);
      const x = randomTensor([3, 4], rng);
      const y = softmax(x, axis).data;
      const [rows, cols] = [3, 4];
      const ax = axis === 0 ? 0 : 1;
      for (let k = 0; k < (ax === 1 ? rows : cols); k++) {
        let s = 0;
        for (let m = 0; m < (ax === 1 ? cols : rows); m++) s += ax === 1 ? y.data[k * cols + m]! : y.data[m * cols + k]!;
        assert.ok(Math.abs(s - 1) < 1e-15);
      }
      checkGradient((v) => softmax(v, axis), [x], rng);
      checkSecondOrder((v) => softmax(v, axis), [x], rng);
    });
  }

  it('softmax is stable for large scores and refuses what is not 2-d or a bad axis', () => {
    const y = softmax(Tensor.from([[1000, 1001], [-1000, -1000]])).data.data;
    assert.ok(Math.abs(y[1]! - 1 / (1 + Math.exp(-1))) < 1e-15 && y[2] === 0.5);
    assert.throws(() => softmax(Tensor.zeros([2, 2, 2])), /^RangeError: softmax: expected a 2-d input, got \[2, 2, 2\]$/);
    assert.throws(() => softmax(Tensor.zeros([2, 2]), 2), /^RangeError: softmax: axis must be 0 or 1/);
  });
});

describe('autograd softmaxCrossEntropy', () => {
  it('is the SoftmaxWithLoss layer’s loss, and its gradient is the layer’s dx, for both dtypes', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const rng = new Random(8);
      const x = randomTensor([5, 4], rng, dtype);
      const layer = new SoftmaxWithLoss();
      const expectedLoss = layer.forward(x, labels);
      const xv = new Variable(x);
      const loss = softmaxCrossEntropy(xv, labels);
      assert.equal(loss.dtype, dtype);
      // The loss is a tensor of the scores' dtype: a float32 loss is the layer's number rounded to float32.
      assert.equal(loss.data.item(), dtype === 'float32' ? Math.fround(expectedLoss) : expectedLoss);
      loss.backward();
      assert.deepEqual(Array.from(xv.grad!.data.data), Array.from(layer.backward(1).data));
    }
  });

  it('has first and second derivatives of central differences (the 1e-7 guard included)', () => {
    const rng = new Random(9);
    const x = randomTensor([5, 4], rng);
    checkGradient((v) => softmaxCrossEntropy(v, labels), [x], rng);
    checkSecondOrder((v) => softmaxCrossEntropy(v, labels), [x], rng);
    // The graph-building backward (createGraph) gives the first-order kernel's values.
    const a = new Variable(x);
    softmaxCrossEntropy(a, labels).backward();
    const b = new Variable(x);
    softmaxCrossEntropy(b, labels).backward({ createGraph: true });
    assert.ok(maxAbsDiff(a.grad!.data.data, b.grad!.data.data) < 1e-16);
    // gy other than 1 scales it
    const c = new Variable(x);
    mul(softmaxCrossEntropy(c, labels), 3).backward();
    assert.ok(maxAbsDiff(c.grad!.data.data, Array.from(a.grad!.data.data, (g) => 3 * g)) < 1e-15);
  });

  it('refuses labels that do not fit the scores, in one line', () => {
    const x = Tensor.zeros([2, 3]);
    assert.throws(() => softmaxCrossEntropy(x, Int32Array.from([0])), /^RangeError: softmaxCrossEntropy: 1 labels for scores of shape \[2, 3\] \(expected 2\)$/);
    assert.throws(() => softmaxCrossEntropy(x, Int32Array.from([0, 3])), /^RangeError: softmaxCrossEntropy: label 3 at row 1 is outside \[0, 3\)/);
    assert.throws(() => softmaxCrossEntropy(x, [0, 1] as never), /^TypeError: softmaxCrossEntropy: t must be an Int32Array/);
    assert.throws(() => softmaxCrossEntropy(Tensor.zeros([0, 3]), new Int32Array(0)), /^RangeError: softmaxCrossEntropy: the batch is empty$/);
  });
});

describe('autograd dropout', () => {
  it('drops what the Dropout layer drops for the same generator, and passes gy through the same mask', () => {
    const rng = new Random(10);
    const x = randomTensor([4, 6], rng);
    const layer = new DropoutLayer(0.3, new Random(77));
    const expected = layer.forward(x, true);
    const xv = new Variable(x);
    const y = dropout(xv, 0.3, new Random(77));
    assert.deepEqual(Array.from(y.data.data), Array.from(expected.data));
    const gy = randomTensor([4, 6], rng);
    y.grad = new Variable(gy);
    y.backward();
    assert.deepEqual(Array.from(xv.grad!.data.data), Array.from(layer.backward(gy).data));
  });

  it('in test mode scales by 1 − ratio, as the layer does, and refuses a bad ratio', () => {
    const x = Tensor.from([[1, 2], [3, 4]]);
    const xv = new Variable(x);
    const y = dropout(xv, 0.25, new Random(1), false);
    assert.deepEqual(Array.from(y.data.data), [0.75, 1.5, 2.25, 3]);
    y.backward();
    assert.deepEqual(Array.from(xv.grad!.data.data), [0.75, 0.75, 0.75, 0.75]);
    assert.throws(() => dropout(x, 1, new Random(1)), /^RangeError: dropout: ratio must be in \[0, 1\), got 1$/);
  });

  it('records no graph under noGrad, and a gradient through two uses sums', () => {
    const x = new Variable(Tensor.from([[0.5, -0.5]]));
    assert.equal(noGrad(() => sigmoid(x)).creator, null);
    const y = add(relu(x), relu(x));
    y.backward();
    assert.deepEqual(Array.from(x.grad!.data.data), [2, 0]);
  });
});
