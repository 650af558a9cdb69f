import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { transpose } from '../../../src/autograd/functions/transpose.js';
import { transpose as transposeTensor } from '../../../src/tensor/ops.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomTensor } from '../check.js';

describe('transpose', () => {
  const rng = new Random(46);

  it('gradient check: 2-d, n-d reversed, any permutation, negative axes (< 1e-7, first and second order)', () => {
    assertGradients2('transpose 2-d', (v) => transpose(v), [randomTensor([3, 4], rng)], true);
    assertGradients2('transpose 3-d', (v) => transpose(v), [randomTensor([2, 3, 4], rng)], true);
    for (const axes of [[1, 0, 2], [2, 0, 1], [1, 2, 0], [0, 1, 2], [-1, 0, -2]]) {
      assertGradients2(`transpose [${axes}]`, (v) => transpose(v, axes), [randomTensor([2, 3, 4], rng)], true);
    }
  });

  it('is the matrix transpose for 2-d, np.transpose for n-d', () => {
    const t = randomTensor([3, 5], rng);
    assert.deepEqual(Array.from(transpose(t).data.data), Array.from(transposeTensor(t).data));
    const x = Tensor.from([[[0, 1, 2], [3, 4, 5]]]); // [1, 2, 3]
    assert.deepEqual(transpose(x, [1, 2, 0]).data.toArray(), [[[0], [1], [2]], [[3], [4], [5]]]);
    assert.deepEqual(transpose(x, [2, 0, 1]).data.toArray(), [[[0, 3]], [[1, 4]], [[2, 5]]]);
    assert.deepEqual(transpose(x).shape, [3, 2, 1]);
    assert.deepEqual(transpose(new Variable(Tensor.from([1, 2]))).data.toArray(), [1, 2]);
    assert.equal(transpose(Tensor.from([[1, 2]], 'float32')).dtype, 'float32');
  });

  it('refuses axes that are not a permutation', () => {
    const x = new Variable(Tensor.zeros([2, 3, 4]));
    assert.throws(() => transpose(x, [0, 1]), /not a permutation/);
    assert.throws(() => transpose(x, [0, 1, 1]), /not a permutation/);
    assert.throws(() => transpose(x, [0, 1, 3]), /axis 3 is out of range/);
  });
});
