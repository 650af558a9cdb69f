import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { max } from '../../../src/autograd/functions/max.js';
import { max as maxTensor } from '../../../src/tensor/ops.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, randomTensor } from '../check.js';

describe('max', () => {
  const rng = new Random(43);

  it('gradient check over every axis, one axis, a list, keepdims (< 1e-7, first and second order)', () => {
    // random entries: no ties, so the max is differentiable at every point checked
    const x = randomTensor([3, 4, 2], rng);
    for (const axis of [undefined, 0, 1, -1, [0, 2]]) {
      for (const keepdims of [false, true]) assertGradients2(`max axis ${JSON.stringify(axis)}`, (v) => max(v, axis, keepdims), [x], true);
    }
    for (let k = 0; k < 3; k++) assertGradients2('max', (v) => max(v), [randomTensor(randomShape(rng), rng)], true);
  });

  it('matches the tensor max along an axis', () => {
    const t = randomTensor([3, 5], rng);
    for (const axis of [0, 1]) assert.deepEqual(Array.from(max(t, axis).data.data), Array.from(maxTensor(t, axis).data));
    assert.equal(max(t).data.item(), maxTensor(t).item());
  });

  it('sends the gradient to the maximum entries only, to each of them on a tie (as DeZero)', () => {
    const x = new Variable(Tensor.from([[1, 5, 2], [7, 0, 7]]));
    const y = max(x, 1);
    assert.deepEqual(y.data.toArray(), [5, 7]);
    y.backward();
    assert.deepEqual(x.grad!.data.toArray(), [[0, 1, 0], [1, 0, 1]]);
  });

  it('keeps float32, and refuses an empty axis', () => {
    const x = new Variable(Tensor.from([[1, 2]], 'float32'));
    assert.equal(max(x, 1).dtype, 'float32');
    assert.throws(() => max(new Variable(Tensor.zeros([2, 0])), 1), /cannot reduce an empty axis/);
  });
});
