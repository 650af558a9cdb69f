// The convolution and pooling kernels of the contract (im2col, col2im, transposeBatch,
// maxPoolForward, maxPoolBackward), run against every backend, both element types and both
// kinds of storage: odd, non-square sizes, strides 1–3, padding 0–2, batch 1, channels 1
// and 3. Outputs are poisoned first and followed by a guard element no kernel may write;
// inputs are checked afterwards. Every kernel keeps the reference's order of operations,
// so the wasm results must equal the reference's bit for bit, sums included.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, ConvGeometry, DType, FloatArray } from '../../src/backend/backend.js';
import { convGeometry, type ConvGeometryInput } from '../../src/backend/conv_geometry.js';
import { referenceBackend as ref } from '../../src/backend/reference/index.js';
import { CONV_THRESHOLD_BYTES, createWasmBackend, type WasmBackend } from '../../src/backend/wasm/index.js';
import { assertUnchanged, BACKENDS, copyOf, DTYPES, makeArray, rng, STORAGES, TOLERANCE, type Storage } from './helpers.js';

const GEOMETRIES: readonly ConvGeometryInput[] = [
  { n: 2, c: 3, h: 7, w: 9, fh: 3, fw: 2, stride: 1, pad: 1 },
  { n: 1, c: 1, h: 5, w: 6, fh: 3, fw: 3, stride: 2, pad: 2 },
  { n: 3, c: 3, h: 11, w: 13, fh: 5, fw: 3, stride: 2, pad: 1 },
  { n: 2, c: 1, h: 28, w: 28, fh: 3, fw: 3, stride: 1, pad: 1 }, // the first DeepConvNet layer's shape
  { n: 2, c: 3, h: 9, w: 17, fh: 1, fw: 1, stride: 1, pad: 0 },
  { n: 1, c: 3, h: 6, w: 19, fh: 2, fw: 7, stride: 3, pad: 2 },
  { n: 2, c: 3, h: 12, w: 21, fh: 2, fw: 5, stride: 1, pad: 0 },
  { n: 1, c: 1, h: 4, w: 4, fh: 4, fw: 4, stride: 1, pad: 0 },
];

// Pooling needs pad ≤ half the window. Stride 1 and 2 have vector paths; 3 does not.
const POOLS: readonly ConvGeometryInput[] = [
  { n: 2, c: 3, h: 28, w: 28, fh: 2, fw: 2, stride: 2, pad: 0 },
  { n: 1, c: 1, h: 9, w: 11, fh: 2, fw: 2, stride: 2, pad: 0 },
  { n: 2, c: 3, h: 7, w: 29, fh: 3, fw: 3, stride: 2, pad: 1 },
  { n: 1, c: 3, h: 10, w: 23, fh: 3, fw: 3, stride: 1, pad: 1 },
  { n: 2, c: 1, h: 8, w: 30, fh: 3, fw: 2, stride: 2, pad: 1 },
  { n: 1, c: 3, h: 13, w: 26, fh: 4, fw: 5, stride: 3, pad: 2 },
  { n: 3, c: 1, h: 5, w: 7, fh: 1, fw: 1, stride: 1, pad: 0 },
];

const TRANSPOSES: readonly [number, number, number][] = [[1, 1, 1], [3, 5, 7], [2, 17, 33], [1, 33, 65], [2, 16, 35], [3, 70, 16], [0, 4, 4]];

const POISON_INDEX = -12345;
const GUARD = 4321;

interface Env {
  backend: Backend;
  dtype: DType;
  storage: Storage;
  random: () => number;
}

function eachEnv(backend: Backend, body: (env: Env) => void): void {
  let seed = 101;
  for (const dtype of DTYPES) for (const storage of STORAGES) body({ backend, dtype, storage, random: rng(seed++) });
}

const describeGeometry = (g: ConvGeometry): string =>
  `[${g.n},${g.c},${g.h},${g.w}] ${g.fh}×${g.fw} stride ${g.stride} pad ${g.pad}`;

/** Random values in ±[0.1, 1.1), of the env's kind. */
function random(env: Env, length: number): FloatArray {
  const array = makeArray(env.backend, env.storage, env.dtype, length);
  for (let i = 0; i < length; i++) array[i] = (env.random() < 0.5 ? -1 : 1) * (0.1 + env.random());
  return array;
}

/** An output of `length` elements poisoned with NaN, followed by a guard element it must not reach. */
function poisoned(env: Env, length: number): { out: FloatArray; guarded: FloatArray } {
  const guarded = makeArray(env.backend, env.storage, env.dtype, length + 1).fill(NaN);
  guarded[length] = GUARD;
  return { out: guarded.subarray(0, length), guarded };
}

function foreign(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

function assertGuard(guarded: FloatArray | Int32Array, what: string): void {
  assert.equal(guarded[guarded.length - 1], GUARD, `${what}: wrote past the end of its output`);
}

/** Pooling input with ties (few distinct values, both zeros) and the odd NaN, so first-maximum and NaN rules show. */
function poolInput(env: Env, length: number): FloatArray {
  const x = makeArray(env.backend, env.storage, env.dtype, length);
  for (let i = 0; i < length; i++) {
    const r = env.random();
    x[i] = r < 0.03 ? NaN : r < 0.1 ? -0 : Math.floor(env.random() * 5) - 2;
  }
  return x;
}

const sizes = (g: ConvGeometry) => ({
  image: g.n * g.c * g.h * g.w,
  col: g.n * g.oh * g.ow * g.c * g.fh * g.fw,
  pooled: g.n * g.c * g.oh * g.ow,
});

function checkIm2colCol2im(env: Env, g: ConvGeometry): void {
  const { image, col } = sizes(g);
  const what = `${describeGeometry(g)} ${env.dtype} ${env.storage}`;
  const x = random(env, image);
  const xBefore = copyOf(x);
  const expected = foreign(env.dtype, col);
  ref.im2col(g, x, expected);
  const got = poisoned(env, col);
  env.backend.im2col(g, x, got.out);
  assertSame(got.out, expected, `im2col ${what}`);
  assertGuard(got.guarded, `im2col ${what}`);
  assertUnchanged(xBefore, x, `im2col ${what} x`);

  const c = random(env, col);
  const cBefore = copyOf(c);
  const expectedDx = foreign(env.dtype, image);
  ref.col2im(g, c, expectedDx);
  const dx = poisoned(env, image);
  env.backend.col2im(g, c, dx.out);
  assertSame(dx.out, expectedDx, `col2im ${what}`);
  assertGuard(dx.guarded, `col2im ${what}`);
  assertUnchanged(cBefore, c, `col2im ${what} col`);

  // Adjointness, independent of any implementation: <im2col(x), c> = <x, col2im(c)>. Both
  // sides add the same products; the bound is the rounding of col2im's sums and the dots.
  let left = 0, right = 0, scale = 0;
  for (let i = 0; i < col; i++) {
    left += got.out[i]! * c[i]!;
    scale += Math.abs(got.out[i]! * c[i]!);
  }
  for (let i = 0; i < image; i++) right += x[i]! * dx.out[i]!;
  const bound = (env.dtype === 'float32' ? TOLERANCE.float32 : 1e-13) * scale;
  assert.ok(Math.abs(left - right) <= bound, `adjoint ${what}: <im2col(x), c> = ${left}, <x, col2im(c)> = ${right}`);
}

function checkPooling(env: Env, g: ConvGeometry): void {
  const { image, pooled } = sizes(g);
  const what = `${describeGeometry(g)} ${env.dtype} ${env.storage}`;
  const x = poolInput(env, image);
  const xBefore = copyOf(x);
  const expected = foreign(env.dtype, pooled);
  const expectedArgmax = new Int32Array(pooled);
  ref.maxPoolForward(g, x, expected, expectedArgmax);
  const out = poisoned(env, pooled);
  const argmaxGuarded = new Int32Array(pooled + 1).fill(POISON_INDEX);
  argmaxGuarded[pooled] = GUARD;
  const argmax = argmaxGuarded.subarray(0, pooled);
  env.backend.maxPoolForward(g, x, out.out, argmax);
  assertSame(out.out, expected, `maxPoolForward ${what}`);
  assertSame(argmax, expectedArgmax, `maxPoolForward argmax ${what}`);
  assertGuard(out.guarded, `maxPoolForward ${what}`);
  assertGuard(argmaxGuarded, `maxPoolForward argmax ${what}`);
  assertUnchanged(xBefore, x, `maxPoolForward ${what} x`);

  // Independently of the reference: each argmax is the first pixel of its window (inside
  // the image) holding the window's max, or its first NaN.
  const plane = g.h * g.w;
  for (let p = 0; p < g.n * g.c; p++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        const pixels: number[] = [];
        for (let ky = 0; ky < g.fh; ky++) {
          for (let kx = 0; kx < g.fw; kx++) {
            const y = oy * g.stride - g.pad + ky, xx = ox * g.stride - g.pad + kx;
            if (y >= 0 && y < g.h && xx >= 0 && xx < g.w) pixels.push(y * g.w + xx);
          }
        }
        const values = pixels.map((q) => x[p * plane + q]!);
        const nan = values.findIndex((v) => Number.isNaN(v));
        const first = nan >= 0 ? nan : values.indexOf(Math.max(...values));
        const o = (p * g.oh + oy) * g.ow + ox;
        assert.equal(argmax[o], pixels[first], `maxPoolForward ${what}: argmax of window ${o}`);
        assert.ok(Object.is(out.out[o], values[first]), `maxPoolForward ${what}: max of window ${o}`);
      }
    }
  }

  // Backward routes each dout to its argmax: integer douts, so every sum is exact.
  const dout = makeArray(env.backend, env.storage, env.dtype, pooled);
  for (let i = 0; i < pooled; i++) dout[i] = Math.floor(env.random() * 9) - 4;
  const doutBefore = copyOf(dout), argmaxBefore = argmax.slice();
  const routed = new Float64Array(image);
  for (let o = 0; o < pooled; o++) routed[Math.floor(o / (g.oh * g.ow)) * plane + argmax[o]!]! += dout[o]!;
  const expectedDx = foreign(env.dtype, image);
  ref.maxPoolBackward(g, dout, argmax, expectedDx);
  const dx = poisoned(env, image);
  env.backend.maxPoolBackward(g, dout, argmax, dx.out);
  assertSame(dx.out, expectedDx, `maxPoolBackward ${what}`);
  assertSame(Array.from(dx.out, (v) => v + 0), Array.from(routed), `maxPoolBackward ${what}: routed to argmax`);
  assertGuard(dx.guarded, `maxPoolBackward ${what}`);
  assertUnchanged(doutBefore, dout, `maxPoolBackward ${what} dout`);
  assertUnchanged(argmaxBefore, argmax, `maxPoolBackward ${what} argmax`);

  // Non-integer douts with several windows sharing an argmax: sums in the reference's order.
  const real = random(env, pooled);
  ref.maxPoolBackward(g, real, argmax, expectedDx);
  env.backend.maxPoolBackward(g, real, argmax, dx.out);
  assertSame(dx.out, expectedDx, `maxPoolBackward ${what}, real douts`);
}

for (const { label, make } of BACKENDS) {
  describe(`convolution kernels: ${label}`, () => {
    const backend = make();

    it('im2col and col2im equal the reference bit for bit, and are adjoint', () => eachEnv(backend, (env) => {
      for (const input of GEOMETRIES) checkIm2colCol2im(env, convGeometry('test', input));
    }));

    it('transposeBatch equals the reference bit for bit', () => eachEnv(backend, (env) => {
      for (const [batch, rows, cols] of TRANSPOSES) {
        const what = `${batch}×${rows}×${cols} ${env.dtype} ${env.storage}`;
        const length = batch * rows * cols;
        const x = random(env, length);
        const xBefore = copyOf(x);
        const expected = foreign(env.dtype, length);
        ref.transposeBatch(batch, rows, cols, x, expected);
        for (let b = 0; b < batch; b++) {
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) assert.equal(expected[(b * cols + j) * rows + i], x[(b * rows + i) * cols + j]);
          }
        }
        const out = poisoned(env, length);
        backend.transposeBatch(batch, rows, cols, x, out.out);
        assertSame(out.out, expected, `transposeBatch ${what}`);
        assertGuard(out.guarded, `transposeBatch ${what}`);
        assertUnchanged(xBefore, x, `transposeBatch ${what} x`);
      }
    }));

    it('max pooling equals the reference bit for bit, argmax included, and routes gradients to argmax', () => eachEnv(backend, (env) => {
      for (const input of POOLS) checkPooling(env, convGeometry('test', input));
    }));
  });
}

describe('convolution kernels: wasm checks and threads', () => {
  const one = createWasmBackend({ threads: 1 });
  const two = createWasmBackend({ threads: 2 });

  it('splits a large call by images, giving the same bits on 1 and 2 threads', () => {
    // 7 images: bands of 2, the last a single image. Large enough for every kernel to split.
    const g = convGeometry('test', { n: 7, c: 8, h: 28, w: 26, fh: 3, fw: 3, stride: 1, pad: 1 });
    const pool = convGeometry('test', { n: 7, c: 32, h: 28, w: 26, fh: 2, fw: 2, stride: 2, pad: 0 });
    const [tRows, tCols] = [300, 131];
    const { image, col } = sizes(g);
    // The smallest calls, as the pool counts bytes, in float32: im2col (x and col), a
    // transpose (a quarter of x read and out written) and pooling (its input alone).
    assert.ok(
      image * 4 * 10 >= CONV_THRESHOLD_BYTES && (2 * g.n * tRows * tCols * 4) / 4 >= CONV_THRESHOLD_BYTES &&
      sizes(pool).image * 4 >= CONV_THRESHOLD_BYTES,
      'the test shapes must split',
    );
    for (const dtype of DTYPES) {
      for (const storage of STORAGES) {
        const envs = [one, two].map((backend): Env => ({ backend, dtype, storage, random: rng(7) }));
        const results = envs.map((env) => {
          const backend = env.backend as WasmBackend;
          const before = { ...backend.convPaths };
          const x = random(env, image);
          const cols = poisoned(env, col);
          backend.im2col(g, x, cols.out);
          const c = random(env, col);
          const dx = poisoned(env, image);
          backend.col2im(g, c, dx.out);
          const tx = random(env, g.n * tRows * tCols);
          const t = poisoned(env, g.n * tRows * tCols);
          backend.transposeBatch(g.n, tRows, tCols, tx, t.out);
          const px = poolInput(env, sizes(pool).image);
          const pooled = poisoned(env, sizes(pool).pooled);
          const argmax = new Int32Array(sizes(pool).pooled).fill(POISON_INDEX);
          backend.maxPoolForward(pool, px, pooled.out, argmax);
          const dout = random(env, sizes(pool).pooled);
          const pdx = poisoned(env, sizes(pool).image);
          backend.maxPoolBackward(pool, dout, argmax, pdx.out);
          for (const out of [cols, dx, t, pooled, pdx]) assertGuard(out.guarded, `${dtype} ${storage} on ${backend.threads} thread(s)`);
          const after = backend.convPaths;
          if (backend.threads === 1) assert.equal(after.whole, before.whole + 5, 'one thread runs every kernel whole');
          else assert.equal(after.split, before.split + 5, `${dtype} ${storage}: two threads split all five kernels`);
          return { x, c, px, dout, outputs: [cols.out, dx.out, t.out, pooled.out, argmax, pdx.out] };
        });
        const [a, b] = results as [typeof results[0], typeof results[0]];
        assertSame(b.x, a.x, 'same inputs');
        const names = ['im2col', 'col2im', 'transposeBatch', 'maxPoolForward', 'maxPoolForward argmax', 'maxPoolBackward'];
        names.forEach((name, k) => assertSame(b.outputs[k]!, a.outputs[k]!, `${name} ${dtype} ${storage}: 2 threads vs 1`));
        // And the reference's bits.
        const expected = foreign(dtype, image);
        ref.col2im(g, a.c, expected);
        assertSame(a.outputs[1]!, expected, `col2im ${dtype} ${storage}: vs the reference`);
      }
    }
    // Below the threshold a call stays whole.
    const small = convGeometry('test', { n: 2, c: 1, h: 8, w: 8, fh: 3, fw: 3, stride: 1, pad: 1 });
    const split = two.convPaths.split;
    two.im2col(small, new Float64Array(sizes(small).image), new Float64Array(sizes(small).col));
    assert.equal(two.convPaths.split, split, 'a small im2col was split');
  });

  it('refuses arrays too short for the geometry, before touching memory', () => {
    const g = convGeometry('test', { n: 2, c: 3, h: 6, w: 7, fh: 3, fw: 2, stride: 1, pad: 1 });
    const pool = convGeometry('test', { n: 2, c: 3, h: 6, w: 7, fh: 2, fw: 2, stride: 2, pad: 1 });
    for (const backend of [one, two]) {
      for (const dtype of DTYPES) {
        for (const storage of STORAGES) {
          const env: Env = { backend, dtype, storage, random: rng(3) };
          const { image, col } = sizes(g);
          const p = sizes(pool);
          // Each case gives one array a single element too few; the outputs stay as they were.
          const cases: [string, () => void, FloatArray[]][] = [];
          const x = random(env, image), cols = random(env, col);
          const shortX = x.subarray(0, image - 1), shortCol = cols.subarray(0, col - 1);
          const outCol = random(env, col), outX = random(env, image);
          cases.push(['im2col x', () => backend.im2col(g, shortX, outCol), [outCol]]);
          cases.push(['im2col col', () => backend.im2col(g, x, outCol.subarray(0, col - 1)), [outCol]]);
          cases.push(['col2im col', () => backend.col2im(g, shortCol, outX), [outX]]);
          cases.push(['col2im dx', () => backend.col2im(g, cols, outX.subarray(0, image - 1)), [outX]]);
          cases.push(['transposeBatch x', () => backend.transposeBatch(2, 3, 7, x.subarray(0, 41), outX), [outX]]);
          cases.push(['transposeBatch out', () => backend.transposeBatch(2, 3, 7, x, outX.subarray(0, 41)), [outX]]);
          const px = random(env, p.image), pout = random(env, p.pooled), argmax = new Int32Array(p.pooled);
          const pdx = random(env, p.image);
          cases.push(['maxPoolForward x', () => backend.maxPoolForward(pool, px.subarray(0, p.image - 1), pout, argmax), [pout]]);
          cases.push(['maxPoolForward out', () => backend.maxPoolForward(pool, px, pout.subarray(0, p.pooled - 1), argmax), [pout]]);
          cases.push(['maxPoolForward argmax', () => backend.maxPoolForward(pool, px, pout, argmax.subarray(0, p.pooled - 1)), [pout]]);
          cases.push(['maxPoolBackward dout', () => backend.maxPoolBackward(pool, pout.subarray(0, p.pooled - 1), argmax, pdx), [pdx]]);
          cases.push(['maxPoolBackward argmax', () => backend.maxPoolBackward(pool, pout, argmax.subarray(0, p.pooled - 1), pdx), [pdx]]);
          cases.push(['maxPoolBackward dx', () => backend.maxPoolBackward(pool, pout, argmax, pdx.subarray(0, p.image - 1)), [pdx]]);
          for (const [name, call, outputs] of cases) {
            const before = outputs.map(copyOf);
            assert.throws(call, (error: unknown) => error instanceof RangeError && /^\w+: \w+ has \d+ elements, needs \d+$/.test(error.message) && !/\n/.test(error.message), `${name} ${dtype} ${storage}`);
            outputs.forEach((out, k) => assertUnchanged(before[k]!, out, `${name}: an output changed`));
          }
        }
      }
    }
  });

  it('refuses argmax entries outside their plane, writing nothing', () => {
    const g = convGeometry('test', { n: 2, c: 2, h: 5, w: 6, fh: 2, fw: 2, stride: 2, pad: 0 });
    const { image, pooled } = sizes(g);
    for (const backend of [one, two]) {
      for (const dtype of DTYPES) {
        for (const storage of STORAGES) {
          const env: Env = { backend, dtype, storage, random: rng(5) };
          const dout = random(env, pooled);
          // dx and a neighbour right after it in memory: a stray write would land in either.
          const both = makeArray(backend, storage, dtype, 2 * image);
          const dx = both.subarray(0, image).fill(7);
          const neighbour = both.subarray(image).fill(9);
          for (const bad of [-1, g.h * g.w, 2 ** 31 - 1, -(2 ** 31)]) {
            for (const at of [0, pooled - 1, 5]) {
              const argmax = new Int32Array(pooled).fill(1);
              argmax[at] = bad;
              assert.throws(
                () => backend.maxPoolBackward(g, dout, argmax, dx),
                (error: unknown) => error instanceof RangeError && error.message.includes(`argmax[${at}] is ${bad}`),
                `argmax ${bad} at ${at}, ${dtype} ${storage} on ${(backend as WasmBackend).threads} thread(s)`,
              );
              assert.ok(dx.every((v) => v === 7) && neighbour.every((v) => v === 9), 'memory changed');
            }
          }
        }
      }
    }
  });

  it('refuses a geometry whose output size does not match its sizes', () => {
    const g = convGeometry('test', { n: 1, c: 1, h: 5, w: 5, fh: 3, fw: 3, stride: 1, pad: 0 });
    const wrong = { ...g, oh: g.oh + 1 };
    const x = new Float64Array(100), col = new Float64Array(1000);
    assert.throws(() => one.im2col(wrong, x, col), /im2col: the geometry says 4×3 windows/);
    assert.throws(() => one.col2im({ ...g, stride: 0 }, col, x), RangeError);
    assert.throws(() => one.transposeBatch(1, -1, 3, x, col), /transposeBatch: rows must be/);
  });

  it('refuses max pooling whose padding could fill a whole window, on both backends', () => {
    const g = convGeometry('test', { n: 1, c: 1, h: 4, w: 4, fh: 2, fw: 2, stride: 2, pad: 2 });
    const x = new Float64Array(16), out = new Float64Array(g.oh * g.ow), argmax = new Int32Array(g.oh * g.ow);
    for (const backend of [one, ref]) {
      assert.throws(() => backend.maxPoolForward(g, x, out, argmax), /maxPoolForward: pad 2 must be at most half the 2×2 pooling window/);
      assert.throws(() => backend.maxPoolBackward(g, out, argmax, x), /maxPoolBackward: pad 2 must be at most half the 2×2 pooling window/);
    }
  });

  it('falls back to the reference for mixed element types', () => {
    const g = convGeometry('test', { n: 2, c: 3, h: 5, w: 7, fh: 3, fw: 3, stride: 2, pad: 1 });
    const { image, col } = sizes(g);
    const random = rng(9);
    const x = Float64Array.from({ length: image }, () => random() - 0.5);
    const expected = new Float32Array(col);
    ref.im2col(g, x, expected);
    for (const backend of [one, two]) {
      const out = new Float32Array(col).fill(NaN);
      backend.im2col(g, x, out);
      assertSame(out, expected, 'im2col float64 → float32');
      const mixedDx = new Float64Array(image).fill(NaN);
      const expectedDx = new Float64Array(image);
      ref.col2im(g, expected, expectedDx);
      backend.col2im(g, expected, mixedDx);
      assertSame(mixedDx, expectedDx, 'col2im float32 → float64');
    }
  });
});
