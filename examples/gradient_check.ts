// The seed's gradient_check cell: backprop against numerical differentiation on the
// first 3 MNIST training images. The differences are tiny (≈1e-13 … 1e-10) because the
// two methods agree; a bug in any backward would show up as a large number here.
import { loadMnist } from '../src/data/mnist.js';
import { TwoLayerNet } from '../src/nets/two_layer_net.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { runIfMain } from './run_if_main.js';

export function gradientCheckExample(print: (line: string) => void = console.log): void {
  // read the data
  const { xTrain, tTrain } = loadMnist({ normalize: true, oneHotLabel: true });

  const network = new TwoLayerNet(784, 50, 10);

  const xBatch = xTrain.slice(0, 3);
  const tBatch = (tTrain as Tensor).slice(0, 3);

  const gradNumerical = network.numericalGradient(xBatch, tBatch);
  const gradBackprop = network.gradient(xBatch, tBatch);

  // the mean of the absolute differences, per parameter
  for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
    const a = gradBackprop[key].data;
    const b = gradNumerical[key].data;
    let total = 0;
    for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
    print(`${key}:${total / a.length}`);
  }
}

runIfMain(import.meta.url, () => gradientCheckExample());
