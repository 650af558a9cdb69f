import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { exp } from '../../../src/autograd/functions/exp.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, uniformTensor } from '../check.js';

describe('exp', () => {
  it('gradient check on random shapes (float64, < 1e-7, first and second order)', () => {
    const rng = new Random(25);
    for (let k = 0; k < 4; k++) assertGradients2('exp', exp, [uniformTensor(randomShape(rng), rng, -1, 1)]);
  });
  it('computes Math.exp(x) in float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const values = [0.25, 0.5, 2];
      const y = exp(new Variable(Tensor.from(values, dtype)));
      assert.equal(y.dtype, dtype);
      const expected = Tensor.from(values.map((x) => Math.exp(x)), dtype);
      assert.deepEqual(Array.from(y.data.data), Array.from(expected.data));
    }
  });
});
