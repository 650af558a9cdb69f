import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { min } from '../../../src/autograd/functions/min.js';
import { max as maxTensor, mul } from '../../../src/tensor/ops.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomTensor } from '../check.js';

describe('min', () => {
  const rng = new Random(44);

  it('gradient check over every axis, one axis, a list, keepdims (< 1e-7, first and second order)', () => {
    const x = randomTensor([3, 4, 2], rng);
    for (const axis of [undefined, 0, -1, [1, 2]]) {
      for (const keepdims of [false, true]) assertGradients2(`min axis ${JSON.stringify(axis)}`, (v) => min(v, axis, keepdims), [x], true);
    }
  });

  it('is −max(−x)', () => {
    const t = randomTensor([4, 3], rng);
    for (const axis of [0, 1]) assert.deepEqual(Array.from(min(t, axis).data.data), Array.from(mul(maxTensor(mul(t, -1), axis), -1).data));
    assert.equal(min(t).data.item(), -maxTensor(mul(t, -1)).item());
  });

  it('sends the gradient to the minimum entries only, to each of them on a tie', () => {
    const x = new Variable(Tensor.from([[3, -1, -1], [0, 2, 4]]));
    const y = min(x, 1, true);
    assert.deepEqual(y.data.toArray(), [[-1], [0]]);
    y.backward();
    assert.deepEqual(x.grad!.data.toArray(), [[0, 1, 1], [1, 0, 0]]);
  });
});
