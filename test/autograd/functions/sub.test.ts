import { describe, it } from 'node:test';
import { sub } from '../../../src/autograd/functions/sub.js';
import { Random } from '../../../src/tensor/random.js';
import { assertGradients2, broadcastPair, randomShape, uniformTensor } from '../check.js';

describe('sub: gradient check (float64, max abs diff < 1e-7, first and second order)', () => {
  const rng = new Random(22);
  const a = (shape: number[]) => uniformTensor(shape, rng, -1, 1);
  const b = (shape: number[]) => uniformTensor(shape, rng, -1, 1);
  it('equal random shapes', () => {
    for (let k = 0; k < 4; k++) {
      const shape = randomShape(rng);
      assertGradients2(`sub [${shape}]`, sub, [a(shape), b(shape)], true);
    }
  });
  it('broadcasting: [3,1] with [1,4], [2,3] with [3], scalar with matrix, random pairs, both ways round', () => {
    const pairs: [number[], number[]][] = [[[3, 1], [1, 4]], [[2, 3], [3]], [[], [2, 3]], [[2, 3, 4], [3, 1]], broadcastPair(rng), broadcastPair(rng)];
    for (const [p, q] of pairs) {
      assertGradients2(`sub [${p}] [${q}]`, sub, [a(p), b(q)], true);
      assertGradients2(`sub [${q}] [${p}]`, sub, [a(q), b(p)], true);
    }
  });
  it('numbers on either side', () => {
    assertGradients2('sub(x, 2)', (x) => sub(x, 2), [a([2, 3])], true);
    assertGradients2('sub(2, x)', (x) => sub(2, x), [b([3])], true);
  });
});
