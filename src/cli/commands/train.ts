import { getBackend } from '../../backend/index.js';
import { loadMnist } from '../../data/mnist.js';
import { TwoLayerNet } from '../../nets/two_layer_net.js';
import { train, type EpochResult, type TrainConfig } from '../../train/train.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, dataFlags, selectBackend, type Output } from '../common.js';

const flags = {
  iters: { type: 'int', min: 1, default: 10000, help: 'training iterations', arg: 'N' },
  'batch-size': { type: 'int', min: 1, default: 100, help: 'mini-batch size (drawn with replacement)', arg: 'N' },
  lr: { type: 'number', min: 0, exclusiveMin: true, default: 0.1, help: 'learning rate', arg: 'X' },
  hidden: { type: 'int', min: 1, default: 50, help: 'hidden layer size', arg: 'N' },
  'weight-init-std': { type: 'number', min: 0, default: 0.01, help: 'standard deviation of the initial weights', arg: 'X' },
  seed: { type: 'int', default: 42, help: 'seed of weight initialisation and mini-batch draws', arg: 'N' },
  ...dataFlags,
  json: { type: 'boolean', help: 'print only one JSON object with the results on stdout' },
  ...backendFlags,
} as const;

export const trainHelp = formatHelp(
  'nabla train [options]',
  "The seed's train_neuralnet: TwoLayerNet(784, hidden, 10) on MNIST with mini-batch SGD,\nevaluating train and test accuracy every epoch (batch-size iterations per 60000 images).",
  flags,
);

export function trainCommand(argv: readonly string[], io: Output): number {
  const { flags: f, positional, help } = parseArgs('train', argv, flags);
  if (help) {
    io.out(trainHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`train: unexpected argument '${positional[0]}'`);
  selectBackend(f.backend, f.threads);
  const dtype = f.dtype as 'float64' | 'float32';
  const config: TrainConfig = { iters: f.iters!, batchSize: f.batchSize!, learningRate: f.lr!, seed: f.seed! };
  const data = loadMnist({ normalize: true, dtype, ...(f.dataDir ? { dataDir: f.dataDir } : {}) });
  const inputSize = data.xTrain.shape[1]!;
  const network = new TwoLayerNet(inputSize, f.hidden!, 10, { weightInitStd: f.weightInitStd!, seed: f.seed!, dtype });
  const backend = getBackend();

  if (!f.json) {
    io.out(`TwoLayerNet(${inputSize}, ${f.hidden}, 10) ${dtype} on ${describeBackend(backend)}: ${config.iters} iterations, batch ${config.batchSize}, lr ${config.learningRate}, seed ${config.seed}`);
    io.out(`data: ${data.dataDir} (${data.xTrain.shape[0]} training, ${data.xTest.shape[0]} test images)`);
    io.out(`${'epoch'.padStart(5)}  ${'loss'.padStart(8)}  ${'train acc'.padStart(9)}  ${'test acc'.padStart(9)}  ${'time'.padStart(7)}`);
  }
  const onEpochEnd = (e: EpochResult): void => {
    if (!f.json) io.out(`${String(e.epoch).padStart(5)}  ${e.loss.toFixed(4).padStart(8)}  ${e.trainAcc.toFixed(4).padStart(9)}  ${e.testAcc.toFixed(4).padStart(9)}  ${`${e.seconds.toFixed(1)}s`.padStart(7)}`);
  };
  const result = train(network, { xTrain: data.xTrain, trainLabels: data.trainLabels, xTest: data.xTest, testLabels: data.testLabels }, config, { onEpochEnd });
  if (f.json) {
    io.out(JSON.stringify({
      epochs: result.epochs.map(({ epoch, trainAcc, testAcc, loss }) => ({ epoch, trainAcc, testAcc, loss })),
      trainAcc: result.trainAcc,
      testAcc: result.testAcc,
      seconds: result.seconds,
    }));
  } else {
    io.out(`final: train acc ${result.trainAcc.toFixed(4)}, test acc ${result.testAcc.toFixed(4)} in ${result.seconds.toFixed(1)} s`);
  }
  return 0;
}

function describeBackend(backend: { name: string; threads?: number }): string {
  return backend.threads ? `${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})` : backend.name;
}
