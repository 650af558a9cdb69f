import { loadMnistBytes, MNIST_CLASSES, oneHot } from '../../data/mnist.js';
import { gradientCheck, type GradientDifference } from '../../gradient/gradient_check.js';
import { sequentialNumericalGradient } from '../../gradient/sequential_numerical_gradient.js';
import { MultiLayerNetExtend } from '../../nets/multi_layer_net_extend.js';
import { TwoLayerNet } from '../../nets/two_layer_net.js';
import type { Tensor } from '../../tensor/tensor.js';
import { floatRows } from '../../train/images.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, checkFitsInMemory, dataFlags, selectBackend, type Output } from '../common.js';
import type { MultiLayerNetSpec } from '../../nets/multi_layer_net.js';
import { architectureFlags, architectureSettings, isConvNet, type NetName } from '../train_settings.js';

const flags = {
  ...dataFlags,
  samples: { type: 'int', min: 1, default: 3, help: 'training images to check on (the first N)', arg: 'N' },
  ...architectureFlags,
  // The conv nets are accepted only to be refused with the reason (see gradcheckCommand).
  net: { ...architectureFlags.net, help: "network: the seed's TwoLayerNet or the book's MultiLayerNet(Extend) of any depth (the conv nets are too large to check numerically here)", arg: 'two-layer|mlp' },
  hidden: { ...architectureFlags.hidden, help: 'hidden layer size (two-layer, default 50), or sizes, comma-separated (mlp, default 100,100,100,100)' },
  seed: { type: 'int', default: 42, min: 0, max: 0xffffffff, help: 'seed of the weight initialisation (and of the Dropout masks)', arg: 'N' },
  plain: { type: 'boolean', help: "rerun the whole forward pass for every nudged weight, as the book does (slow); default in float64: rerun only what each nudge changes" },
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  ...backendFlags,
} as const;

export const gradcheckHelp = formatHelp(
  'nabla gradcheck [options]',
  "The seed's gradient_check: TwoLayerNet(784, 50, 10) on the first 3 training images;\n" +
    'prints the mean absolute difference between backprop and numerical gradients per parameter.\n' +
    "With --net mlp, the book's gradient_check on MultiLayerNetExtend (784, --hidden, 10) in\n" +
    'training mode (BatchNorm on the batch, Dropout with the same mask both ways): a table of\n' +
    "each parameter's mean and maximum absolute difference.",
  flags,
);

/** Once a check has run this long, a progress line on a terminal says how far it is. */
const PROGRESS_AFTER_MS = 1000;

export function gradcheckCommand(argv: readonly string[], io: Output): number {
  const { flags: f, positional, help, given } = parseArgs('gradcheck', argv, flags);
  if (help) {
    io.out(gradcheckHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`gradcheck: unexpected argument '${positional[0]}'`);
  const dtype = f.dtype as 'float64' | 'float32';
  const net = f.net as NetName;
  // A conv net has hundreds of thousands of weights, each costing two forward passes:
  // hours. Their gradient checks run in the test suite, on small images and few filters.
  if (isConvNet(net)) throw new UsageError(`gradcheck: --net ${net} has too many weights to check numerically on MNIST images (hours); its gradient is checked on small shapes by the test suite (test/nets/conv_nets.test.ts)`);
  const { network: mlp, ...seedNet } = architectureSettings(f, given, net, dtype, f.seed!, 'gradcheck');
  const settings = { ...seedNet, network: mlp as MultiLayerNetSpec | undefined }; // conv nets were refused above
  selectBackend(f.backend, f.threads);
  // Bytes: only the checked rows are ever made floats.
  const data = loadMnistBytes({ normalize: true, dtype, ...(f.dataDir ? { dataDir: f.dataDir } : {}) });
  const samples = f.samples ?? 3;
  if (samples > data.xTrain.rows) throw new UsageError(`gradcheck: --samples ${samples} exceeds the ${data.xTrain.rows} training images`);
  const inputs = data.xTrain.rowSize;
  const hiddenSizes = settings.network?.hiddenSizeList ?? [settings.hidden!];
  // Weights, backprop gradients and numerical gradients: three copies of the parameters.
  checkFitsInMemory('gradcheck', {
    inputs, hidden: hiddenSizes[0]!, ...(settings.network ? { hiddenSizes } : {}), classes: 10, batch: samples,
    dataRows: 0, evalRows: 0, paramCopies: 3, dtype,
  }, [{ flag: 'hidden', value: Math.max(...hiddenSizes), shown: hiddenSizes.join(','), fallback: settings.network ? 100 : 50, size: 'hidden' }]);
  // In backend storage: the numerical gradient runs two forward passes per weight on it.
  const xBatch = floatRows(data.xTrain, 0, samples);
  const tBatch = oneHot(data.trainLabels.subarray(0, samples), MNIST_CLASSES, dtype);
  const method = f.plain || dtype === 'float32' ? 'plain' : 'incremental';
  const started = performance.now();
  let diff: Record<string, GradientDifference>;
  if (settings.network) {
    const { activation, weightInitStd, weightDecayLambda, useDropout, dropoutRatio, useBatchnorm } = settings.network;
    // The book checks MultiLayerNetExtend; without Dropout and BatchNorm it is MultiLayerNet.
    const network = new MultiLayerNetExtend(inputs, hiddenSizes, 10, { activation, weightInitStd, weightDecayLambda, useDropout, dropoutRatio, useBatchnorm, seed: f.seed!, dtype });
    const progress = progressLine(started);
    try {
      const numericalGradient = (x: Tensor, t: Tensor): Record<string, Tensor> => sequentialNumericalGradient(network, x, t, { plain: method === 'plain', onProgress: progress.update });
      diff = gradientCheck({ gradient: (x: Tensor, t: Tensor) => network.gradient(x, t), numericalGradient }, xBatch, tBatch);
    } finally {
      progress.done();
    }
  } else {
    const network = new TwoLayerNet(inputs, settings.hidden!, 10, { seed: f.seed!, dtype, weightInitStd: settings.weightInitStd! });
    diff = gradientCheck(network, xBatch, tBatch, { method });
  }
  const seconds = (performance.now() - started) / 1000;
  if (f.json) {
    io.out(JSON.stringify({ ...(settings.network ? { net } : {}), dtype, samples, method, seconds, params: diff }));
  } else if (!settings.network) {
    for (const [key, { mean }] of Object.entries(diff)) io.out(`${key}:${mean}`);
  } else {
    const width = Math.max(5, ...Object.keys(diff).map((k) => k.length));
    io.out(`${'param'.padEnd(width)}  ${'mean |diff|'.padEnd(23)}  max |diff|`);
    for (const [key, { mean, max }] of Object.entries(diff)) io.out(`${key.padEnd(width)}  ${String(mean).padEnd(23)}  ${max}`);
  }
  return 0;
}

/** A progress line on stderr, when it is a terminal and the check has run over a second. */
function progressLine(started: number): { update: (done: number, total: number, key: string) => void; done: () => void } {
  const stream = process.stderr;
  let shown = false;
  let last = 0;
  return {
    update: (done, total, key) => {
      const now = performance.now();
      if (!stream.isTTY || now - started < PROGRESS_AFTER_MS || now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[2Kgradcheck: ${done}/${total} weights (${key}), ${((now - started) / 1000).toFixed(1)} s`);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
