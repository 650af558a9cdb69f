// ThreadPool.useThreads, through the wasm backend: a caller that needs a core for other
// work (a scoring thread) has the kernels split over fewer threads, with the same results.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { GATHER_THRESHOLD_BYTES } from '../../../src/backend/wasm/pool.js';

describe('useThreads', () => {
  it('splits over the threads asked for (clamped to those started), and refuses a bad count', () => {
    const backend = createWasmBackend({ threads: 2 });
    assert.equal(backend.threads, 2);
    const rows = 400, cols = Math.ceil(GATHER_THRESHOLD_BYTES / 8 / 100) + 1;
    const src = backend.alloc('float64', rows * cols);
    src.forEach((_, i) => (src[i] = i));
    const indices = Int32Array.from({ length: 100 }, (_, i) => (i * 37) % rows);
    const split = backend.alloc('float64', 100 * cols), whole = backend.alloc('float64', 100 * cols);

    backend.gatherRows(indices, cols, src, split);
    assert.deepEqual(backend.gatherPaths, { whole: 0, split: 1 });
    assert.equal(backend.useThreads(1), 1);
    assert.equal(backend.threads, 1);
    backend.gatherRows(indices, cols, src, whole);
    assert.deepEqual(backend.gatherPaths, { whole: 1, split: 1 });
    assert.deepEqual(whole, split);
    assert.equal(backend.useThreads(8), 2, 'never more than were started');
    backend.gatherRows(indices, cols, src, whole);
    assert.deepEqual(backend.gatherPaths, { whole: 1, split: 2 });
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => backend.useThreads(bad), /useThreads: expected a positive integer/);
  });
});
