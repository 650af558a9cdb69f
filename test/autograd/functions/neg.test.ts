import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { neg } from '../../../src/autograd/functions/neg.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, randomTensor } from '../check.js';

describe('neg', () => {
  it('gradient check on random shapes (float64, < 1e-7, first and second order)', () => {
    const rng = new Random(24);
    for (let k = 0; k < 4; k++) assertGradients2('neg', neg, [randomTensor(randomShape(rng), rng)], true);
  });
  it('negates, in float32 too', () => {
    const y = neg(new Variable(Tensor.from([1, -2], 'float32')));
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(Array.from(y.data.data), [-1, 2]);
  });
});
