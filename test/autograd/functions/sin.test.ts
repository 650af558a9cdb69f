import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { sin } from '../../../src/autograd/functions/sin.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, uniformTensor } from '../check.js';

describe('sin', () => {
  it('gradient check on random shapes (float64, < 1e-7, first and second order)', () => {
    const rng = new Random(27);
    for (let k = 0; k < 4; k++) assertGradients2('sin', sin, [uniformTensor(randomShape(rng), rng, -3, 3)]);
  });
  it('computes Math.sin(x) in float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const values = [0.25, 0.5, 2];
      const y = sin(new Variable(Tensor.from(values, dtype)));
      assert.equal(y.dtype, dtype);
      const expected = Tensor.from(values.map((x) => Math.sin(x)), dtype);
      assert.deepEqual(Array.from(y.data.data), Array.from(expected.data));
    }
  });
});

describe('sin: higher-order derivatives', () => {
  it('cycle sin → cos → −sin → −cos → sin (8 derivatives, within 1e-12)', () => {
    for (const x0 of [-2, 0.5, 1]) {
      const cycle = [Math.cos(x0), -Math.sin(x0), -Math.cos(x0), Math.sin(x0)];
      const x = new Variable(x0);
      let g = sin(x);
      for (let n = 1; n <= 8; n++) {
        x.cleargrad();
        g.backward({ createGraph: true });
        g = x.grad!;
        const e = cycle[(n - 1) % 4]!;
        assert.ok(Math.abs(g.data.item() - e) < 1e-12, `derivative ${n} at ${x0}: ${g.data.item()} vs ${e}`);
      }
    }
  });
});
