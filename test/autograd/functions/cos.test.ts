import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { cos } from '../../../src/autograd/functions/cos.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, uniformTensor } from '../check.js';

describe('cos', () => {
  it('gradient check on random shapes (float64, < 1e-7, first and second order)', () => {
    const rng = new Random(28);
    for (let k = 0; k < 4; k++) assertGradients2('cos', cos, [uniformTensor(randomShape(rng), rng, -3, 3)]);
  });
  it('computes Math.cos(x) in float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const values = [0.25, 0.5, 2];
      const y = cos(new Variable(Tensor.from(values, dtype)));
      assert.equal(y.dtype, dtype);
      const expected = Tensor.from(values.map((x) => Math.cos(x)), dtype);
      assert.deepEqual(Array.from(y.data.data), Array.from(expected.data));
    }
  });
});
