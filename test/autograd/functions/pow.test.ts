import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { pow } from '../../../src/autograd/functions/pow.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, uniformTensor } from '../check.js';

describe('pow', () => {
  const rng = new Random(31);
  it('gradient check with integer exponents on inputs of either sign (float64, < 1e-7, first and second order)', () => {
    for (const c of [0, 1, 2, 3, -1, -2]) {
      // |x| in [1.5, 2.5]: near 0 the third derivative of x^-2, which the central
      // difference of the second-order check errs by, is too large for 1e-7.
      const x = uniformTensor(randomShape(rng), rng, 1.5, 2.5);
      for (let i = 0; i < x.size; i++) if (rng.int(2) === 0) x.data[i] = -x.data[i]!;
      assertGradients2(`pow(x, ${c})`, (v) => pow(v, c), [x]);
    }
  });
  it('gradient check with fractional exponents on positive inputs', () => {
    for (const c of [0.5, 1.5, 2.5, -0.5]) assertGradients2(`pow(x, ${c})`, (v) => pow(v, c), [uniformTensor(randomShape(rng), rng, 1, 2)]);
  });
  it('computes xᶜ, and refuses an exponent that is not a finite number', () => {
    assert.deepEqual(Array.from(pow(new Variable(Tensor.from([2, 3])), 3).data.data), [8, 27]);
    assert.throws(() => pow(2, Number.NaN), /exponent must be a finite number/);
  });
});
