// How much memory a DeepConvNet (ch. 8) training step takes, for `npm run bench`: build the
// net, run a few gradient() + Adam update() steps on a batch of 100, and report the
// process's peak resident set (getrusage's max RSS, which covers every moment, not only
// the samples) next to the resident set before the net was built. The batch is random
// pixels and labels, not MNIST, so that the 400 MB of a float64 training set does not
// drown the step's own memory. On the wasm backend every tensor lives in one
// WebAssembly.Memory, whose size (it only grows) is reported too.
//
// Usage: node dist/bench/deep_conv_memory.js [--dtype float64|float32] [--steps N]

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { parseArgs } from 'node:util';
import { getBackend } from '../src/backend/index.js';
import { getRuntime } from '../src/backend/wasm/runtime.js';
import { DeepConvNet } from '../src/nets/deep_conv_net.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

const { values } = parseArgs({ options: { dtype: { type: 'string', default: 'float64' }, steps: { type: 'string', default: '5' } }, strict: true });
if (values.dtype !== 'float32' && values.dtype !== 'float64') throw new RangeError(`--dtype must be float64 or float32, got '${values.dtype}'`);
const dtype = values.dtype;
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got '${values.steps}'`);
const MiB = 1024 * 1024;
const backend = getBackend(); // starts the wasm runtime (and its workers) before the baseline
const rssBefore = process.memoryUsage().rss;

const rng = new Random(7);
const batch = 100;
const x = Tensor.empty([batch, 1, 28, 28], dtype, 'backend');
for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform();
const t = new Int32Array(batch);
for (let i = 0; i < batch; i++) t[i] = rng.int(10);
const network = new DeepConvNet({ dtype, seed: 42 });
const optimizer = new Adam(0.001);
let rssPeakSampled = process.memoryUsage().rss;
const started = performance.now();
for (let i = 0; i < steps; i++) {
  optimizer.update(network.params, network.gradient(x, t));
  rssPeakSampled = Math.max(rssPeakSampled, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
const threads = (backend as { threads?: unknown }).threads;
const wasmMemory = backend.name === 'wasm' ? getRuntime().memory.buffer.byteLength : undefined;
process.stdout.write(`${JSON.stringify({
  net: 'DeepConvNet', dtype, batch, steps, msPerStep: (1000 * seconds) / steps, finalLoss: network.lastLoss,
  rssBeforeMiB: rssBefore / MiB, rssPeakSampledMiB: rssPeakSampled / MiB, maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
  ...(wasmMemory !== undefined ? { wasmMemoryMiB: wasmMemory / MiB } : {}), backend: backend.name, ...(typeof threads === 'number' ? { threads } : {}),
})}\n`);
