import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetwork, saveNetwork } from '../../src/io/model.js';
import { writeSafetensorsFile, type SafetensorsTensor } from '../../src/io/safetensors.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-model-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function f64(shape: number[], fill = 0.5): SafetensorsTensor {
  return { dtype: 'float64', shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(fill) };
}

describe('loadNetwork', () => {
  it('round-trips a network', () => withDir(async (dir) => {
    const net = new TwoLayerNet(6, 4, 3, { seed: 3 });
    const path = join(dir, 'model.safetensors');
    await saveNetwork(net, path);
    const { network } = await loadNetwork(path);
    assert.deepEqual(Array.from(network.params.W1.data), Array.from(net.params.W1.data));
  }));

  it('refuses non-finite weights, naming the file, the tensor, how many and where', () => withDir(async (dir) => {
    const net = new TwoLayerNet(784, 50, 10, { seed: 1 });
    net.params.W1.data.fill(Number.NaN);
    const path = join(dir, 'model.safetensors');
    await saveNetwork(net, path);
    await assert.rejects(loadNetwork(path), { message: `${path}: W1 has 39200 non-finite values (first at [0, 0]: NaN)` });
    const one = new TwoLayerNet(784, 50, 10, { seed: 1 });
    one.params.b2.data[7] = -Infinity;
    await saveNetwork(one, path);
    await assert.rejects(loadNetwork(path), { message: `${path}: b2 has 1 non-finite value (first at [7]: -Infinity)` });
    const w2 = new TwoLayerNet(784, 50, 10, { seed: 1 });
    w2.params.W2.data[3 * 10 + 4] = Infinity;
    await saveNetwork(w2, path);
    await assert.rejects(loadNetwork(path), /W2 has 1 non-finite value \(first at \[3, 4\]: Infinity\)/);
  }));

  it('names the file when a layer is empty', () => withDir(async (dir) => {
    const path = join(dir, 'hidden0.safetensors');
    await writeSafetensorsFile(path, { W1: f64([784, 0]), b1: f64([0]), W2: f64([0, 10]), b2: f64([10]) });
    await assert.rejects(loadNetwork(path), (e: unknown) => {
      assert.match((e as Error).message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: hidden size is 0`));
      return true;
    });
  }));

  it('quotes a foreign kind printably', () => withDir(async (dir) => {
    const path = join(dir, 'other.safetensors');
    await writeSafetensorsFile(path, { W1: f64([2, 2]) }, { kind: 'Evil\x1b]0;title\x07\nnext line' });
    await assert.rejects(loadNetwork(path), { message: `${path}: holds a "Evil\\x1b]0;title\\x07\\nnext line", not a TwoLayerNet` });
  }));
});
