import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { Arena, withArena } from '../../../src/autograd/functions/arena.js';
import { linear } from '../../../src/autograd/functions/linear.js';
import { relu } from '../../../src/autograd/functions/relu.js';
import { Random } from '../../../src/tensor/random.js';
import { maxAbsDiff, randomTensor } from '../../helpers.js';

describe('autograd Arena', () => {
  const rng = new Random(1);
  const x = randomTensor([4, 3], rng);
  const W = new Variable(randomTensor([3, 2], rng));
  const b = new Variable(randomTensor([2], rng));
  const step = (): [Variable, Float64Array] => {
    W.cleargrad();
    const y = relu(linear(x, W, b));
    y.backward();
    return [y, Float64Array.from(W.grad!.data.data)];
  };

  it('hands the same storage to the same step of every run, with the values a heap run gives', () => {
    const [heapY, heapGrad] = step();
    const arena = new Arena();
    const [y1, g1] = withArena(arena, step);
    const storage1 = [y1.data.storage, W.grad!.data.storage];
    const [y2, g2] = withArena(arena, step);
    assert.equal(y2.data.storage, storage1[0]);
    assert.equal(W.grad!.data.storage, storage1[1]);
    assert.notEqual(storage1[0], storage1[1]);
    for (const g of [g1, g2]) assert.equal(maxAbsDiff(g, heapGrad), 0);
    assert.equal(maxAbsDiff(y2.data.data, heapY.data.data), 0);
  });

  it('outside withArena every output is a new tensor, and withArena restores the outer setting', () => {
    const [a] = step();
    const [b2] = step();
    assert.notEqual(a.data.storage, b2.data.storage);
    const outer = new Arena();
    withArena(outer, () => {
      withArena(new Arena(), step);
      const [y] = step(); // from the outer arena's first slot
      const [again] = withArena(outer, step);
      assert.equal(again.data.storage, y.data.storage);
    });
    const [after] = step();
    assert.notEqual(after.data.storage, a.data.storage);
  });
});
