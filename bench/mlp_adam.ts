// The `optimizers` experiment's Adam run, for `npm run bench`: MultiLayerNet(784,
// [100, 100, 100, 100], 10), ReLU, He init, Adam lr 0.001, batches of 128 drawn with
// replacement, 2000 iterations, the loss of each step taken from its own forward pass.
// Prints one JSON line: the loop's seconds and the final loss.
//
// Usage: node dist/bench/mlp_adam.js [--dtype float64|float32] [--iters N]

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { parseArgs } from 'node:util';
import { loadMnist } from '../src/data/mnist.js';
import { MultiLayerNet } from '../src/nets/multi_layer_net.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { BatchSampler } from '../src/train/batch_sampler.js';
import { getBackend } from '../src/backend/index.js';

const { values } = parseArgs({ options: { dtype: { type: 'string', default: 'float64' }, iters: { type: 'string', default: '2000' } }, strict: true });
const dtype = values.dtype === 'float32' ? 'float32' : 'float64';
const iters = Number(values.iters);
const data = loadMnist({ normalize: true, dtype });
const network = new MultiLayerNet(data.xTrain.shape[1]!, [100, 100, 100, 100], 10, { activation: 'relu', weightInitStd: 'he', seed: 42, dtype });
const optimizer = new Adam(0.001);
const sampler = new BatchSampler(data.xTrain, data.trainLabels, 128, new Random(42));
const started = performance.now();
let loss = Number.NaN;
for (let i = 0; i < iters; i++) {
  const [x, t] = sampler.next();
  const grads = network.gradient(x, t);
  optimizer.update(network.params, grads);
  loss = network.lastLoss;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ dtype, iters, seconds, finalLoss: loss, backend: getBackend().name })}\n`);
