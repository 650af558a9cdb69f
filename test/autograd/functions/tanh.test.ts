import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Variable } from '../../../src/autograd/core.js';
import { tanh } from '../../../src/autograd/functions/tanh.js';
import { Random } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertGradients2, randomShape, uniformTensor } from '../check.js';

describe('tanh', () => {
  it('gradient check on random shapes (float64, < 1e-7, first and second order)', () => {
    const rng = new Random(29);
    for (let k = 0; k < 4; k++) assertGradients2('tanh', tanh, [uniformTensor(randomShape(rng), rng, -2, 2)]);
  });
  it('computes Math.tanh(x) in float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const values = [0.25, 0.5, 2];
      const y = tanh(new Variable(Tensor.from(values, dtype)));
      assert.equal(y.dtype, dtype);
      const expected = Tensor.from(values.map((x) => Math.tanh(x)), dtype);
      assert.deepEqual(Array.from(y.data.data), Array.from(expected.data));
    }
  });
});

describe('tanh: higher-order derivatives', () => {
  it('the first three derivatives match 1−t², −2t(1−t²), −2(1−t²)(1−3t²) within 1e-12', () => {
    for (const x0 of [-1.5, -0.3, 0, 0.7, 2]) {
      const t = Math.tanh(x0);
      const expected = [1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)];
      const x = new Variable(x0);
      let g = tanh(x);
      expected.forEach((e, k) => {
        x.cleargrad();
        g.backward({ createGraph: true });
        g = x.grad!;
        assert.ok(Math.abs(g.data.item() - e) < 1e-12, `derivative ${k + 1} at ${x0}: ${g.data.item()} vs ${e}`);
      });
    }
  });
});
