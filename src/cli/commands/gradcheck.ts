import { loadMnist } from '../../data/mnist.js';
import { gradientCheck } from '../../gradient/gradient_check.js';
import { TwoLayerNet } from '../../nets/two_layer_net.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, checkFitsInMemory, dataFlags, selectBackend, type Output } from '../common.js';

const flags = {
  ...dataFlags,
  samples: { type: 'int', min: 1, default: 3, help: 'training images to check on (the first N)', arg: 'N' },
  hidden: { type: 'int', min: 1, default: 50, help: 'hidden layer size', arg: 'N' },
  seed: { type: 'int', default: 42, min: 0, max: 0xffffffff, help: 'seed of the weight initialisation', arg: 'N' },
  plain: { type: 'boolean', help: "rerun the whole forward pass for every nudged weight, as the book does (slow); default in float64: update only what each nudge changes" },
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  ...backendFlags,
} as const;

export const gradcheckHelp = formatHelp(
  'nabla gradcheck [options]',
  "The seed's gradient_check: TwoLayerNet(784, 50, 10) on the first 3 training images;\nprints the mean absolute difference between backprop and numerical gradients per parameter.",
  flags,
);

export function gradcheckCommand(argv: readonly string[], io: Output): number {
  const { flags: f, positional, help } = parseArgs('gradcheck', argv, flags);
  if (help) {
    io.out(gradcheckHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`gradcheck: unexpected argument '${positional[0]}'`);
  selectBackend(f.backend, f.threads);
  const dtype = f.dtype as 'float64' | 'float32';
  const data = loadMnist({ normalize: true, oneHotLabel: true, dtype, ...(f.dataDir ? { dataDir: f.dataDir } : {}) });
  const samples = f.samples ?? 3;
  if (samples > data.xTrain.shape[0]!) throw new UsageError(`gradcheck: --samples ${samples} exceeds the ${data.xTrain.shape[0]} training images`);
  const inputs = data.xTrain.shape[1]!;
  // Weights, backprop gradients and numerical gradients: three copies of the parameters.
  checkFitsInMemory('gradcheck', {
    inputs, hidden: f.hidden!, classes: 10, batch: samples, dataRows: data.xTrain.shape[0]! + data.xTest.shape[0]!, evalRows: 0, paramCopies: 3, dtype,
  }, [{ flag: 'hidden', value: f.hidden!, fallback: flags.hidden.default, size: 'hidden' }]);
  const network = new TwoLayerNet(inputs, f.hidden!, 10, { seed: f.seed!, dtype });
  const xBatch = data.xTrain.slice(0, samples);
  const tBatch = (data.tTrain as Tensor).slice(0, samples);
  const started = performance.now();
  const method = f.plain || dtype === 'float32' ? 'plain' : 'incremental';
  const diff = gradientCheck(network, xBatch, tBatch, { method });
  const seconds = (performance.now() - started) / 1000;
  if (f.json) {
    io.out(JSON.stringify({ dtype, samples, method, seconds, params: diff }));
  } else {
    for (const [key, { mean }] of Object.entries(diff)) io.out(`${key}:${mean}`);
  }
  return 0;
}
