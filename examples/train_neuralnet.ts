// The seed's train_neuralnet cells: mini-batch SGD on MNIST with backpropagation,
// printing train and test accuracy once per epoch, line for line like the notes.
import { loadMnist } from '../src/data/mnist.js';
import { TwoLayerNet } from '../src/nets/two_layer_net.js';
import { Random } from '../src/tensor/random.js';
import { gatherRows } from '../src/tensor/ops.js';
import { runIfMain } from './run_if_main.js';

export function trainNeuralnet(print: (line: string) => void = console.log, itersNum = 10000): void {
  // read the data
  const { xTrain, xTest, trainLabels, testLabels } = loadMnist({ normalize: true });

  const network = new TwoLayerNet(784, 50, 10);

  // hyperparameters
  const trainSize = xTrain.shape[0]!;
  const batchSize = 100;
  const learningRate = 0.1;
  const rng = new Random(42);

  const trainLossList: number[] = [];
  const trainAccList: number[] = [];
  const testAccList: number[] = [];

  // iterations per epoch
  const iterPerEpoch = Math.max(trainSize / batchSize, 1);

  for (let i = 0; i < itersNum; i++) {
    // 1. a mini-batch, drawn with replacement
    const batchMask = rng.choice(trainSize, new Int32Array(batchSize));
    const xBatch = gatherRows(xTrain, batchMask);
    const tBatch = batchMask.map((j) => trainLabels[j]!);

    // 2. the gradient, by backpropagation
    const grad = network.gradient(xBatch, tBatch);

    // 3. the update
    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
      const param = network.params[key].data;
      const g = grad[key].data;
      for (let k = 0; k < param.length; k++) param[k] = param[k]! - learningRate * g[k]!;
    }

    // record the loss (the forward pass that gave the gradient computed it)
    trainLossList.push(network.lastLayer.loss);

    // accuracy once per epoch
    if (i % iterPerEpoch === 0) {
      const trainAcc = network.accuracy(xTrain, trainLabels);
      const testAcc = network.accuracy(xTest, testLabels);
      trainAccList.push(trainAcc);
      testAccList.push(testAcc);
      print(`${trainAcc} ${testAcc}`);
    }
  }
}

runIfMain(import.meta.url, () => trainNeuralnet(console.log, Number(process.argv[2] ?? 10000)));
