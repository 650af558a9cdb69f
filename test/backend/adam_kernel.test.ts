// Backend.adamUpdate: every backend must give exactly the bits of the plain JS loop Adam
// ran before it became a kernel (nabla's shipped weights are reproduced bit for bit).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import { ADAM_THRESHOLD } from '../../src/backend/wasm/pool.js';
import type { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { assertUnchanged, BACKENDS, copyOf, DTYPES, fillRandom, makeArray, rng, STORAGES, type Storage } from './helpers.js';

// The loop as src/optim/adam.ts had it: double arithmetic, rounding on each store, and m[i]
// and v[i] read back (rounded) for the parameter step.
function oracle(n: number, lrT: number, rest1: number, rest2: number, eps: number, p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray): void {
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    m[i] = m[i]! + rest1 * (gi - m[i]!);
    v[i] = v[i]! + rest2 * (gi * gi - v[i]!);
    p[i] = p[i]! - (lrT * m[i]!) / (Math.sqrt(v[i]!) + eps);
  }
}

/** Fails unless the two arrays hold the same bytes. */
function assertSameBits(actual: FloatArray, expected: FloatArray, what: string): void {
  assert.equal(actual.constructor, expected.constructor, `${what}: element type`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) {
      const k = Math.floor(i / actual.BYTES_PER_ELEMENT);
      assert.fail(`${what}: element ${k} is ${actual[k]}, expected exactly ${expected[k]}`);
    }
  }
}

const BETA1 = 0.9, BETA2 = 0.999, LR = 0.001, EPS = 1e-7;
const SPLIT_LENGTH = 2 * ADAM_THRESHOLD + 1; // odd, and above the threshold: split across 2 threads
const LENGTHS = [1, 3, 7, 1000, SPLIT_LENGTH];

interface State { p: FloatArray; g: FloatArray; m: FloatArray; v: FloatArray }

function makeState(backend: Backend, storage: Storage, dtype: DType, n: number, seed: number): State {
  const random = rng(seed);
  const p = fillRandom(makeArray(backend, storage, dtype, n), random);
  const g = fillRandom(makeArray(backend, storage, dtype, n), random);
  const m = fillRandom(makeArray(backend, storage, dtype, n), random);
  const v = makeArray(backend, storage, dtype, n);
  for (let i = 0; i < n; i++) v[i] = random() * random(); // v ≥ 0, a mean of squares, some tiny
  return { p, g, m, v };
}

for (const { label, make } of BACKENDS) {
  describe(`adamUpdate: ${label}`, () => {
    const backend = make();
    const wasm = backend.name === 'wasm' ? (backend as WasmBackend) : undefined;

    it('gives exactly the JS loop\'s bits, f64 and f32, either storage, over several steps', () => {
      for (const dtype of DTYPES) {
        for (const storage of STORAGES) {
          for (const n of LENGTHS) {
            const what = `${dtype} ${storage} n=${n}`;
            const s = makeState(backend, storage, dtype, n, n + (dtype === 'float32' ? 7 : 0));
            const e = { p: copyOf(s.p), m: copyOf(s.m), v: copyOf(s.v) };
            const gBefore = copyOf(s.g);
            for (let iter = 1; iter <= 3; iter++) {
              const lrT = (LR * Math.sqrt(1.0 - BETA2 ** iter)) / (1.0 - BETA1 ** iter);
              const before = wasm ? { ...wasm.adamPaths } : undefined;
              backend.adamUpdate(n, lrT, 1 - BETA1, 1 - BETA2, EPS, s.p, s.g, s.m, s.v);
              oracle(n, lrT, 1 - BETA1, 1 - BETA2, EPS, e.p, gBefore, e.m, e.v);
              if (wasm && before) {
                const splits = wasm.adamPaths.split - before.split;
                const wholes = wasm.adamPaths.whole - before.whole;
                const shouldSplit = wasm.threads > 1 && n >= ADAM_THRESHOLD;
                assert.deepEqual([splits, wholes], shouldSplit ? [1, 0] : [0, 1], `${what}: ${shouldSplit ? 'split' : 'whole'} expected`);
              }
            }
            assertSameBits(s.m, e.m, `${what} m`);
            assertSameBits(s.v, e.v, `${what} v`);
            assertSameBits(s.p, e.p, `${what} param`);
            assertUnchanged(gBefore, s.g, `${what} grad`);
          }
        }
      }
    });

    it('updates only the first n elements', () => {
      for (const dtype of DTYPES) {
        const s = makeState(backend, 'alloc', dtype, 9, 3);
        const before = { p: copyOf(s.p), m: copyOf(s.m), v: copyOf(s.v) };
        backend.adamUpdate(5, 0.01, 0.1, 0.001, EPS, s.p, s.g, s.m, s.v);
        for (const key of ['p', 'm', 'v'] as const) {
          assertUnchanged(before[key].subarray(5), s[key].subarray(5), `${dtype} ${key} past n`);
          assert.notEqual(s[key][4], before[key][4], `${dtype} ${key}[4] was not updated`);
        }
      }
    });

    it('falls back to the same bits when the arrays\' types are mixed', () => {
      const n = 7;
      const s = makeState(backend, 'foreign', 'float32', n, 11);
      const g64 = Float64Array.from(s.g);
      const e = { p: copyOf(s.p), m: copyOf(s.m), v: copyOf(s.v) };
      backend.adamUpdate(n, 0.01, 0.1, 0.001, EPS, s.p, g64, s.m, s.v);
      oracle(n, 0.01, 0.1, 0.001, EPS, e.p, g64, e.m, e.v);
      assertSameBits(s.p, e.p, 'mixed param');
      assertSameBits(s.m, e.m, 'mixed m');
      assertSameBits(s.v, e.v, 'mixed v');
    });

    it('gives the same bits when backend storage and plain arrays meet in one call', () => {
      for (const dtype of DTYPES) {
        const n = 1001;
        const a = makeState(backend, 'alloc', dtype, n, 13);
        const f = makeState(backend, 'foreign', dtype, n, 13);
        const e = { p: copyOf(a.p), m: copyOf(f.m), v: copyOf(a.v) };
        backend.adamUpdate(n, 0.01, 0.1, 0.001, EPS, a.p, f.g, f.m, a.v);
        oracle(n, 0.01, 0.1, 0.001, EPS, e.p, f.g, e.m, e.v);
        assertSameBits(a.p, e.p, `${dtype} mixed storage param`);
        assertSameBits(f.m, e.m, `${dtype} mixed storage m`);
        assertSameBits(a.v, e.v, `${dtype} mixed storage v`);
      }
    });

    it('refuses arrays shorter than n, and an n that is not a count, touching nothing', () => {
      for (const dtype of DTYPES) {
        for (const storage of STORAGES) {
          const s = makeState(backend, storage, dtype, 8, 5);
          const before = { p: copyOf(s.p), g: copyOf(s.g), m: copyOf(s.m), v: copyOf(s.v) };
          const short = makeArray(backend, storage, dtype, 7);
          const cases: [string, () => void, RegExp][] = [
            ['param', () => backend.adamUpdate(8, 0.01, 0.1, 0.001, EPS, short, s.g, s.m, s.v), /param has 7 elements, needs 8/],
            ['grad', () => backend.adamUpdate(8, 0.01, 0.1, 0.001, EPS, s.p, short, s.m, s.v), /grad has 7 elements, needs 8/],
            ['m', () => backend.adamUpdate(8, 0.01, 0.1, 0.001, EPS, s.p, s.g, short, s.v), /m has 7 elements, needs 8/],
            ['v', () => backend.adamUpdate(8, 0.01, 0.1, 0.001, EPS, s.p, s.g, s.m, short), /v has 7 elements, needs 8/],
            ['n = 9', () => backend.adamUpdate(9, 0.01, 0.1, 0.001, EPS, s.p, s.g, s.m, s.v), /needs 9/],
            ['n = -1', () => backend.adamUpdate(-1, 0.01, 0.1, 0.001, EPS, s.p, s.g, s.m, s.v), /n must be an integer/],
            ['n = 2.5', () => backend.adamUpdate(2.5, 0.01, 0.1, 0.001, EPS, s.p, s.g, s.m, s.v), /n must be an integer/],
          ];
          for (const [what, call, message] of cases) assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(e.message), `${dtype} ${storage}: short ${what}`);
          for (const key of ['p', 'g', 'm', 'v'] as const) assertUnchanged(before[key], s[key], `${dtype} ${storage} ${key} after refusals`);
        }
      }
    });
  });
}
