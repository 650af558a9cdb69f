import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fits, formatBytes, MAX_TYPED_ARRAY_LENGTH, memoryLimit, twoLayerBytes, whyNotFits, type TwoLayerSizes } from '../../src/util/memory.js';

const GiB = 1024 ** 3;
const mnist: TwoLayerSizes = { inputs: 784, hidden: 50, classes: 10, batch: 100, dataRows: 70000, evalRows: 10000, paramCopies: 2, dtype: 'float64' };

describe('memory estimates', () => {
  it('count the data, the weights with their gradients, and the layer buffers', () => {
    const { bytes, weightBytes, largestTensor } = twoLayerBytes(mnist);
    const weights = 784 * 50 + 50 + 50 * 10 + 10;
    assert.equal(weightBytes, weights * 8);
    const elements = 70000 * 784 + 2 * weights + 100 * 784 + 2 * 10000 * 60 + 2 * 100 * 60;
    assert.equal(bytes, elements * 8 + 4 * (70000 + 200));
    assert.equal(largestTensor, 10000 * 50, 'the hidden layer of a scoring block');
    assert.equal(twoLayerBytes({ ...mnist, dtype: 'float32' }).bytes, elements * 4 + 4 * (70000 + 200), 'float32 halves the floats');
  });

  it('count every layer of a deeper network: the weights between hidden layers too', () => {
    const deep = twoLayerBytes({ ...mnist, hiddenSizes: [100, 5000, 100] });
    const weights = 784 * 100 + 100 + 100 * 5000 + 5000 + 5000 * 100 + 100 + 100 * 10 + 10;
    assert.equal(deep.weightBytes, weights * 8);
    assert.equal(deep.largestTensor, 10000 * 5000, 'the widest hidden layer of a scoring block');
    const outputs = 2 * (100 + 5000 + 100) + 10; // BatchNorm and Dropout may double each hidden layer's buffers
    assert.equal(deep.bytes, (70000 * 784 + 2 * weights + 100 * 784 + 2 * 10000 * outputs + 2 * 100 * outputs) * 8 + 4 * (70000 + 200));
    assert.ok(deep.bytes > twoLayerBytes({ ...mnist, hidden: 100 }).bytes * 2);
  });

  it('refuse what exceeds the wasm memory, the machine, or the longest typed array', () => {
    assert.deepEqual(memoryLimit('wasm', 64 * GiB), { bytes: 4 * GiB, what: 'the 4 GiB the wasm backend can address' });
    assert.deepEqual(memoryLimit('wasm', 2 * GiB), { bytes: 2 * GiB, what: 'the 2 GiB of memory this machine has' });
    assert.deepEqual(memoryLimit('reference', 64 * GiB), { bytes: 64 * GiB, what: 'the 64 GiB of memory this machine has' });
    const wasm = memoryLimit('wasm', 64 * GiB);
    assert.ok(fits(twoLayerBytes(mnist), wasm));
    const wide = twoLayerBytes({ ...mnist, hidden: 1_000_000 });
    assert.ok(!fits(wide, wasm));
    assert.match(whyNotFits(wide, wasm), /^needs about \d+ GiB, more than the 4 GiB the wasm backend can address$/);
    const tall = twoLayerBytes({ ...mnist, batch: 10_000_000, dataRows: 0 });
    const huge = { bytes: 2 ** 50, what: 'a huge machine' };
    assert.ok(tall.largestTensor > MAX_TYPED_ARRAY_LENGTH && !fits(tall, huge));
    assert.equal(whyNotFits(tall, huge), 'needs a tensor of 7840000000 values, more than the 4294967296 a typed array can hold');
  });

  it('formats sizes in binary units', () => {
    assert.equal(formatBytes(512), '512 bytes');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(4 * GiB), '4 GiB');
    assert.equal(formatBytes(163.4 * GiB), '163 GiB');
  });
});
