import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { reshape } from '../../../src/autograd/functions/reshape.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomTensor } from '../check.js';

describe('reshape', () => {
  const rng = new Random(45);

  it('gradient check, -1 included (< 1e-7, first and second order)', () => {
    const cases: [number[], number[]][] = [[[2, 3], [6]], [[2, 3], [3, 2]], [[6], [1, 2, 3]], [[2, 3, 4], [4, -1]], [[1], []], [[], [1, 1]]];
    for (const [from, to] of cases) assertGradients2(`reshape [${from}]→[${to}]`, (v) => reshape(v, to), [randomTensor(from, rng)], true);
  });

  it('reshapes (DeZero step 38) and gives the gradient the input\'s shape', () => {
    const x = new Variable(Tensor.from([[1, 2, 3], [4, 5, 6]]));
    const y = reshape(x, [6]);
    assert.deepEqual(y.data.toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(reshape(x, [3, -1]).shape, [3, 2]);
    assert.equal(reshape(Tensor.from([1, 2], 'float32'), [2, 1]).dtype, 'float32');
    y.backward();
    assert.deepEqual(x.grad!.data.toArray(), [[1, 1, 1], [1, 1, 1]]);
  });

  it('returns x itself for its own shape, and refuses a shape that does not fit', () => {
    const x = new Variable(Tensor.zeros([2, 3]));
    assert.equal(reshape(x, [2, 3]), x);
    assert.equal(reshape(x, [-1, 3]), x);
    assert.throws(() => reshape(x, [4]), /cannot reshape \[2, 3\]/);
  });
});
