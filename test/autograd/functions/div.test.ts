import { describe, it } from 'node:test';
import { div } from '../../../src/autograd/functions/div.js';
import { Random } from '../../../src/tensor/random.js';
import { assertGradients2, broadcastPair, randomShape, uniformTensor } from '../check.js';

describe('div: gradient check (float64, max abs diff < 1e-7, first and second order)', () => {
  const rng = new Random(23);
  const a = (shape: number[]) => uniformTensor(shape, rng, -1, 1);
  // Divisors in [1.5, 2.5]: nearer 0 the third derivatives of 1/x, which the central
  // difference errs by, are too large for 1e-7.
  const b = (shape: number[]) => uniformTensor(shape, rng, 1.5, 2.5);
  it('equal random shapes', () => {
    for (let k = 0; k < 4; k++) {
      const shape = randomShape(rng);
      assertGradients2(`div [${shape}]`, div, [a(shape), b(shape)]);
    }
  });
  it('broadcasting: [3,1] with [1,4], [2,3] with [3], scalar with matrix, random pairs, both ways round', () => {
    const pairs: [number[], number[]][] = [[[3, 1], [1, 4]], [[2, 3], [3]], [[], [2, 3]], [[2, 3, 4], [3, 1]], broadcastPair(rng), broadcastPair(rng)];
    for (const [p, q] of pairs) {
      assertGradients2(`div [${p}] [${q}]`, div, [a(p), b(q)]);
      assertGradients2(`div [${q}] [${p}]`, div, [a(q), b(p)]);
    }
  });
  it('numbers on either side', () => {
    assertGradients2('div(x, 2)', (x) => div(x, 2), [a([2, 3])]);
    assertGradients2('div(2, x)', (x) => div(2, x), [b([3])]);
  });
});
