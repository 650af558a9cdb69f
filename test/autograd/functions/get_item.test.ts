import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { getItem, slice } from '../../../src/autograd/functions/get_item.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomTensor } from '../check.js';

const rows = (x: Tensor, picked: number[]): number[][] => picked.map((r) => x.row(r).toArray() as number[]);

describe('getItem', () => {
  const rng = new Random(47);

  it('gradient check: a row, a range, a list with repeats (< 1e-7, first and second order)', () => {
    const x = randomTensor([5, 3], rng);
    const indices = [0, 4, -1, { start: 1, end: 4 }, { start: -2 }, { step: 2 }, { start: 4, end: 0, step: -2 }, [0, 3, 0, 0], Int32Array.of(2, 2, -5), []];
    for (const index of indices) assertGradients2(`getItem ${JSON.stringify(index)}`, (v) => getItem(v, index), [x], true);
    assertGradients2('getItem on 3-d', (v) => getItem(v, [1, 1, 0]), [randomTensor([2, 2, 3], rng)], true);
    assertGradients2('getItem on 1-d', (v) => getItem(v, 2), [randomTensor([4], rng)], true);
  });

  it('picks rows: an integer drops the axis, a range or a list keeps it', () => {
    const t = Tensor.from([[1, 2], [3, 4], [5, 6], [7, 8]]);
    assert.deepEqual(getItem(t, 1).data.toArray(), [3, 4]);
    assert.deepEqual(getItem(t, -1).data.toArray(), [7, 8]);
    assert.deepEqual(getItem(t, { start: 1, end: 3 }).data.toArray(), rows(t, [1, 2]));
    assert.deepEqual(slice(t, 1).data.toArray(), rows(t, [1, 2, 3]));
    assert.deepEqual(slice(t, -3, -1).data.toArray(), rows(t, [1, 2]));
    assert.deepEqual(slice(t, 0, 100, 3).data.toArray(), rows(t, [0, 3]));
    assert.deepEqual(slice(t, undefined, undefined, -1).data.toArray(), rows(t, [3, 2, 1, 0]));
    assert.deepEqual(slice(t, 3, 3).shape, [0, 2]);
    assert.deepEqual(getItem(t, Int32Array.of(2, 0, 2)).data.toArray(), rows(t, [2, 0, 2]));
    assert.deepEqual(getItem(t, [-1]).data.toArray(), rows(t, [3]));
  });

  it('adds up the gradient of a row picked more than once (DeZero step 47)', () => {
    const x = new Variable(Tensor.from([[1, 2, 3], [4, 5, 6]]));
    const y = getItem(x, [0, 0, 1]);
    y.backward();
    assert.deepEqual(x.grad!.data.toArray(), [[2, 2, 2], [1, 1, 1]]);
  });

  it('has a differentiable gradient (GetItemGrad\'s backward is a GetItem)', () => {
    const x = new Variable(Tensor.from([1, 2, 3], 'float32'));
    const y = getItem(x, [2, 2]);
    assert.equal(y.dtype, 'float32');
    y.backward({ createGraph: true });
    const gx = x.grad!;
    assert.deepEqual(Array.from(gx.data.data), [0, 0, 2]);
    assert.equal(gx.creator?.name, 'GetItemGrad');
    assert.equal(gx.dtype, 'float32');
  });

  it('refuses a row out of range, a non-integer, a zero step, an unknown range key and a 0-d variable', () => {
    const x = new Variable(Tensor.zeros([3, 2]));
    assert.throws(() => getItem(x, 3), /row 3 is out of range for shape \[3, 2\]/);
    assert.throws(() => getItem(x, -4), /row -4 is out of range/);
    assert.throws(() => getItem(x, [0, 5]), /row 5 is out of range/);
    assert.throws(() => getItem(x, 1.5), /must be an integer/);
    assert.throws(() => getItem(x, [0, 0.5]), /must be an integer/);
    assert.throws(() => slice(x, 0, 2, 0), /step must not be zero/);
    assert.throws(() => getItem(x, { begin: 1 } as never), /only start, end and step, got begin/);
    assert.throws(() => getItem(new Variable(1), 0), /cannot index a 0-d variable/);
  });
});
