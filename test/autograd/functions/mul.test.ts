import { describe, it } from 'node:test';
import { mul } from '../../../src/autograd/functions/mul.js';
import { Random } from '../../../src/tensor/random.js';
import { assertGradients2, broadcastPair, randomShape, uniformTensor } from '../check.js';

describe('mul: gradient check (float64, max abs diff < 1e-7, first and second order)', () => {
  const rng = new Random(21);
  const a = (shape: number[]) => uniformTensor(shape, rng, -1, 1);
  const b = (shape: number[]) => uniformTensor(shape, rng, -1, 1);
  it('equal random shapes', () => {
    for (let k = 0; k < 4; k++) {
      const shape = randomShape(rng);
      assertGradients2(`mul [${shape}]`, mul, [a(shape), b(shape)]);
    }
  });
  it('broadcasting: [3,1] with [1,4], [2,3] with [3], scalar with matrix, random pairs, both ways round', () => {
    const pairs: [number[], number[]][] = [[[3, 1], [1, 4]], [[2, 3], [3]], [[], [2, 3]], [[2, 3, 4], [3, 1]], broadcastPair(rng), broadcastPair(rng)];
    for (const [p, q] of pairs) {
      assertGradients2(`mul [${p}] [${q}]`, mul, [a(p), b(q)]);
      assertGradients2(`mul [${q}] [${p}]`, mul, [a(q), b(p)]);
    }
  });
  it('numbers on either side', () => {
    assertGradients2('mul(x, 2)', (x) => mul(x, 2), [a([2, 3])]);
    assertGradients2('mul(2, x)', (x) => mul(2, x), [b([3])]);
  });
});
