import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sequentialNumericalGradient } from '../../src/gradient/sequential_numerical_gradient.js';
import type { Activation } from '../../src/nets/multi_layer_net.js';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { Random } from '../../src/tensor/random.js';
import { maxAbsDiff, randomTensor } from '../helpers.js';

function randomCase(seed: number, activation: Activation, extend: { useBatchnorm: boolean; useDropout: boolean }) {
  const rng = new Random(seed);
  const inputs = 3 + rng.int(6);
  const hidden = [2 + rng.int(5), 2 + rng.int(5)];
  const rows = 4 + rng.int(4);
  const x = randomTensor([rows, inputs], rng);
  // A column that is 0 in every row, as MNIST's border pixels are: its weights move only the decay.
  for (let i = 0; i < rows; i++) x.data[i * inputs] = 0;
  const t = Int32Array.from({ length: rows }, () => rng.int(4));
  const net = new MultiLayerNetExtend(inputs, hidden, 4, { activation, weightInitStd: 0.5, weightDecayLambda: 0.1, seed, dropoutRatio: 0.3, ...extend });
  return { net, x, t };
}

describe('sequentialNumericalGradient', () => {
  it('equals the plain central differences to rounding, on random shapes, with BatchNorm, Dropout and weight decay', () => {
    let seed = 1;
    for (const activation of ['relu', 'sigmoid', 'tanh'] as const) {
      for (const extend of [{ useBatchnorm: false, useDropout: false }, { useBatchnorm: true, useDropout: true }]) {
        const { net, x, t } = randomCase(seed++, activation, extend);
        const fast = sequentialNumericalGradient(net, x, t);
        const plain = net.numericalGradient(x, t);
        const plainHere = sequentialNumericalGradient(net, x, t, { plain: true });
        for (const key of Object.keys(plain)) assert.deepEqual(plainHere[key]!.data, plain[key]!.data, `plain ${key}`);
        assert.deepEqual(Object.keys(fast), Object.keys(plain));
        for (const key of Object.keys(plain)) {
          const diff = maxAbsDiff(fast[key]!.data, plain[key]!.data);
          assert.ok(diff < 1e-9, `${activation} ${JSON.stringify(extend)} ${key}: ${diff}`);
        }
      }
    }
  });

  it('leaves the running statistics and the Dropout generators as they were, so backprop draws the same masks', () => {
    const { net, x, t } = randomCase(7, 'relu', { useBatchnorm: true, useDropout: true });
    const buffers = Object.fromEntries(Object.entries(net.buffers()).map(([k, v]) => [k, [...v.data]]));
    const states = JSON.stringify(net.layerStates());
    const calls: number[] = [];
    const numerical = sequentialNumericalGradient(net, x, t, { onProgress: (done) => calls.push(done) });
    assert.equal(JSON.stringify(net.layerStates()), states);
    for (const [key, values] of Object.entries(buffers)) assert.deepEqual([...net.buffers()[key]!.data], values, key);
    const total = Object.values(net.params).reduce((n, p) => n + p.size, 0);
    assert.equal(calls.at(-1), total, 'the last progress call counts every weight');
    const backprop = net.gradient(x, t);
    for (const key of Object.keys(backprop)) assert.ok(maxAbsDiff(backprop[key]!.data, numerical[key]!.data) < 1e-6, key);
  });
});
