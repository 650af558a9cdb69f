import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tanh } from '../../src/layers/tanh.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';
import { checkLayerGradient } from './check_layer.js';

describe('Tanh', () => {
  it('computes tanh and has no parameters', () => {
    const out = new Tanh().forward(Tensor.from([[-2, 0, 0.5]]));
    assert.deepEqual(Array.from(out.data), [Math.tanh(-2), 0, Math.tanh(0.5)]);
    assert.deepEqual(new Tanh().params(), []);
  });

  it('backward matches numerical differentiation on 2-d and 3-d input', () => {
    const rng = new Random(7);
    checkLayerGradient(new Tanh(), randomTensor([4, 5], rng), rng);
    checkLayerGradient(new Tanh(), randomTensor([2, 3, 4], rng), rng);
  });

  it('refuses backward before forward and a dout of another shape', () => {
    const layer = new Tanh();
    assert.throws(() => layer.backward(Tensor.zeros([2, 2])), /Tanh: backward\(\) called before forward\(\)/);
    layer.forward(Tensor.zeros([2, 3]));
    assert.throws(() => layer.backward(Tensor.zeros([3, 2])), /Tanh: dout has shape \[3, 2\] but the forward output has shape \[2, 3\]/);
  });
});
