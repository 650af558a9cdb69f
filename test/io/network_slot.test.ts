// NetworkSlot: model-file bytes of one spec decoded into one network, its tensors replaced,
// with exactly what decodeNetwork gives; other bytes build a new network.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeNetwork, encodeNetwork } from '../../src/io/model.js';
import { NetworkSlot } from '../../src/io/network_slot.js';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const input = Tensor.randn([5, 12], new Random(3));

describe('NetworkSlot', () => {
  it('keeps one network for bytes of one spec, with the weights and buffers of the latest bytes', () => {
    const slot = new NetworkSlot();
    const a = new MultiLayerNetExtend(12, [8], 3, { useBatchnorm: true, seed: 1 });
    const first = slot.load(encodeNetwork(a));
    // Training moves the weights and the running statistics on.
    a.params.W1!.data.forEach((w, i, W) => (W[i] = w * 1.5 + 0.01 * i));
    a.gradient(input, Int32Array.from([0, 1, 2, 0, 1]));
    const second = slot.load(encodeNetwork(a));
    assert.equal(second, first, 'the same network object');
    const fresh = decodeNetwork(encodeNetwork(a)).network;
    assert.deepEqual(second.predict(input).data, fresh.predict(input).data);
    assert.deepEqual(second.predict(input).data, a.predict(input).data);
  });

  it('builds a new network for another spec', () => {
    const slot = new NetworkSlot();
    const first = slot.load(encodeNetwork(new TwoLayerNet(12, 6, 3, { seed: 1 })));
    const other = slot.load(encodeNetwork(new TwoLayerNet(12, 7, 3, { seed: 1 })));
    assert.notEqual(other, first);
    assert.equal(other.params['W1']!.shape[1], 7);
  });
});
