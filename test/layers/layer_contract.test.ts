import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Affine } from '../../src/layers/affine.js';
import type { Layer } from '../../src/layers/layer.js';
import { Relu } from '../../src/layers/relu.js';
import { Sigmoid } from '../../src/layers/sigmoid.js';
import { SoftmaxWithLoss } from '../../src/layers/softmax_with_loss.js';
import { Sequential } from '../../src/nets/sequential.js';
import { Random } from '../../src/tensor/random.js';
import { randomTensor } from '../helpers.js';

describe('Layer contract', () => {
  it('Affine lists W/dW and b/db as its params, the tensors it reads and writes', () => {
    const rng = new Random(1);
    const layer = new Affine(randomTensor([3, 2], rng), randomTensor([2], rng));
    const params = layer.params();
    assert.deepEqual(params.map((p) => p.name), ['W', 'b']);
    assert.equal(params[0]!.value, layer.W);
    assert.equal(params[0]!.grad, layer.dW);
    assert.equal(params[1]!.value, layer.b);
    assert.equal(params[1]!.grad, layer.db);
  });

  it('Relu and Sigmoid take the train flag and act the same either way', () => {
    const x = randomTensor([4, 3], new Random(2));
    for (const make of [() => new Relu(), () => new Sigmoid()]) {
      const layer: Layer = make();
      const train = Array.from(layer.forward(x, true).data);
      const test = Array.from(layer.forward(x, false).data);
      assert.deepEqual(test, train);
    }
  });

  it('Sequential takes its parameters from params() alone: a layer without it has none', () => {
    const rng = new Random(3);
    const a1 = new Affine(randomTensor([3, 4], rng), randomTensor([4], rng));
    const a2 = new Affine(randomTensor([4, 2], rng), randomTensor([2], rng));
    const net = new Sequential([a1, new Relu(), a2], new SoftmaxWithLoss());
    assert.deepEqual(Object.keys(net.params), ['W1', 'b1', 'W2', 'b2']);
    assert.equal(net.params.W2, a2.W);
    assert.equal(net.grads.b1, a1.db);
  });
});
