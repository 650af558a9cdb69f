import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Function, Variable, type VariableLike } from '../../src/autograd/core.js';
import { mul } from '../../src/autograd/functions/mul.js';
import { gradientCheckAutograd } from '../../src/autograd/gradient_check.js';
import { map } from '../../src/tensor/ops.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';

/** y = x³ with the backward of x² (3x² forgotten): what the check exists to catch. */
class WrongCube extends Function {
  readonly name = 'WrongCube';
  forward(x: Tensor): Tensor {
    return map(x, (v) => v * v * v);
  }
  backward(gy: Variable): Variable[] {
    const x = this.inputs[0]!;
    return [mul(gy, mul(x, 2))];
  }
}
const wrongCube = (x: VariableLike): Variable => new WrongCube().call(x);

describe('gradientCheckAutograd', () => {
  it('passes a correct backward and reports a wrong one', () => {
    const x = randomTensor([3, 4], new Random(1));
    const [right] = gradientCheckAutograd((v) => mul(mul(v, v), v), [x]);
    assert.ok(right!.maxAbsDiff < 1e-7, `x·x·x: ${right!.maxAbsDiff}`);
    const [wrong] = gradientCheckAutograd(wrongCube, [x]);
    assert.ok(wrong!.maxAbsDiff > 0.1, `WrongCube: ${wrong!.maxAbsDiff}`);
    assert.deepEqual(wrong!.backward.shape, [3, 4]);
    // backward is 2x·w and numerical 3x²·w, entry by entry, for the same w.
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i]!;
      const w = wrong!.backward.data[i]! / (2 * v);
      assert.ok(Math.abs(wrong!.numerical.data[i]! - 3 * v * v * w) < 1e-6);
    }
  });

  it('weights every output entry, so a gradient sent to the wrong entry shows', () => {
    // Reverses the entries but sends the gradient straight back: wrong for all but a palindrome.
    class Flip extends Function {
      readonly name = 'Flip';
      forward(x: Tensor): Tensor {
        return Tensor.from(Array.from(x.data).reverse());
      }
      backward(gy: Variable): Variable[] {
        return [gy];
      }
    }
    const [r] = gradientCheckAutograd((v) => new Flip().call(v), [Tensor.from([1, 2, 3, 4])]);
    assert.ok(r!.maxAbsDiff > 0.01, `Flip: ${r!.maxAbsDiff}`);
  });

  it('checks in float64 on copies, leaving the inputs and their grads alone', () => {
    const t = Tensor.from([[0.5, -0.25]], 'float32');
    const v = new Variable(Tensor.from([2, 3]));
    v.grad = new Variable(Tensor.from([7, 7]));
    const seen: string[] = [];
    const results = gradientCheckAutograd((a, b) => {
      seen.push(a.dtype, b.dtype);
      return mul(a, b);
    }, [t, v]);
    assert.deepEqual([...new Set(seen)], ['float64']);
    assert.equal(results.length, 2);
    for (const r of results) assert.ok(r.maxAbsDiff < 1e-7);
    assert.deepEqual(Array.from(t.data), [0.5, -0.25]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(Array.from(v.data.data), [2, 3]);
    assert.deepEqual(Array.from(v.grad.data.data), [7, 7]);
  });

  it('gives an unused input a zero gradient, and checks it', () => {
    const [, unused] = gradientCheckAutograd((a) => mul(a, 3), [Tensor.from([1, 2]), Tensor.from([5])]);
    assert.equal(unused!.maxAbsDiff, 0);
    assert.deepEqual(Array.from(unused!.backward.data), [0]);
  });

  it('reads every gradient before the numerical passes, which may reset them', () => {
    // A gradient of a gradient clears its inputs' grads on each call (check.ts gradientOf).
    const f = (a: Variable, b: Variable): Variable => {
      a.cleargrad();
      b.cleargrad();
      return mul(a, b);
    };
    const results = gradientCheckAutograd(f, [Tensor.from([1, 2]), Tensor.from([3, 4])]);
    results.forEach((r, i) => assert.ok(r.maxAbsDiff < 1e-7, `input ${i}: ${r.maxAbsDiff}`));
  });
});
