// The book's SimpleConvNet (ch. 7) trained the way `nabla train --net simple-conv` trains
// it, for `npm run bench`: conv 30×5×5 → Relu → 2×2 max pool → Affine 4320→100 → Relu →
// Affine 100→10 → SoftmaxWithLoss, init std 0.01, Adam lr 0.001, batches of 100 drawn with
// replacement, one gradient() + update() per step. No evaluation: the loop is the workload.
// Prints one JSON line: the loop's seconds, ms per step, the final loss and the mean loss of
// the last steps (a single batch's loss is too noisy to compare implementations by).
//
// Usage: node dist/bench/conv.js [--dtype float64|float32] [--iters N] [--data-dir DIR]

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { parseArgs } from 'node:util';
import { getBackend } from '../src/backend/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { SimpleConvNet } from '../src/nets/simple_conv_net.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { BatchSampler } from '../src/train/batch_sampler.js';
import { LOSS_WINDOW, lossSummary } from './lib/loss_window.js';

const { values } = parseArgs({
  options: { dtype: { type: 'string', default: 'float64' }, iters: { type: 'string', default: '600' }, 'data-dir': { type: 'string' } },
  strict: true,
});
if (values.dtype !== 'float32' && values.dtype !== 'float64') throw new RangeError(`--dtype must be float64 or float32, got '${values.dtype}'`);
const dtype = values.dtype;
const iters = Number(values.iters);
if (!Number.isInteger(iters) || iters < 1) throw new RangeError(`--iters must be a positive integer, got '${values.iters}'`);

const data = loadMnist({ normalize: true, dtype, ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
const network = new SimpleConvNet({ dtype, seed: 42 });
const optimizer = new Adam(0.001);
const sampler = new BatchSampler(data.xTrain, data.trainLabels, 100, new Random(42));
const losses = new Float64Array(iters);
const started = performance.now();
for (let i = 0; i < iters; i++) {
  const [x, t] = sampler.next();
  const grads = network.gradient(x, t);
  optimizer.update(network.params, grads);
  losses[i] = network.lastLoss;
}
const seconds = (performance.now() - started) / 1000;
const backend = getBackend();
const threads = (backend as { threads?: unknown }).threads;
process.stdout.write(`${JSON.stringify({
  net: 'SimpleConvNet', dtype, iters, batch: 100, seconds, msPerStep: (1000 * seconds) / iters, ...lossSummary(losses), lossWindow: LOSS_WINDOW,
  backend: backend.name, ...(typeof threads === 'number' ? { threads } : {}),
})}\n`);
