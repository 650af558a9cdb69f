// The book's DeepConvNet (ch. 8) scoring the whole MNIST test set, for `npm run bench`:
// accuracy() over 10000 images in blocks of 100 (the net's evalBatchSize, the book's
// batch_size for accuracy), test mode (Dropout passes everything through). The weights are
// freshly initialised: the accuracy is ~0.1 and beside the point, the time is the same.
// Prints one JSON line: the seconds of accuracy() alone and images per second.
//
// Usage: node dist/bench/deep_conv_eval.js [--dtype float64|float32] [--images N] [--data-dir DIR]
// (--images: score only the first N test images; default all 10000)

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { parseArgs } from 'node:util';
import { getBackend } from '../src/backend/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { DeepConvNet } from '../src/nets/deep_conv_net.js';

const { values } = parseArgs({ options: { dtype: { type: 'string', default: 'float64' }, images: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
if (values.dtype !== 'float32' && values.dtype !== 'float64') throw new RangeError(`--dtype must be float64 or float32, got '${values.dtype}'`);
const dtype = values.dtype;
const data = loadMnist({ normalize: true, dtype, ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
const network = new DeepConvNet({ dtype, seed: 42 });
const images = values.images === undefined ? data.xTest.shape[0]! : Number(values.images);
if (!Number.isInteger(images) || images < 1 || images > data.xTest.shape[0]!) throw new RangeError(`--images must be an integer from 1 to ${data.xTest.shape[0]}, got '${values.images}'`);
const started = performance.now();
const accuracy = network.accuracy(data.xTest.slice(0, images), data.testLabels.subarray(0, images));
const seconds = (performance.now() - started) / 1000;
const backend = getBackend();
const threads = (backend as { threads?: unknown }).threads;
process.stdout.write(`${JSON.stringify({
  net: 'DeepConvNet', dtype, images, blockSize: network.evalBatchSize, seconds, imagesPerSecond: images / seconds, accuracy,
  backend: backend.name, ...(typeof threads === 'number' ? { threads } : {}),
})}\n`);
