import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createBackend, getBackend, setBackend } from '../../src/backend/index.js';
import { Convolution } from '../../src/layers/convolution.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff, randomTensor } from '../helpers.js';
import { checkLayerGradient } from './check_layer.js';
import { numpyReference } from './conv_reference.js';

// [n, c, h, w, fn, fh, fw, stride, pad]: odd and non-square images and filters, stride 2, padding 1 and 2, batch 1.
const CASES: [number, number, number, number, number, number, number, number, number][] = [
  [2, 3, 7, 5, 4, 3, 2, 2, 1],
  [1, 1, 6, 6, 2, 5, 5, 1, 2],
  [3, 2, 9, 8, 3, 4, 3, 1, 0],
  [2, 1, 5, 7, 1, 1, 1, 2, 0],
  [1, 2, 8, 6, 5, 3, 3, 2, 2],
];

const describeCase = ([n, c, h, w, fn, fh, fw, stride, pad]: number[]): string => `x [${n},${c},${h},${w}], W [${fn},${c},${fh},${fw}], stride ${stride}, pad ${pad}`;

function makeLayer([, c, , , fn, fh, fw, stride, pad]: number[], rng: Random): Convolution {
  return new Convolution(randomTensor([fn!, c!, fh!, fw!], rng), randomTensor([fn!], rng), { stride: stride!, pad: pad! });
}

describe('Convolution', () => {
  const original = getBackend();
  after(() => setBackend(original));

  for (const backend of ['reference', 'wasm'] as const) {
    it(`matches convolution by definition (NumPy, no im2col) on the ${backend} backend`, () => {
      setBackend(createBackend(backend));
      const rng = new Random(7);
      for (const c of CASES) {
        const [n, ch, h, w] = c;
        const layer = makeLayer(c, rng);
        const x = randomTensor([n, ch, h, w], rng);
        const out = layer.forward(x).clone();
        const dout = randomTensor([...out.shape], rng);
        const dx = layer.backward(dout);
        const expected = numpyReference({ kind: 'conv', x: [...x.data], xShape: x.shape, W: [...layer.W.data], wShape: layer.W.shape, b: [...layer.b.data], dout: [...dout.data], outShape: out.shape, stride: layer.stride, pad: layer.pad });
        for (const [name, got] of [['out', out], ['dx', dx], ['dW', layer.dW], ['db', layer.db]] as const) {
          assert.equal(got.size, expected[name]!.length, `${describeCase(c)}: ${name} size`);
          const diff = maxAbsDiff(got.data, expected[name]!);
          assert.ok(diff < 1e-12, `${describeCase(c)}: ${name} differs from NumPy by ${diff}`);
        }
      }
    });
  }

  it('backward agrees with central differences in float64 (dx, dW, db)', () => {
    const rng = new Random(11);
    for (const c of CASES) {
      const [n, ch, h, w] = c;
      checkLayerGradient(makeLayer(c, rng), randomTensor([n, ch, h, w], rng), rng);
    }
  });

  it('keeps its im2col buffer from step to step, and refuses a second backward without forward', () => {
    const rng = new Random(3);
    const layer = makeLayer(CASES[0]!, rng);
    const x = randomTensor([2, 3, 7, 5], rng);
    const first = layer.forward(x);
    const dout = randomTensor([...first.shape], rng);
    const dx1 = layer.backward(dout);
    const dx1Copy = dx1.clone();
    layer.forward(x);
    const dx2 = layer.backward(dout);
    assert.equal(dx2.data.buffer, dx1.data.buffer, 'the same storage on the next step');
    assert.equal(dx2.data.byteOffset, dx1.data.byteOffset);
    assert.deepEqual(dx2.data, dx1Copy.data, 'the same input gives the same gradient');
    assert.throws(() => layer.backward(dout), /backward\(\) called before forward\(\)/);
  });

  it('refuses mismatched shapes and dtypes with a message naming them', () => {
    const rng = new Random(5);
    assert.throws(() => new Convolution(randomTensor([2, 3, 3], rng), randomTensor([2], rng)), /W must be 4-d \[FN, C, FH, FW\], got \[2, 3, 3\]/);
    assert.throws(() => new Convolution(randomTensor([2, 1, 3, 3], rng), randomTensor([3], rng)), /needs b of shape \[2\]/);
    assert.throws(() => new Convolution(randomTensor([2, 1, 3, 3], rng), randomTensor([2], rng), { stride: 0 }), /stride must be an integer ≥ 1/);
    const layer = new Convolution(randomTensor([2, 1, 3, 3], rng), randomTensor([2], rng));
    assert.throws(() => layer.forward(randomTensor([1, 2, 5, 5], rng)), /input \[1, 2, 5, 5\] does not match W \[2, 1, 3, 3\]/);
    assert.throws(() => layer.forward(randomTensor([1, 1, 2, 2], rng)), /a 3×3 window does not fit a 2×2 image with padding 0/);
    assert.throws(() => layer.forward(Tensor.zeros([1, 1, 5, 5], 'float32')), /input is float32 but W is float64/);
    const out = layer.forward(randomTensor([1, 1, 5, 5], rng));
    assert.throws(() => layer.backward(Tensor.zeros([1, 2, 3, 4])), /dout has shape \[1, 2, 3, 4\] but the forward output has shape \[1, 2, 3, 3\]/);
    assert.deepEqual(out.shape, [1, 2, 3, 3]);
  });
});
