import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { mean } from '../../../src/autograd/functions/mean.js';
import { mean as meanTensor } from '../../../src/tensor/ops.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomTensor } from '../check.js';

describe('mean', () => {
  const rng = new Random(42);

  it('gradient check over every axis, one axis, a list, keepdims (< 1e-7, first and second order)', () => {
    const x = randomTensor([3, 2, 4], rng);
    for (const axis of [undefined, 0, -1, [0, 2]]) {
      for (const keepdims of [false, true]) assertGradients2(`mean axis ${JSON.stringify(axis)}`, (v) => mean(v, axis, keepdims), [x], true);
    }
  });

  it('matches the tensor mean, and spreads the gradient as 1/n', () => {
    const t = randomTensor([3, 4], rng);
    assert.ok(Math.abs(mean(t).data.item() - meanTensor(t).item()) < 1e-15);
    assert.deepEqual(Array.from(mean(t, 1).data.data), Array.from(meanTensor(t, 1).data));
    const x = new Variable(Tensor.from([[1, 2], [3, 6]], 'float32'));
    const y = mean(x, 0);
    assert.deepEqual(y.data.toArray(), [2, 4]);
    assert.equal(y.dtype, 'float32');
    mean(x).backward();
    assert.deepEqual(x.grad!.data.toArray(), [[0.25, 0.25], [0.25, 0.25]]);
  });
});
