// The book's ch07/train_convnet.py: SimpleConvNet on MNIST images [N, 1, 28, 28] with
// Adam (lr 0.001), batch 100, evaluating on 1000 images per epoch, then the whole test
// set. `node dist/examples/train_convnet.js [EPOCHS]` (the book: 20; nabla train --net
// simple-conv does the same with plots and checkpoints).
import { existsSync } from 'node:fs';
import { loadMnist } from '../src/data/mnist.js';
import { saveNetwork } from '../src/io/model_file.js';
import { SimpleConvNet } from '../src/nets/simple_conv_net.js';
import { iterationsPerEpoch, Trainer } from '../src/train/train.js';
import { runIfMain } from './run_if_main.js';

export interface ConvnetOptions {
  maxEpochs?: number;
  /** Train on the first N training images only. */
  trainSize?: number;
  dtype?: 'float64' | 'float32';
}

/** Trains the book's SimpleConvNet and returns it with its final test accuracy on all test images. */
export function trainConvnet(print: (line: string) => void = console.log, options: ConvnetOptions = {}): { network: SimpleConvNet; testAcc: number } {
  const { maxEpochs = 20, dtype = 'float64' } = options;
  const data = loadMnist({ flatten: false, dtype });
  const xTrain = options.trainSize === undefined ? data.xTrain : data.xTrain.slice(0, options.trainSize);
  const trainLabels = xTrain === data.xTrain ? data.trainLabels : data.trainLabels.subarray(0, options.trainSize);

  const network = new SimpleConvNet({
    inputDim: [1, 28, 28], convParam: { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
    hiddenSize: 100, outputSize: 10, weightInitStd: 0.01, dtype,
  });
  const iters = maxEpochs * iterationsPerEpoch(xTrain.shape[0]!, 100);
  const trainer = new Trainer(network, { xTrain, trainLabels, xTest: data.xTest, testLabels: data.testLabels }, {
    iters, batchSize: 100, learningRate: 0.001, optimizer: 'adam', evaluateSampleNumPerEpoch: 1000, seed: 42,
  }, {
    onEpochEnd: ({ epoch, trainAcc, testAcc }) => print(`=== epoch:${epoch}, train acc:${trainAcc}, test acc:${testAcc} ===`),
  });
  while (trainer.step()) { /* one mini-batch per step */ }
  const testAcc = network.accuracy(data.xTest, data.testLabels);
  print('=============== Final Test Accuracy ===============');
  print(`test acc:${testAcc}`);
  return { network, testAcc };
}

runIfMain(import.meta.url, async () => {
  const epochs = process.argv[2] === undefined ? 20 : Number(process.argv[2]);
  if (!Number.isInteger(epochs) || epochs < 1) {
    console.error(`train_convnet: EPOCHS must be a positive integer, got '${process.argv[2]}'`);
    process.exit(2);
  }
  const { network } = trainConvnet(console.log, { maxEpochs: epochs });
  // The book overwrites params.pkl; a file the user already has here is kept instead.
  if (existsSync('params.safetensors')) {
    console.log('params.safetensors already exists here: kept, the new weights were not saved');
    return;
  }
  await saveNetwork(network, 'params.safetensors');
  console.log('Saved Network Parameters! (params.safetensors)');
});
