// The seed's train_neuralnet loop on the autograd TwoLayerNet (src/autograd/two_layer_net.ts):
// the gradient comes from loss.backward() through the graph that the forward pass recorded,
// instead of from the layers' hand-written backward methods. Prints train and test
// accuracy once per epoch, like examples/train_neuralnet.ts.
import { TwoLayerNet } from '../src/autograd/two_layer_net.js';
import { loadMnist } from '../src/data/mnist.js';
import { Random } from '../src/tensor/random.js';
import { gatherRows } from '../src/tensor/ops.js';
import { runIfMain } from './run_if_main.js';

export function trainAutogradTwoLayerNet(print: (line: string) => void = console.log, itersNum = 10000): void {
  const { xTrain, xTest, trainLabels, testLabels } = loadMnist({ normalize: true });

  // W1, b1, W2, b2 are Variables; network.params holds their data for the update below.
  const network = new TwoLayerNet(784, 50, 10);

  const trainSize = xTrain.shape[0]!;
  const batchSize = 100;
  const learningRate = 0.1;
  const rng = new Random(42);
  const iterPerEpoch = Math.max(trainSize / batchSize, 1);

  for (let i = 0; i < itersNum; i++) {
    const batchMask = rng.choice(trainSize, new Int32Array(batchSize));
    const xBatch = gatherRows(xTrain, batchMask);
    const tBatch = batchMask.map((j) => trainLabels[j]!);

    // forward records the graph; backward walks it (see TwoLayerNet.gradient)
    const grad = network.gradient(xBatch, tBatch);

    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
      const param = network.params[key].data;
      const g = grad[key].data;
      for (let k = 0; k < param.length; k++) param[k] = param[k]! - learningRate * g[k]!;
    }

    if (i % iterPerEpoch === 0) {
      const trainAcc = network.accuracy(xTrain, trainLabels);
      const testAcc = network.accuracy(xTest, testLabels);
      print(`${trainAcc} ${testAcc}`);
    }
  }
}

runIfMain(import.meta.url, () => trainAutogradTwoLayerNet(console.log, Number(process.argv[2] ?? 10000)));
