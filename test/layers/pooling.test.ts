import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createBackend, getBackend, setBackend } from '../../src/backend/index.js';
import { Pooling } from '../../src/layers/pooling.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff, randomTensor } from '../helpers.js';
import { checkLayerGradient } from './check_layer.js';
import { numpyReference } from './conv_reference.js';

// [n, c, h, w, poolH, poolW, stride, pad]: overlapping windows, padding, non-square, batch 1.
const CASES: [number, number, number, number, number, number, number, number][] = [
  [2, 3, 6, 5, 2, 2, 2, 0],
  [1, 2, 7, 7, 3, 3, 2, 1],
  [2, 1, 5, 8, 2, 3, 1, 1],
  [1, 1, 4, 4, 4, 4, 1, 2],
  [3, 2, 9, 6, 3, 2, 3, 0],
];

/** Distinct values 0.01 apart (negative too), shuffled: no window has a tie that h = 1e-4 could flip. */
function distinct(shape: number[], rng: Random): Tensor {
  const t = Tensor.empty(shape);
  const values = Array.from({ length: t.size }, (_, i) => (i - t.size / 2) * 0.01);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  t.data.set(values);
  return t;
}

const pool = ([, , , , ph, pw, stride, pad]: number[]): Pooling => new Pooling(ph!, pw!, { stride: stride!, pad: pad! });

describe('Pooling (max)', () => {
  const original = getBackend();
  after(() => setBackend(original));

  for (const backend of ['reference', 'wasm'] as const) {
    it(`matches max pooling by definition (NumPy, padding never wins) on the ${backend} backend`, () => {
      setBackend(createBackend(backend));
      const rng = new Random(9);
      for (const c of CASES) {
        const layer = pool(c);
        const x = distinct(c.slice(0, 4), rng);
        const out = layer.forward(x).clone();
        const dout = randomTensor([...out.shape], rng);
        const dx = layer.backward(dout);
        const expected = numpyReference({ kind: 'pool', x: [...x.data], xShape: x.shape, dout: [...dout.data], outShape: out.shape, poolH: layer.poolH, poolW: layer.poolW, stride: layer.stride, pad: layer.pad });
        assert.equal(out.size, expected.out!.length, `${c}: out size`);
        assert.equal(maxAbsDiff(out.data, expected.out!), 0, `${c}: out`);
        assert.ok(maxAbsDiff(dx.data, expected.dx!) < 1e-15, `${c}: dx`);
      }
    });
  }

  it('backward agrees with central differences in float64', () => {
    const rng = new Random(13);
    for (const c of CASES) {
      const layer = pool(c);
      const checkable = { name: layer.name, forward: (x: Tensor) => layer.forward(x), backward: (d: Tensor) => layer.backward(d), params: () => [] };
      checkLayerGradient(checkable, distinct(c.slice(0, 4), rng), rng);
    }
  });

  it('gives the first maximum the gradient on ties, and lets a NaN through', () => {
    const layer = new Pooling(2, 2);
    const x = Tensor.from([[[[1, 1], [1, 0]]], [[[0, Number.NaN], [5, 2]]]]);
    const out = layer.forward(x);
    assert.equal(out.data[0], 1);
    assert.ok(Number.isNaN(out.data[1]!), 'a NaN in the window is its max');
    const dx = layer.backward(Tensor.from([[[[3]]], [[[4]]]]));
    assert.deepEqual([...dx.data], [3, 0, 0, 0, 0, 4, 0, 0]);
  });

  it('refuses bad sizes with a message naming them', () => {
    assert.throws(() => new Pooling(0, 2), /poolH must be an integer ≥ 1, got 0/);
    assert.throws(() => new Pooling(2, 2, { pad: 2 }), /pad 2 must be at most half the 2×2 window/);
    const layer = new Pooling(2, 2);
    assert.throws(() => layer.forward(Tensor.zeros([4, 4])), /input must be 4-d/);
    assert.throws(() => layer.forward(Tensor.zeros([1, 1, 1, 5])), /a 2×2 window does not fit a 1×5 image/);
    layer.forward(Tensor.zeros([1, 1, 4, 4]));
    assert.throws(() => layer.backward(Tensor.zeros([1, 1, 3, 2])), /dout has shape \[1, 1, 3, 2\] but the forward output has shape \[1, 1, 2, 2\]/);
  });
});
