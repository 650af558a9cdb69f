import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dropout } from '../../src/layers/dropout.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';
import { checkLayerGradient } from './check_layer.js';

describe('Dropout', () => {
  it('in training keeps x where a uniform draw exceeds the ratio (the book\'s rand > ratio), in row-major order', () => {
    const x = randomTensor([3, 5], new Random(1));
    const out = new Dropout(0.3, 11).forward(x).clone();
    const draws = new Random(11);
    for (let i = 0; i < x.size; i++) assert.equal(out.data[i], x.data[i]! * (draws.uniform() > 0.3 ? 1 : 0));
  });

  it('keeps about 1 − ratio of the values', () => {
    const out = new Dropout(0.2, 5).forward(Tensor.full([100, 100], 1));
    let kept = 0;
    for (const v of out.data) kept += v / out.size;
    assert.ok(Math.abs(kept - 0.8) < 0.02, `kept ${kept}`);
  });

  it('at test time scales by 1 − ratio and draws nothing', () => {
    const layer = new Dropout(0.25, 3);
    const before = layer.state();
    const x = randomTensor([2, 4], new Random(2));
    const out = layer.forward(x, false);
    for (let i = 0; i < x.size; i++) assert.equal(out.data[i], x.data[i]! * 0.75);
    assert.deepEqual(layer.state(), before);
    assert.deepEqual(new Dropout().params(), []);
  });

  it('backward passes dout through the mask (train) or the scale (test), checked numerically', () => {
    const rng = new Random(9);
    const layer = new Dropout(0.5, 4);
    const start = layer.state();
    checkLayerGradient(layer, randomTensor([4, 6], rng), rng, { beforeForward: () => layer.loadState(start) });
    checkLayerGradient(new Dropout(0.4, 4), randomTensor([3, 2, 2], rng), rng, { trainFlg: false });
  });

  it('backward is dout·mask exactly', () => {
    const layer = new Dropout(0.5, 8);
    const out = layer.forward(Tensor.full([5, 5], 1)).clone();
    const dout = randomTensor([5, 5], new Random(3));
    const dx = layer.backward(dout);
    for (let i = 0; i < dout.size; i++) assert.equal(dx.data[i], dout.data[i]! * out.data[i]!);
  });

  it('is reproducible from its seed and from a restored state', () => {
    const x = Tensor.full([4, 8], 1);
    const a = new Dropout(0.5, 21);
    const b = new Dropout(0.5, new Random(21));
    for (let step = 0; step < 3; step++) assert.deepEqual(a.forward(x).data, b.forward(x).data);
    const saved = JSON.parse(JSON.stringify(a.state()));
    const expected = [1, 2, 3].map(() => a.forward(x).clone());
    const resumed = new Dropout(0.5, 999);
    resumed.loadState(saved);
    for (const e of expected) assert.deepEqual(resumed.forward(x).data, e.data);
  });

  it('refuses a ratio outside [0, 1), backward before forward and a dout of another shape', () => {
    for (const r of [-0.1, 1, Number.NaN]) assert.throws(() => new Dropout(r), /Dropout: dropoutRatio must be in \[0, 1\)/);
    const layer = new Dropout(0.5, 1);
    assert.throws(() => layer.backward(Tensor.zeros([2])), /Dropout: backward\(\) called before forward\(\)/);
    layer.forward(Tensor.zeros([2, 3]));
    assert.throws(() => layer.backward(Tensor.zeros([3, 2])), /Dropout: dout has shape \[3, 2\] but the forward output has shape \[2, 3\]/);
  });
});
