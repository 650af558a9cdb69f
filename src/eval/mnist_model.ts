import type { DType } from '../backend/backend.js';
import { MNIST_CLASSES } from '../data/mnist.js';
import { loadNetwork } from '../io/model.js';
import type { TwoLayerNet } from '../nets/two_layer_net.js';

/** Pixels of one 28×28 MNIST image, flattened. */
export const MNIST_INPUTS = 28 * 28;

/**
 * Loads a saved network that classifies MNIST digits: a valid weights file of another
 * shape would otherwise fail later with a shape error that names no file.
 */
export async function loadMnistClassifier(path: string, dtype?: DType): Promise<TwoLayerNet> {
  const { network } = await loadNetwork(path, dtype);
  if (network.inputSize !== MNIST_INPUTS || network.outputSize !== MNIST_CLASSES) {
    throw new Error(`${path}: the network maps ${network.inputSize} inputs to ${network.outputSize} classes; MNIST digits need ${MNIST_INPUTS} to ${MNIST_CLASSES}`);
  }
  return network;
}
