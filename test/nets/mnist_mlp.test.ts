import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend } from '../../src/backend/index.js';
import { loadMnist } from '../../src/data/mnist.js';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { createOptimizer } from '../../src/optim/create_optimizer.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

describe('MultiLayerNetExtend on MNIST', () => {
  it('learns: 2×100 ReLU with BatchNorm and He init, Adam, 300 mini-batches of 100 → over 93 % on the test set', () => {
    const data = loadMnist({ dtype: 'float32' });
    const labels = data.trainLabels;
    const net = new MultiLayerNetExtend(784, [100, 100], 10, { useBatchnorm: true, weightInitStd: 'he', dtype: 'float32', seed: 42 });
    const optimizer = createOptimizer('adam');
    const rng = new Random(1);
    const indices = new Int32Array(100);
    const x = Tensor.zeros([100, 784], 'float32', 'backend');
    const t = new Int32Array(100);
    const before = net.accuracy(data.xTest, data.tTest);
    for (let i = 0; i < 300; i++) {
      rng.choice(60000, indices);
      getBackend().gatherRows(indices, 784, data.xTrain.data, x.data);
      for (let k = 0; k < 100; k++) t[k] = labels[indices[k]!]!;
      optimizer.update(net.params, net.gradient(x, t));
    }
    const after = net.accuracy(data.xTest, data.tTest);
    assert.ok(before < 0.3, `untrained accuracy ${before}`);
    assert.ok(after > 0.93, `test accuracy after 300 steps: ${after}`);
  });
});
