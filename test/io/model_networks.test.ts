import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadNetwork, saveNetwork } from '../../src/io/model_file.js';
import { type SafetensorsTensor } from '../../src/io/safetensors.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/io/safetensors_file.js';
import { MultiLayerNet } from '../../src/nets/multi_layer_net.js';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Random } from '../../src/tensor/random.js';
import { randomTensor } from '../helpers.js';

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-model-nets-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const values = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('model files of any network', () => {
  it('round-trips a MultiLayerNetExtend with its BatchNorm running statistics, scoring the same', () => withDir(async (dir) => {
    const net = new MultiLayerNetExtend(6, [5, 4], 3, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, activation: 'tanh', weightInitStd: 'xavier', seed: 9 });
    const x = randomTensor([8, 6], new Random(2));
    const t = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
    net.gradient(x, t); // one training forward: the running statistics move off zero
    const path = join(dir, 'mlp.safetensors');
    await saveNetwork(net, path);
    const { network, spec } = await loadNetwork(path);
    assert.deepEqual(spec, net.spec());
    assert.ok(network instanceof MultiLayerNetExtend);
    for (const [k, v] of Object.entries({ ...net.params, ...net.buffers() })) assert.deepEqual(values({ ...network.params, ...network.buffers!() }[k]!), values(v), k);
    assert.notDeepEqual(values(net.buffers().runningMean1!), [0, 0, 0, 0, 0]);
    assert.deepEqual(values(network.predict(x, false)), values(net.predict(x, false)));
    assert.equal(network.accuracy(x, t), net.accuracy(x, t));
  }));

  it('round-trips a MultiLayerNet, converting dtype on request', () => withDir(async (dir) => {
    const net = new MultiLayerNet(4, [3], 2, { seed: 1 });
    const path = join(dir, 'mln.safetensors');
    await saveNetwork(net, path);
    const { network, spec } = await loadNetwork(path, 'float32');
    assert.equal(spec.type, 'MultiLayerNet');
    assert.equal(spec.dtype, 'float32');
    assert.equal(network.params.W1!.dtype, 'float32');
    assert.deepEqual(values(network.params.W1!), Array.from(Float32Array.from(net.params.W1!.data)));
  }));

  it('loads a TwoLayerNet file written before model files held a spec', () => withDir(async (dir) => {
    const old = new TwoLayerNet(5, 4, 3, { seed: 2 });
    const path = join(dir, 'old.safetensors');
    const tensors: Record<string, SafetensorsTensor> = {};
    for (const [k, t] of Object.entries(old.params)) tensors[k] = { dtype: t.dtype, shape: [...t.shape], data: t.data };
    // The metadata nabla 0.1 wrote.
    await writeSafetensorsFile(path, tensors, { kind: 'TwoLayerNet', inputSize: '5', hiddenSize: '4', outputSize: '3', dtype: 'float64', nablaVersion: '0.1.0' });
    const { network, spec } = await loadNetwork(path);
    assert.ok(network instanceof TwoLayerNet);
    assert.deepEqual({ type: spec.type, hidden: (spec as { hiddenSize: number }).hiddenSize }, { type: 'TwoLayerNet', hidden: 4 });
    assert.deepEqual(values(network.params.W2!), values(old.params.W2));
    // And the files written now still carry what old readers look for.
    await saveNetwork(old, path);
    const { metadata } = await readSafetensorsFile(path);
    assert.deepEqual([metadata.kind, metadata.hiddenSize], ['TwoLayerNet', '4']);
  }));

  it('refuses a spec that does not match the tensors, or is damaged, in one line naming the file', () => withDir(async (dir) => {
    const net = new MultiLayerNetExtend(4, [3], 2, { useBatchnorm: true });
    const path = join(dir, 'bad.safetensors');
    await saveNetwork(net, path);
    const { tensors, metadata } = await readSafetensorsFile(path);
    const spec = JSON.parse(metadata.network!) as Record<string, unknown>;
    const cases: [Record<string, SafetensorsTensor>, Record<string, string>, RegExp][] = [
      [tensors, { ...metadata, network: JSON.stringify({ ...spec, hiddenSizeList: [5] }) }, /: W1 has shape \[4,3\], expected \[4, 5\] for its MultiLayerNetExtend/],
      [tensors, { ...metadata, network: JSON.stringify({ ...spec, useBatchnorm: false }) }, /: has a tensor '(gamma1|beta1|runningMean1|runningVar1)' that its MultiLayerNetExtend.* does not have$/],
      [tensors, { ...metadata, network: '{oops' }, /: metadata 'network' is not valid JSON/],
      [tensors, { ...metadata, network: JSON.stringify({ ...spec, type: 'ConvNet\u001b' }) }, /: network spec: type must be one of TwoLayerNet, MultiLayerNet, MultiLayerNetExtend, SimpleConvNet, DeepConvNet, got "ConvNet\\u001b"$/],
      [tensors, { ...metadata, network: JSON.stringify({ ...spec, hiddenSizeList: [1e12] }) }, /: network spec: hiddenSizeList\[0\] must be a positive integer, got 1000000000000$/],
      [{ ...tensors, runningVar1: { ...tensors.runningVar1!, data: Float64Array.from([1, Number.NaN, 1]) } }, metadata, /: runningVar1 has 1 non-finite value \(first at \[1\]: NaN\)$/],
    ];
    for (const [t, m, pattern] of cases) {
      await writeSafetensorsFile(path, t, m);
      await assert.rejects(loadNetwork(path), (e: Error) => e.message.startsWith(path) && pattern.test(e.message) && !/[\n\x1b]/.test(e.message));
    }
  }));
});
