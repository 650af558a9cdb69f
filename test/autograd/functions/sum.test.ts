import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { sum } from '../../../src/autograd/functions/sum.js';
import { sum as sumTensor } from '../../../src/tensor/ops.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, randomTensor } from '../check.js';

describe('sum', () => {
  const rng = new Random(41);

  it('gradient check over every axis, one axis, negative axes, lists, keepdims (< 1e-7, first and second order)', () => {
    const x = randomTensor([2, 3, 4], rng);
    const axes: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, -3, [0, 2], [-1, 0], [0, 1, 2], []];
    for (const axis of axes) {
      for (const keepdims of [false, true]) {
        assertGradients2(`sum axis ${JSON.stringify(axis)} keepdims ${keepdims}`, (v) => sum(v, axis, keepdims), [x], true);
      }
    }
    for (let k = 0; k < 4; k++) assertGradients2('sum', (v) => sum(v), [randomTensor(randomShape(rng), rng)], true);
  });

  it('matches the tensor sum along one axis, with the reduced axis dropped or kept', () => {
    const x = randomTensor([3, 4], rng);
    for (const axis of [0, 1]) {
      const expected = sumTensor(x, axis);
      assert.deepEqual(sum(x, axis).shape, expected.shape);
      assert.deepEqual(Array.from(sum(x, axis).data.data), Array.from(expected.data));
      assert.deepEqual(sum(x, axis, true).shape, axis === 0 ? [1, 4] : [3, 1]);
    }
    assert.deepEqual(sum(x).shape, []);
    assert.deepEqual(sum(x, undefined, true).shape, [1, 1]);
    assert.deepEqual(sum(randomTensor([2, 3, 4], rng), [0, 2]).shape, [3]);
  });

  it('sums [[1, 2, 3], [4, 5, 6]] as DeZero does, and gives every entry gradient 1', () => {
    const x = new Variable(Tensor.from([[1, 2, 3], [4, 5, 6]]));
    assert.deepEqual(sum(x, 0).data.toArray(), [5, 7, 9]);
    assert.deepEqual(sum(x, 1, true).data.toArray(), [[6], [15]]);
    const y = sum(x);
    assert.equal(y.data.item(), 21);
    y.backward();
    assert.deepEqual(x.grad!.data.toArray(), [[1, 1, 1], [1, 1, 1]]);
  });

  it('keeps float32, summing in float64 before the one rounding', () => {
    const x = new Variable(Tensor.from([1, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8], 'float32'));
    const y = sum(x);
    assert.equal(y.dtype, 'float32');
    assert.equal(y.data.item(), Math.fround(Math.fround(1) + 10 * Math.fround(1e-8)));
    y.backward();
    assert.equal(x.grad!.dtype, 'float32');
  });

  it('refuses an axis out of range, a repeated axis and a non-integer axis', () => {
    const x = new Variable(Tensor.zeros([2, 3]));
    assert.throws(() => sum(x, 2), /axis 2 is out of range/);
    assert.throws(() => sum(x, -3), /axis -3 is out of range/);
    assert.throws(() => sum(x, [0, -2]), /repeats an axis/);
    assert.throws(() => sum(x, 0.5), /axis 0.5/);
  });
});
