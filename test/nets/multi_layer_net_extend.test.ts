import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradientCheck } from '../../src/gradient/gradient_check.js';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { createOptimizer } from '../../src/optim/create_optimizer.js';
import type { OptimizerState } from '../../src/optim/optimizer.js';
import { Random } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';

const cloneAll = (r: Record<string, Tensor>): Record<string, Tensor> => Object.fromEntries(Object.entries(r).map(([k, t]) => [k, t.clone()]));

describe('MultiLayerNetExtend', () => {
  it('puts BatchNorm after each hidden Affine and Dropout after each activation, as the book does', () => {
    const net = new MultiLayerNetExtend(6, [5, 4], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2 });
    assert.deepEqual(net.layers.map((l) => l.name), [
      'Affine', 'BatchNormalization', 'Relu', 'Dropout', 'Affine', 'BatchNormalization', 'Relu', 'Dropout', 'Affine',
    ]);
    assert.deepEqual(Object.keys(net.params), ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3']);
    assert.ok(net.params.gamma1!.data.every((v) => v === 1) && net.params.beta2!.data.every((v) => v === 0));
    assert.deepEqual(Object.keys(net.buffers()), ['runningMean1', 'runningVar1', 'runningMean2', 'runningVar2']);
    assert.deepEqual(Object.keys(net.layerStates()), ['Dropout1', 'Dropout2']);
    assert.deepEqual(new MultiLayerNetExtend(6, [5], 3).layers.map((l) => l.name), ['Affine', 'Relu', 'Affine']);
  });

  it('the book\'s gradient_check: BatchNorm, Dropout and weight decay, every parameter below 1e-7', () => {
    const rng = new Random(20);
    for (const [hidden, batch] of [[[6, 5], 8], [[7, 3, 4], 10]] as const) {
      const net = new MultiLayerNetExtend(7, hidden, 4, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, weightDecayLambda: 0.1, weightInitStd: 0.3, seed: 7 });
      const x = randomTensor([batch, 7], rng);
      const t = Int32Array.from({ length: batch }, () => rng.int(4));
      const diff = gradientCheck(net, x, t);
      assert.equal(Object.keys(diff).length, 4 * hidden.length + 2);
      for (const [key, d] of Object.entries(diff)) assert.ok(d.max < 1e-7, `hidden ${hidden} ${key}: max diff ${d.max}`);
    }
  });

  it('an interrupted Adam run with Dropout and BatchNorm resumes bit-identically', () => {
    const options = { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2, weightDecayLambda: 0.01, seed: 3 } as const;
    const rng = new Random(21);
    const batches = Array.from({ length: 6 }, () => ({ x: randomTensor([10, 8], rng), t: Int32Array.from({ length: 10 }, () => rng.int(3)) }));
    const straight = new MultiLayerNetExtend(8, [6, 5], 3, options);
    const adam = createOptimizer('adam');
    const interrupted = new MultiLayerNetExtend(8, [6, 5], 3, options);
    const adam1 = createOptimizer('adam');
    batches.forEach(({ x, t }, i) => {
      adam.update(straight.params, straight.gradient(x, t));
      if (i < 3) adam1.update(interrupted.params, interrupted.gradient(x, t));
    });
    // What a checkpoint would hold, through JSON where it would be JSON.
    const saved = {
      params: cloneAll(interrupted.params),
      buffers: cloneAll(interrupted.buffers()),
      layers: JSON.stringify(interrupted.layerStates()),
      optimizer: { scalars: JSON.parse(JSON.stringify(adam1.state().scalars)), tensors: adam1.state().tensors } as OptimizerState,
    };
    const resumed = new MultiLayerNetExtend(8, [6, 5], 3, { ...options, seed: 99 });
    for (const [k, t] of Object.entries(saved.params)) resumed.params[k]!.data.set(t.data);
    for (const [k, t] of Object.entries(saved.buffers)) resumed.buffers()[k]!.data.set(t.data);
    resumed.loadLayerStates(JSON.parse(saved.layers) as Record<string, unknown>);
    const adam2 = createOptimizer('adam');
    adam2.loadState(saved.optimizer);
    for (const { x, t } of batches.slice(3)) adam2.update(resumed.params, resumed.gradient(x, t));
    for (const k of Object.keys(straight.params)) assert.deepEqual(resumed.params[k]!.data, straight.params[k]!.data, k);
    for (const k of Object.keys(straight.buffers())) assert.deepEqual(resumed.buffers()[k]!.data, straight.buffers()[k]!.data, k);
    assert.deepEqual(resumed.layerStates(), straight.layerStates());
  });

  it('evaluates in test mode: the same scores every time', () => {
    const net = new MultiLayerNetExtend(4, [5], 2, { useBatchnorm: true, useDropout: true });
    const rng = new Random(22);
    const x = randomTensor([6, 4], rng);
    net.gradient(x, new Int32Array([0, 1, 0, 1, 1, 0]));
    const a = net.loss(x, new Int32Array([0, 1, 0, 1, 1, 0]));
    assert.equal(net.loss(x, new Int32Array([0, 1, 0, 1, 1, 0])), a);
    assert.equal(net.accuracy(x, new Int32Array([0, 1, 0, 1, 1, 0])), net.accuracy(x, new Int32Array([0, 1, 0, 1, 1, 0])));
  });

  it('refuses options it does not know and a bad dropout ratio', () => {
    assert.throws(() => new MultiLayerNetExtend(4, [3], 2, { useBatchNorm: true } as object), /MultiLayerNetExtend: unknown option 'useBatchNorm' \(it takes .*useBatchnorm\)/);
    assert.throws(() => new MultiLayerNetExtend(4, [3], 2, { useDropout: true, dropoutRatio: 1 }), /MultiLayerNetExtend: dropoutRatio must be in \[0, 1\), got 1/);
    assert.throws(() => new MultiLayerNetExtend(4, [3], 2, { useDropout: 'yes' } as object), /useDropout and useBatchnorm must be true or false/);
  });
});
