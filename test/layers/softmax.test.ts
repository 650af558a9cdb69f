import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Softmax } from '../../src/layers/softmax.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, randomTensor } from '../helpers.js';
import { checkLayerGradient } from './check_layer.js';

describe('Softmax', () => {
  it('gives each row exp(x − max) / Σ exp(x − max), even for large scores', () => {
    const out = new Softmax().forward(Tensor.from([[1, 2, 3], [1000, 1000, 1000]]));
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0]! + e[1]! + e[2]!;
    assertClose(out.data, [e[0]! / s, e[1]! / s, e[2]! / s, 1 / 3, 1 / 3, 1 / 3], 1e-15, 'softmax');
  });

  it('backward is the Jacobian–vector product, checked numerically', () => {
    const rng = new Random(3);
    checkLayerGradient(new Softmax(), randomTensor([5, 4], rng), rng);
    checkLayerGradient(new Softmax(), randomTensor([2, 3, 6], rng), rng);
  });

  it('backward of an all-ones dout is zero (the rows always sum to one)', () => {
    const layer = new Softmax();
    layer.forward(randomTensor([3, 4], new Random(1)));
    const dx = layer.backward(Tensor.full([3, 4], 1));
    for (const v of dx.data) assert.ok(Math.abs(v) < 1e-15);
  });

  it('refuses a scalar and dout of another shape', () => {
    assert.throws(() => new Softmax().forward(Tensor.from(1)), /Softmax: input must have at least one axis/);
    const layer = new Softmax();
    layer.forward(Tensor.zeros([2, 3]));
    assert.throws(() => layer.backward(Tensor.zeros([2, 4])), /Softmax: dout has shape \[2, 4\] but the forward output has shape \[2, 3\]/);
  });
});
