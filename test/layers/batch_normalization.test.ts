import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchNormalization } from '../../src/layers/batch_normalization.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, randomTensor } from '../helpers.js';
import { checkLayerGradient } from './check_layer.js';

/** The book's BatchNormalization, transcribed step by step from its NumPy (2-d input). */
function bookBatchNorm(x: number[][], gamma: number[], beta: number[], dout: number[][]) {
  const N = x.length;
  const D = gamma.length;
  const col = (f: (j: number) => number) => Array.from({ length: D }, (_, j) => f(j));
  const mu = col((j) => x.reduce((s, r) => s + r[j]!, 0) / N);
  const xc = x.map((r) => r.map((v, j) => v - mu[j]!));
  const v = col((j) => xc.reduce((s, r) => s + r[j]! ** 2, 0) / N);
  const std = v.map((s) => Math.sqrt(s + 10e-7));
  const xn = xc.map((r) => r.map((c, j) => c / std[j]!));
  const out = xn.map((r) => r.map((n, j) => gamma[j]! * n + beta[j]!));
  const dbeta = col((j) => dout.reduce((s, r) => s + r[j]!, 0));
  const dgamma = col((j) => dout.reduce((s, r, i) => s + xn[i]![j]! * r[j]!, 0));
  const dxn = dout.map((r) => r.map((d, j) => gamma[j]! * d));
  const dxc = dxn.map((r) => r.map((d, j) => d / std[j]!));
  const dstd = col((j) => -dxn.reduce((s, r, i) => s + (r[j]! * xc[i]![j]!) / (std[j]! * std[j]!), 0));
  const dvar = dstd.map((d, j) => (0.5 * d) / std[j]!);
  const dxc2 = dxc.map((r, i) => r.map((d, j) => d + (2.0 / N) * xc[i]![j]! * dvar[j]!));
  const dmu = col((j) => dxc2.reduce((s, r) => s + r[j]!, 0));
  const dx = dxc2.map((r) => r.map((d, j) => d - dmu[j]! / N));
  return { out, dx, dgamma, dbeta, mu, v };
}

const rows = (t: Tensor): number[][] => t.toArray() as number[][];

function makeLayer(D: number, rng: Random, momentum = 0.9): BatchNormalization {
  const gamma = randomTensor([D], rng);
  for (let j = 0; j < D; j++) gamma.data[j] = 1 + gamma.data[j]! / 2;
  return new BatchNormalization(gamma, randomTensor([D], rng), momentum);
}

describe('BatchNormalization', () => {
  it('matches the book\'s forward and backward step for step in train mode', () => {
    const rng = new Random(5);
    const layer = makeLayer(4, rng);
    const x = randomTensor([6, 4], rng);
    const dout = randomTensor([6, 4], rng);
    const book = bookBatchNorm(rows(x), Array.from(layer.gamma.data), Array.from(layer.beta.data), rows(dout));
    const out = layer.forward(x).clone();
    const dx = layer.backward(dout);
    assertClose(out.data, book.out.flat(), 1e-13, 'out');
    assertClose(dx.data, book.dx.flat(), 1e-13, 'dx');
    assertClose(layer.dgamma.data, book.dgamma, 1e-13, 'dgamma');
    assertClose(layer.dbeta.data, book.dbeta, 1e-13, 'dbeta');
  });

  it('moves the running statistics by momentum in train mode only, and normalises by them at test time', () => {
    const rng = new Random(6);
    const layer = makeLayer(3, rng, 0.9);
    const x1 = randomTensor([5, 3], rng);
    const x2 = randomTensor([5, 3], rng);
    const b1 = bookBatchNorm(rows(x1), [1, 1, 1], [0, 0, 0], rows(x1));
    const b2 = bookBatchNorm(rows(x2), [1, 1, 1], [0, 0, 0], rows(x2));
    layer.forward(x1);
    layer.forward(x2);
    const rm = b1.mu.map((m, j) => 0.9 * (0.1 * m) + 0.1 * b2.mu[j]!);
    const rv = b1.v.map((v, j) => 0.9 * (0.1 * v) + 0.1 * b2.v[j]!);
    assertClose(layer.runningMean.data, rm, 1e-15, 'runningMean');
    assertClose(layer.runningVar.data, rv, 1e-15, 'runningVar');
    const x3 = randomTensor([2, 3], rng);
    const runningMean = layer.runningMean.clone();
    const runningVar = layer.runningVar.clone();
    const out = layer.forward(x3, false);
    const expected = rows(x3).flatMap((r) => r.map((v, j) => layer.gamma.data[j]! * ((v - rm[j]!) / Math.sqrt(rv[j]! + 1e-6)) + layer.beta.data[j]!));
    assertClose(out.data, expected, 1e-14, 'test-mode output');
    assert.deepEqual(layer.runningMean.data, runningMean.data, 'runningMean unchanged by a test-mode forward');
    assert.deepEqual(layer.runningVar.data, runningVar.data, 'runningVar unchanged by a test-mode forward');
    assert.deepEqual(Object.keys(layer.buffers()), ['runningMean', 'runningVar']);
    assert.equal(layer.buffers().runningVar, layer.runningVar);
  });

  it('uses given running statistics and lists gamma/beta with their gradients', () => {
    const gamma = Tensor.full([2], 2);
    const beta = Tensor.full([2], 1);
    const layer = new BatchNormalization(gamma, beta, 0.9, Tensor.from([1, -1]), Tensor.from([4, 1]));
    const out = layer.forward(Tensor.from([[3, 0]]), false);
    assertClose(out.data, [2 * (2 / Math.sqrt(4 + 1e-6)) + 1, 2 * (1 / Math.sqrt(1 + 1e-6)) + 1], 1e-15, 'out');
    const params = layer.params();
    assert.deepEqual(params.map((p) => p.name), ['gamma', 'beta']);
    assert.equal(params[0]!.value, gamma);
    assert.equal(params[0]!.grad, layer.dgamma);
    assert.equal(params[1]!.grad, layer.dbeta);
  });

  it('backward matches numerical differentiation in train and test mode, for x, gamma and beta', () => {
    const rng = new Random(8);
    checkLayerGradient(makeLayer(5, rng), randomTensor([7, 5], rng), rng);
    const trained = makeLayer(5, rng);
    trained.forward(randomTensor([7, 5], rng));
    checkLayerGradient(trained, randomTensor([3, 5], rng), rng, { trainFlg: false });
  });

  it('reads 4-d input as [N, −1], as the book does', () => {
    const rng = new Random(10);
    const layer = makeLayer(2 * 3 * 2, rng);
    const x = randomTensor([4, 2, 3, 2], rng);
    const out = layer.forward(x).clone();
    assert.deepEqual(out.shape, [4, 2, 3, 2]);
    const flat = new BatchNormalization(layer.gamma, layer.beta);
    assert.deepEqual(flat.forward(x.reshape(4, -1)).data, out.data);
    checkLayerGradient(makeLayer(12, rng), randomTensor([6, 2, 3, 2], rng), rng);
  });

  it('refuses mismatched shapes, dtypes and momentum, and backward before forward', () => {
    const g = Tensor.full([3], 1);
    assert.throws(() => new BatchNormalization(Tensor.zeros([3, 1]), g), /BatchNormalization: gamma must be 1-d \[D\], got \[3, 1\]/);
    assert.throws(() => new BatchNormalization(g, Tensor.zeros([2])), /BatchNormalization: beta has shape \[2\] but gamma needs \[3\]/);
    assert.throws(() => new BatchNormalization(g, Tensor.zeros([3], 'float32')), /beta is float32 but gamma is float64/);
    assert.throws(() => new BatchNormalization(g, g, 1.5), /momentum must be in \[0, 1\]/);
    assert.throws(() => new BatchNormalization(g, g, 0.9, Tensor.zeros([4])), /runningMean has shape \[4\] but gamma needs \[3\]/);
    const layer = new BatchNormalization(g, Tensor.zeros([3]));
    assert.throws(() => layer.backward(Tensor.zeros([2, 3])), /BatchNormalization: backward\(\) called before forward\(\)/);
    assert.throws(() => layer.forward(Tensor.zeros([2, 4])), /BatchNormalization: input \[2, 4\] does not match gamma \[3\]/);
    assert.throws(() => layer.forward(Tensor.zeros([2, 3], 'float32')), /input is float32 but gamma is float64/);
    layer.forward(Tensor.from([[1, 2, 3], [3, 2, 1]]));
    assert.throws(() => layer.backward(Tensor.zeros([3, 3])), /BatchNormalization: dout has shape \[3, 3\] but the forward output has shape \[2, 3\]/);
  });
});
