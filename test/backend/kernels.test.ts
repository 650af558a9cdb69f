// Every non-GEMM kernel of the contract, run against every backend and compared with the
// reference: odd sizes, both element types, both kinds of storage, in place where the
// contract allows it, outputs poisoned first and inputs checked afterwards.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import { referenceBackend as ref } from '../../src/backend/reference/index.js';
import {
  assertClose, assertUnchanged, BACKENDS, copyOf, DTYPES, makeArray, randomArray, rng, STORAGES, TOLERANCE,
  type Storage,
} from './helpers.js';

const SIZES = [1, 3, 17, 31, 100, 785];
const SHAPES: readonly [number, number][] = [[1, 1], [1, 17], [3, 10], [17, 3], [31, 31], [100, 10], [7, 785]];

interface Env {
  backend: Backend;
  dtype: DType;
  storage: Storage;
  random: () => number;
  tol: number;
}

/** Runs body for every dtype × storage with fresh seeded data. */
function eachEnv(backend: Backend, body: (env: Env) => void): void {
  let seed = 11;
  for (const dtype of DTYPES) {
    for (const storage of STORAGES) {
      body({ backend, dtype, storage, random: rng(seed++), tol: TOLERANCE[dtype] });
    }
  }
}

const poisoned = (env: Env, length: number): FloatArray => makeArray(env.backend, env.storage, env.dtype, length).fill(NaN);
const random = (env: Env, length: number): FloatArray => randomArray(env.backend, env.storage, env.dtype, length, env.random);
const foreignCopy = (array: FloatArray): FloatArray => (array instanceof Float32Array ? new Float32Array(array) : new Float64Array(array));

/** Probabilities: positive rows that sum to one, like a softmax output. */
function probabilities(env: Env, rows: number, cols: number): FloatArray {
  const y = makeArray(env.backend, env.storage, env.dtype, rows * cols);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += (y[i * cols + j] = 0.05 + env.random());
    for (let j = 0; j < cols; j++) y[i * cols + j] = y[i * cols + j]! / sum;
  }
  return y;
}

function labelsFor(env: Env, rows: number, cols: number): Int32Array {
  return Int32Array.from({ length: rows }, () => Math.floor(env.random() * cols));
}

/**
 * Checks a unary elementwise kernel f(n, x, out) against the reference, out of place and
 * (when allowed) in place.
 */
function checkUnary(
  env: Env, name: string, n: number,
  run: (b: Backend, n: number, x: FloatArray, out: FloatArray) => void,
  inPlace: boolean,
): void {
  const x = random(env, n);
  // Exercise the boundaries the kernels branch on.
  if (n > 2) { x[0] = 0; x[1] = -0; }
  const before = copyOf(x);
  const expected = foreignCopy(x);
  run(ref, n, x.slice(), expected);
  const out = poisoned(env, n);
  run(env.backend, n, x, out);
  const what = `${name} n=${n} ${env.dtype} ${env.storage}`;
  assertClose(out, expected, env.tol, what);
  assertUnchanged(before, x, what);
  if (inPlace) {
    run(env.backend, n, x, x);
    assertClose(x, expected, env.tol, `${what} in place`);
  }
}

function checkBinary(
  env: Env, name: string, n: number,
  run: (b: Backend, n: number, dout: FloatArray, y: FloatArray, dx: FloatArray) => void,
): void {
  const dout = random(env, n);
  const y = random(env, n);
  if (n > 2) { y[0] = 0; y[1] = -0; }
  const doutBefore = copyOf(dout), yBefore = copyOf(y);
  const expected = foreignCopy(dout);
  run(ref, n, dout.slice(), y.slice(), expected);
  const dx = poisoned(env, n);
  run(env.backend, n, dout, y, dx);
  const what = `${name} n=${n} ${env.dtype} ${env.storage}`;
  assertClose(dx, expected, env.tol, what);
  assertUnchanged(doutBefore, dout, `${what} dout`);
  assertUnchanged(yBefore, y, `${what} y`);
  run(env.backend, n, dout, y, dout); // dx may be dout
  assertClose(dout, expected, env.tol, `${what} in place`);
}

for (const { label, make } of BACKENDS) {
  describe(`kernel contract: ${label}`, () => {
    const backend = make();

    it('reluForward / reluBackward', () => eachEnv(backend, (env) => {
      for (const n of SIZES) {
        checkUnary(env, 'reluForward', n, (b, n, x, out) => b.reluForward(n, x, out), true);
        checkBinary(env, 'reluBackward', n, (b, n, dout, y, dx) => b.reluBackward(n, dout, y, dx));
      }
    }));

    it('relu keeps NaN (the book\'s mask x <= 0), so non-finite values reach the loss', () => eachEnv(backend, (env) => {
      // 17 elements: the special values land in SIMD lanes and in the scalar tail.
      const pattern = [NaN, -Infinity, Infinity, -0, 0, 2.5, -1.5, NaN];
      const values = Array.from({ length: 17 }, (_, i) => pattern[i % pattern.length]!);
      const x = makeArray(env.backend, env.storage, env.dtype, 17);
      x.set(values);
      const out = poisoned(env, 17);
      env.backend.reluForward(17, x, out);
      const expectedY = values.map((v) => (v <= 0 ? 0 : v));
      assert.deepEqual(Array.from(out).map((v) => (Object.is(v, -0) ? 'negative zero' : v)), expectedY, `reluForward ${env.dtype} ${env.storage}`);
      const dout = makeArray(env.backend, env.storage, env.dtype, 17).fill(3);
      const dx = poisoned(env, 17);
      env.backend.reluBackward(17, dout, out, dx);
      assert.deepEqual(Array.from(dx), expectedY.map((y) => (y <= 0 ? 0 : 3)), `reluBackward ${env.dtype} ${env.storage}`);
    }));

    it('sigmoidForward / sigmoidBackward', () => eachEnv(backend, (env) => {
      for (const n of SIZES) {
        checkUnary(env, 'sigmoidForward', n, (b, n, x, out) => b.sigmoidForward(n, x, out), true);
        checkBinary(env, 'sigmoidBackward', n, (b, n, dout, y, dx) => b.sigmoidBackward(n, dout, y, dx));
      }
    }));

    it('axpy', () => eachEnv(backend, (env) => {
      for (const n of SIZES) {
        const x = random(env, n), y = random(env, n);
        const xBefore = copyOf(x);
        const expected = foreignCopy(y);
        ref.axpy(n, -0.37, x, expected);
        backend.axpy(n, -0.37, x, y);
        assertClose(y, expected, env.tol, `axpy n=${n} ${env.dtype} ${env.storage}`);
        assertUnchanged(xBefore, x, 'axpy x');
      }
    }));

    it('only the first n elements are touched', () => eachEnv(backend, (env) => {
      const x = random(env, 40);
      const out = poisoned(env, 40);
      out.fill(7);
      backend.reluForward(33, x, out);
      assert.deepEqual(Array.from(out.subarray(33)), [7, 7, 7, 7, 7, 7, 7]);
    }));

    it('addRowVector / sumRows', () => eachEnv(backend, (env) => {
      for (const [rows, cols] of SHAPES) {
        const what = `${rows}×${cols} ${env.dtype} ${env.storage}`;
        const x = random(env, rows * cols), bias = random(env, cols);
        const xBefore = copyOf(x), biasBefore = copyOf(bias);
        const expected = foreignCopy(x);
        ref.addRowVector(rows, cols, x, bias, expected);
        const out = poisoned(env, rows * cols);
        backend.addRowVector(rows, cols, x, bias, out);
        assertClose(out, expected, env.tol, `addRowVector ${what}`);
        assertUnchanged(xBefore, x, 'addRowVector x');
        assertUnchanged(biasBefore, bias, 'addRowVector bias');

        const sums = foreignCopy(bias);
        ref.sumRows(rows, cols, x, sums);
        const got = poisoned(env, cols);
        backend.sumRows(rows, cols, x, got);
        assertClose(got, sums, env.tol, `sumRows ${what}`);
        assertUnchanged(xBefore, x, 'sumRows x');

        backend.addRowVector(rows, cols, x, bias, x); // out may be x
        assertClose(x, expected, env.tol, `addRowVector in place ${what}`);
      }
    }));

    it('softmaxRows and the cross-entropy losses', () => eachEnv(backend, (env) => {
      for (const [rows, cols] of SHAPES) {
        const what = `${rows}×${cols} ${env.dtype} ${env.storage}`;
        const x = random(env, rows * cols);
        const xBefore = copyOf(x);
        const expected = foreignCopy(x);
        ref.softmaxRows(rows, cols, x, expected);
        const y = poisoned(env, rows * cols);
        backend.softmaxRows(rows, cols, x, y);
        assertClose(y, expected, env.tol, `softmaxRows ${what}`);
        assertUnchanged(xBefore, x, 'softmaxRows x');
        backend.softmaxRows(rows, cols, x, x);
        assertClose(x, expected, env.tol, `softmaxRows in place ${what}`);

        const p = probabilities(env, rows, cols);
        const labels = labelsFor(env, rows, cols);
        const pBefore = copyOf(p), labelsBefore = labels.slice();
        const t = makeArray(backend, env.storage, env.dtype, rows * cols);
        for (let i = 0; i < rows; i++) t[i * cols + labels[i]!] = 1;
        assertClose([backend.crossEntropyLabels(rows, cols, p, labels)], [ref.crossEntropyLabels(rows, cols, p, labels)], env.tol, `crossEntropyLabels ${what}`);
        assertClose([backend.crossEntropyOneHot(rows, cols, p, t)], [ref.crossEntropyOneHot(rows, cols, p, t)], env.tol, `crossEntropyOneHot ${what}`);
        assertUnchanged(pBefore, p, 'cross-entropy y');
        assertUnchanged(labelsBefore, labels, 'cross-entropy labels');
      }
    }));

    it('softmax-with-loss backward, labels and one-hot', () => eachEnv(backend, (env) => {
      for (const [rows, cols] of SHAPES) {
        const what = `${rows}×${cols} ${env.dtype} ${env.storage}`;
        const scale = 1 / rows;
        const y = probabilities(env, rows, cols);
        const labels = labelsFor(env, rows, cols);
        const t = random(env, rows * cols);
        const yBefore = copyOf(y), tBefore = copyOf(t), labelsBefore = labels.slice();

        const expectedLabels = foreignCopy(y);
        ref.softmaxCrossEntropyBackwardLabels(rows, cols, y, labels, scale, expectedLabels);
        const dx = poisoned(env, rows * cols);
        backend.softmaxCrossEntropyBackwardLabels(rows, cols, y, labels, scale, dx);
        assertClose(dx, expectedLabels, env.tol, `sceBackwardLabels ${what}`);

        const expectedOneHot = foreignCopy(y);
        ref.softmaxCrossEntropyBackwardOneHot(rows, cols, y, t, scale, expectedOneHot);
        dx.fill(NaN);
        backend.softmaxCrossEntropyBackwardOneHot(rows, cols, y, t, scale, dx);
        assertClose(dx, expectedOneHot, env.tol, `sceBackwardOneHot ${what}`);

        assertUnchanged(yBefore, y, 'backward y');
        assertUnchanged(tBefore, t, 'backward t');
        assertUnchanged(labelsBefore, labels, 'backward labels');

        backend.softmaxCrossEntropyBackwardLabels(rows, cols, y, labels, scale, y); // dx may be y
        assertClose(y, expectedLabels, env.tol, `sceBackwardLabels in place ${what}`);
        const y2 = copyOf(yBefore);
        backend.softmaxCrossEntropyBackwardOneHot(rows, cols, y2, t, scale, y2);
        assertClose(y2, expectedOneHot, env.tol, `sceBackwardOneHot in place ${what}`);
      }
    }));

    it('gatherRows and argmaxRows', () => eachEnv(backend, (env) => {
      for (const [rows, cols] of SHAPES) {
        const what = `${rows}×${cols} ${env.dtype} ${env.storage}`;
        const src = random(env, rows * cols);
        const srcBefore = copyOf(src);
        const indices = Int32Array.from({ length: 2 * rows + 1 }, () => Math.floor(env.random() * rows));
        const expected = makeArray(ref, 'foreign', env.dtype, indices.length * cols);
        ref.gatherRows(indices, cols, src, expected);
        const out = poisoned(env, indices.length * cols);
        backend.gatherRows(indices, cols, src, out);
        assertClose(out, expected, 0, `gatherRows ${what}`);
        assertUnchanged(srcBefore, src, 'gatherRows src');

        // Ties: the first maximum wins.
        if (cols > 2) src[cols - 1] = src[1] = 5;
        const best = new Int32Array(rows).fill(-1);
        const expectedBest = new Int32Array(rows);
        ref.argmaxRows(rows, cols, src, expectedBest);
        backend.argmaxRows(rows, cols, src, best);
        assert.deepEqual(Array.from(best), Array.from(expectedBest), `argmaxRows ${what}`);
      }
    }));
  });
}
