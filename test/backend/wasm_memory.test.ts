import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend } from '../../src/backend/index.js';
import { getRuntime } from '../../src/backend/wasm/runtime.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Report {
  iteration: number;
  rss: number;
  wasmBytes: number;
  accuracy: number | null;
  backend: string;
}

describe('memory in a user\'s own loop (wasm backend)', () => {
  it('stays flat over 30000 iterations of the book-style loop that allocates every step', () => {
    // float32 halves the time; what leaked did so in either dtype.
    const child = spawnSync(process.execPath, [join(here, '..', 'fixtures', 'book_loop.js'), '30000', '1000', 'float32'], {
      encoding: 'utf8', timeout: 300_000, env: { ...process.env, NABLA_BACKEND: 'wasm' },
    });
    assert.equal(child.status, 0, child.stderr);
    const reports = child.stdout.trim().split('\n').map((line) => JSON.parse(line) as Report);
    assert.equal(reports.length, 30);
    assert.ok(reports.every((r) => r.backend === 'wasm'));
    const accuracies = reports.map((r) => r.accuracy).filter((a): a is number => a !== null);
    assert.ok(accuracies.at(-1)! > 0.96, `the loop trains: test accuracy ${accuracies.join(', ')}`);
    // Wasm memory never shrinks, so any block not reused would show here.
    const wasm = new Set(reports.map((r) => r.wasmBytes));
    assert.equal(wasm.size, 1, `wasm memory grew: ${[...wasm].join(' → ')}`);
    // Resident memory: after warm-up (iteration 5000) it may wander by what the collector
    // leaves lying around, not grow with the iterations. Before the fix it grew by ~0.75 MB
    // per iteration (2.8 GB at 3000).
    const warm = reports.find((r) => r.iteration === 5000)!.rss;
    const last = reports.at(-1)!.rss;
    const peak = Math.max(...reports.filter((r) => r.iteration >= 5000).map((r) => r.rss));
    const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    assert.ok(peak - warm < 64 * 2 ** 20, `resident memory grew from ${mb(warm)} at 5000 to a peak of ${mb(peak)} (last ${mb(last)})`);
  });

  it('stays bounded when a synchronous loop keeps making networks (tracked storage falls back to the heap)', () => {
    const previous = getBackend();
    const backend = setBackend('wasm', { threads: 1 });
    const rt = getRuntime();
    const budget = 32 * 2 ** 20;
    rt.setTrackedBudget(rt.trackedBytes() + budget);
    try {
      const rng = new Random(3);
      const x = Tensor.randn([20, 784], rng);
      const labels = Int32Array.from({ length: 20 }, (_, i) => i % 10);
      const before = rt.memory.buffer.byteLength;
      let losses = 0;
      // Each network holds ~0.7 MB of parameters and gradients: 300 of them are 6× the budget.
      for (let n = 0; n < 300; n++) {
        const net = new TwoLayerNet(784, 50, 10, { seed: n });
        net.gradient(x, labels);
        losses += net.lastLayer.loss;
      }
      assert.ok(Number.isFinite(losses));
      const grown = rt.memory.buffer.byteLength - before;
      assert.ok(grown <= budget + 16 * 2 ** 20, `wasm memory grew by ${grown} bytes for a budget of ${budget}`);
      assert.ok(backend.name === 'wasm');
    } finally {
      rt.setTrackedBudget(1024 ** 3);
      setBackend(previous);
    }
  });
});
