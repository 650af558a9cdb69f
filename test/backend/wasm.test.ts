// What only the WebAssembly backend promises: thread-count-independent results, storage
// in its own memory (reuse, bounded growth, reclaiming dropped arrays, no dataset copies),
// thread configuration, and worker threads that never keep a process alive.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DType, FloatArray } from '../../src/backend/backend.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import { createWasmBackend, GATHER_THRESHOLD_BYTES, THREADING_THRESHOLD, WORKER_SPIN_MS, wasmHost } from '../../src/backend/wasm/index.js';
import { ThreadPool } from '../../src/backend/wasm/pool.js';

/** What the Node entry imports first; a child process that imports deep modules needs it too. */
const REGISTER_NODE_HOST = new URL('../../src/platform/node/register.js', import.meta.url).href;
import { getRuntime } from '../../src/backend/wasm/runtime.js';
import { DTYPES, randomArray, rng } from './helpers.js';

const one = createWasmBackend({ threads: 1 });
const two = createWasmBackend({ threads: 2 });

/** The current size of the backend's memory, in bytes. */
function memoryBytes(): number {
  const probe = one.alloc('float64', 1);
  const bytes = probe.buffer.byteLength;
  one.free(probe);
  return bytes;
}

describe('wasm backend: threads', () => {
  it('reports its thread count', () => {
    assert.equal(one.name, 'wasm');
    assert.equal(one.threads, 1);
    assert.equal(two.threads, 2);
  });

  it('gives bit-identical float64 GEMMs on 1 and 2 threads', () => {
    const random = rng(7);
    // Split by rows, split by columns, and the three shapes of a training step.
    const shapes: [number, number, number][] = [[301, 37, 200], [40, 333, 170], [100, 50, 784], [784, 50, 100], [100, 784, 50]];
    for (const [m, n, k] of shapes) {
      assert.ok(m * n * k >= THREADING_THRESHOLD, `${m}×${n}×${k} is below the threading threshold`);
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = randomArray(one, 'alloc', 'float64', m * k, random);
          const b = randomArray(one, 'alloc', 'float64', k * n, random);
          const c0 = randomArray(one, 'alloc', 'float64', m * n, random);
          for (const beta of [0, 1] as const) {
            const c1 = c0.slice(), c2 = c0.slice();
            one.gemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c1, 0, n);
            two.gemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c2, 0, n);
            for (let i = 0; i < c1.length; i++) {
              if (!Object.is(c1[i], c2[i])) assert.fail(`${m}×${n}×${k} trans ${transA}/${transB} beta ${beta}: element ${i} differs`);
            }
          }
        }
      }
    }
  });

  it('takes its default thread count from NABLA_THREADS', () => {
    const saved = process.env['NABLA_THREADS'];
    try {
      process.env['NABLA_THREADS'] = '1';
      assert.equal(createWasmBackend({}).threads, 1);
      process.env['NABLA_THREADS'] = 'lots';
      assert.throws(() => createWasmBackend({}), /NABLA_THREADS/);
      assert.equal(createWasmBackend({ threads: 2 }).threads, 2); // the option wins
    } finally {
      if (saved === undefined) delete process.env['NABLA_THREADS'];
      else process.env['NABLA_THREADS'] = saved;
    }
  });

  it('runs bursts of short GEMMs, with idle gaps that let the workers sleep, to the one-thread bits', async () => {
    // Workers watch for a next job for WORKER_SPIN_MS and then sleep: jobs must be picked
    // up either way, including one published just as a worker gives up watching.
    const random = rng(11);
    // Training-batch shapes just over the threshold: sparse NN and TN (80% zeros), dense NN.
    const cases = DTYPES.flatMap((dtype) => [
      { dtype, transA: false, m: 100, n: 50, k: 784, zeros: 0.8 },
      { dtype, transA: true, m: 784, n: 50, k: 100, zeros: 0.8 },
      { dtype, transA: false, m: 100, n: 50, k: 200, zeros: 0 },
    ]).map((cs) => {
      const a = randomArray(one, 'alloc', cs.dtype, cs.m * cs.k, random);
      for (let i = 0; i < a.length; i++) if (random() < cs.zeros) a[i] = 0;
      const b = randomArray(one, 'alloc', cs.dtype, cs.k * cs.n, random);
      const run = (backend: typeof one): FloatArray => {
        const c = backend.alloc(cs.dtype, cs.m * cs.n);
        backend.gemm(cs.transA, false, cs.m, cs.n, cs.k, a, 0, cs.transA ? cs.m : cs.k, b, 0, cs.n, 0, c, 0, cs.n);
        return c;
      };
      return { ...cs, run, expected: run(one) };
    });
    const gaps = [0, 1, WORKER_SPIN_MS, WORKER_SPIN_MS + 20];
    for (let burst = 0; burst < 12; burst++) {
      for (let call = 0; call < 20; call++) {
        const cs = cases[(burst + call) % cases.length]!;
        const got = cs.run(two);
        for (let i = 0; i < got.length; i++) {
          if (!Object.is(got[i], cs.expected[i])) {
            assert.fail(`${cs.dtype} ${cs.m}×${cs.n}×${cs.k} burst ${burst} call ${call}: element ${i} differs from one thread`);
          }
        }
        two.free(got);
      }
      await sleep(gaps[burst % gaps.length]!);
    }
  });

  it('reports a task that failed in any thread, and keeps working after it', () => {
    const rt = getRuntime();
    const pool = new ThreadPool(rt, 2, wasmHost());
    const m = 256, n = 64, k = 64;
    const a = rt.alloc('float64', m * k).fill(1), b = rt.alloc('float64', k * n).fill(1);
    const c = rt.alloc('float64', m * n);
    const call = { f32: false, sparse: false, transA: false, transB: false, m, n, k, a: a.byteOffset, lda: k, b: b.byteOffset, ldb: n, beta: 0 as const, ldc: n };
    // C past the end of the 4 GiB address space: every task traps, on main and worker alike.
    assert.throws(() => pool.gemm({ ...call, c: -64 }, Infinity), /task failed/);
    pool.gemm({ ...call, c: c.byteOffset }, Infinity);
    assert.ok(c.every((v) => v === k));
  });

  it('lets idle workers sleep instead of watching for jobs', () => {
    // CPU time of the whole process (every thread) over an idle stretch after a burst of
    // split GEMMs: a worker still polling would use about all of it.
    const url = new URL('../../src/backend/wasm/index.js', import.meta.url).href;
    const script = `
      await import(${JSON.stringify(REGISTER_NODE_HOST)});
      const { createWasmBackend, WORKER_SPIN_MS } = await import(${JSON.stringify(url)});
      const b = createWasmBackend({ threads: 2 });
      const n = 128, a = b.alloc('float64', n * n), c = b.alloc('float64', n * n);
      for (let i = 0; i < 200; i++) b.gemm(false, false, n, n, n, a, 0, n, a, 0, n, 0, c, 0, n);
      await new Promise((r) => setTimeout(r, WORKER_SPIN_MS + 50));
      const before = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 400));
      const used = process.cpuUsage(before);
      console.log(Math.round((used.user + used.system) / 1000));`;
    const ms = Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' }).trim());
    assert.ok(ms < 150, `an idle process used ${ms} ms of CPU in 400 ms`);
  });

  it('lets a process that used worker threads exit on its own', () => {
    const url = new URL('../../src/backend/wasm/index.js', import.meta.url).href;
    const script = `
      await import(${JSON.stringify(REGISTER_NODE_HOST)});
      const { createWasmBackend } = await import(${JSON.stringify(url)});
      const b = createWasmBackend({ threads: 2 });
      const n = 256, a = b.alloc('float64', n * n), c = b.alloc('float64', n * n);
      a.fill(1);
      b.gemm(false, false, n, n, n, a, 0, n, a, 0, n, 0, c, 0, n);
      console.log(c[0]);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
    assert.equal(out.trim(), '256');
  });
});

describe('wasm backend: storage', () => {
  it('hands out zero-filled, 16-byte-aligned views of its memory, and reuses freed blocks', () => {
    for (const dtype of DTYPES) {
      for (const length of [1, 3, 17, 100, 785, 100_000]) {
        const a = one.alloc(dtype, length);
        assert.ok(dtype === 'float32' ? a instanceof Float32Array : a instanceof Float64Array);
        assert.equal(a.length, length);
        assert.equal(a.byteOffset % 16, 0);
        assert.ok(a.every((v) => v === 0));
        a.fill(3);
        const offset = a.byteOffset;
        one.free(a);
        const b = one.alloc(dtype, length);
        assert.equal(b.byteOffset, offset, 'a freed block of the same size is reused');
        assert.ok(b.every((v) => v === 0), 'reused storage is zero-filled again');
        one.free(b);
      }
    }
  });

  it('does not grow over 10000 alloc/free cycles', () => {
    const random = rng(3);
    const cycle = (): void => {
      const held: FloatArray[] = [];
      for (let i = 0; i < 10; i++) {
        const dtype: DType = random() < 0.5 ? 'float64' : 'float32';
        held.push(one.alloc(dtype, 1 + Math.floor(random() * 20_000)));
      }
      for (const array of held) one.free(array);
    };
    for (let i = 0; i < 100; i++) cycle(); // let the free lists fill up
    const before = memoryBytes();
    for (let i = 0; i < 1000; i++) cycle();
    assert.equal(memoryBytes(), before);
  });

  it('reclaims the block of an array that became unreachable', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const length = 123_457;
    const offset = (() => one.alloc('float64', length).byteOffset)();
    for (let attempt = 0; attempt < 50; attempt++) {
      gc();
      await sleep(5);
      const again = one.alloc('float64', length);
      if (again.byteOffset === offset) return;
      one.free(again);
    }
    assert.fail('the dropped array was never reclaimed');
  });

  it('gathers rows from a dataset in its memory without copying the dataset', () => {
    const cols = 784, rows = 20_000; // 125 MB of float64
    const out = one.alloc('float64', 100 * cols);
    const src = one.alloc('float64', rows * cols);
    for (let i = 0; i < rows; i++) src[i * cols + 5] = i;
    const before = memoryBytes();
    const random = rng(5);
    const indices = Int32Array.from({ length: 100 }, () => Math.floor(random() * rows));
    for (const backend of [one, two]) backend.gatherRows(indices, cols, src, out);
    assert.equal(memoryBytes(), before, 'memory grew: the source was copied');
    for (let i = 0; i < 100; i++) assert.equal(out[i * cols + 5], indices[i]);
    assert.throws(() => one.gatherRows(Int32Array.of(rows), cols, src, out), RangeError);
    one.free(src);
    one.free(out);
  });

  it('splits a large gather across threads, to the reference bytes on 1 and 2 threads', () => {
    // Values of every scale compared as bytes (not NaNs: the reference copies element by
    // element, which may quiet a float32 signalling NaN); odd counts and widths,
    // so bands end on an odd row and mid-tile; the first and last rows, repeated rows.
    const random = rng(13);
    for (const dtype of DTYPES) {
      const size = dtype === 'float32' ? 4 : 8;
      for (const cols of [784, 333, 7]) {
        const rows = 1001;
        const src = one.alloc(dtype, rows * cols);
        for (let i = 0; i < src.length; i++) src[i] = (random() - 0.5) * 2 ** Math.floor(random() * 60 - 30);
        const count = Math.ceil(GATHER_THRESHOLD_BYTES / (cols * size)) | 1; // the smallest odd count that splits
        for (const storage of ['alloc', 'foreign'] as const) {
          const indices = Int32Array.from({ length: count }, () => Math.floor(random() * rows));
          indices[0] = rows - 1;
          indices[count - 1] = rows - 1;
          indices[1] = 0;
          indices[2] = indices[3]!;
          const expected = dtype === 'float32' ? new Float32Array(count * cols) : new Float64Array(count * cols);
          referenceBackend.gatherRows(indices, cols, src, expected);
          const want = new Uint8Array(expected.buffer);
          const before = { one: { ...one.gatherPaths }, two: { ...two.gatherPaths } };
          for (const backend of [one, two]) {
            // One guard element past out, which no thread may write.
            const whole = storage === 'alloc' ? backend.alloc(dtype, count * cols + 1) : new (dtype === 'float32' ? Float32Array : Float64Array)(count * cols + 1);
            whole.fill(-7);
            const out = whole.subarray(0, count * cols);
            backend.gatherRows(indices, cols, src, out);
            const got = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
            const what = `${dtype} ${cols} cols × ${count} (${storage} out) on ${backend.threads} thread(s)`;
            for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) assert.fail(`${what}: byte ${i} differs`);
            assert.equal(whole[count * cols], -7, `${what}: wrote past out`);
            if (storage === 'alloc') backend.free(whole);
          }
          assert.equal(one.gatherPaths.whole, before.one.whole + 1, '1 thread gathers on the calling thread');
          assert.equal(two.gatherPaths.split, before.two.split + 1, `${dtype} ${cols} cols × ${count}: 2 threads split the gather`);
        }
        // Just under the threshold it stays whole.
        const small = Math.floor((GATHER_THRESHOLD_BYTES - 1) / (cols * size));
        const split = two.gatherPaths.split;
        const out = two.alloc(dtype, small * cols);
        two.gatherRows(new Int32Array(small), cols, src, out);
        assert.equal(two.gatherPaths.split, split, `${small} rows of ${cols}: split below the threshold`);
        two.free(out);
        one.free(src);
      }
    }
  });

  it('gathers whole rows of every width, in pairs and alone, without writing past out', () => {
    // The kernel copies two rows at a time in 64-byte steps, then each row's tail: widths
    // around those steps, odd counts, the first and last rows, rows far apart.
    for (const dtype of DTYPES) {
      for (const cols of [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 784]) {
        const rows = 9;
        const src = randomArray(one, 'alloc', dtype, rows * cols, rng(cols));
        for (const indices of [[], [rows - 1], [0, rows - 1], [rows - 1, 0, 4], [3, 3, 8, 1, 0]]) {
          const out = one.alloc(dtype, indices.length * cols + 16).fill(-7);
          one.gatherRows(Int32Array.from(indices), cols, src, out.subarray(0, indices.length * cols));
          indices.forEach((row, i) => {
            for (let j = 0; j < cols; j++) assert.equal(out[i * cols + j], src[row * cols + j], `${dtype} cols ${cols} [${indices}] out[${i}, ${j}]`);
          });
          assert.ok(out.subarray(indices.length * cols).every((v) => v === -7), `${dtype} cols ${cols}: wrote past out`);
          one.free(out);
        }
        one.free(src);
      }
    }
  });

  it('refuses arrays shorter than a kernel needs instead of writing past them', () => {
    const x = one.alloc('float64', 64).fill(1);
    const out = one.alloc('float64', 32);
    const neighbour = one.alloc('float64', 32).fill(7);
    assert.throws(() => one.reluForward(64, x, out), RangeError);
    assert.throws(() => one.gemm(false, false, 8, 8, 8, x, 0, 8, x, 0, 8, 0, out, 0, 8), RangeError);
    assert.throws(() => one.gemm(false, false, 8, 8, 8, x, 0, 7, x, 0, 8, 0, out, 0, 4), RangeError);
    assert.ok(neighbour.every((v) => v === 7));
  });

  it('accepts views at an offset into its memory', () => {
    const random = rng(9);
    const big = randomArray(one, 'alloc', 'float32', 1000, random);
    const x = big.subarray(13, 113);
    const expected = Float32Array.from(x, (v) => (v > 0 ? v : 0));
    one.reluForward(100, x, x);
    assert.deepEqual(Array.from(x), Array.from(expected));
  });
});
