import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetwork, saveNetwork } from '../../src/io/model_file.js';
import { type SafetensorsTensor } from '../../src/io/safetensors.js';
import { writeSafetensorsFile } from '../../src/io/safetensors_file.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { assertCheap, costInChild } from '../helpers.js';

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

  it('refuses a header of a million entries (77 MB) before parsing it, cheaply', () => withDir(async (dir) => {
    // Written in pieces: a parent holding 77 MB would lend its size to the child's peak.
    const entry = (i: number): string => `${i === 0 ? '{' : ','}"t${i}":{"dtype":"F64","shape":[1],"data_offsets":[${8 * i},${8 * i + 8}]}`;
    const count = 1_000_000;
    let headerLength = 1; // the closing brace
    for (let i = 0; i < count; i++) headerLength += entry(i).length;
    const path = join(dir, 'many.safetensors');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(headerLength));
    writeFileSync(path, length);
    for (let start = 0; start < count; start += 50_000) {
      let piece = '';
      for (let i = start; i < start + 50_000; i++) piece += entry(i);
      appendFileSync(path, piece);
    }
    appendFileSync(path, '}');
    appendFileSync(path, Buffer.alloc(8 * count));
    const cost = costInChild({ model: 'dist/src/io/model_file.js' }, `await model.loadNetwork(${JSON.stringify(path)});`);
    assert.equal(cost.message, `${path}: header length ${headerLength} is more than the 1048576 bytes this kind of file needs`);
    assertCheap(cost, 'a header of a million entries');
  }));
});

describe('decodeNetwork', () => {
  it('refuses a header longer than a model needs before parsing it, as loadNetwork does', async () => {
    const { decodeNetwork } = await import('../../src/io/model.js');
    const header = new TextEncoder().encode(`{${' '.repeat(2_000_000)}}`);
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    assert.throws(() => decodeNetwork(bytes, 'big.safetensors'), { message: `big.safetensors: header length ${header.length} is more than the 1048576 bytes this kind of file needs` });
  });
});
