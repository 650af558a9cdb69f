// A model for classifying MNIST digits from bytes in memory (a browser's fetch, a file a
// user picked, a model another page posted), and one digit classified by it: the pure part
// of what loadMnistClassifier and `nabla predict` do with files.

import type { DType } from '../backend/backend.js';
import { decodeNetwork, type LoadedNetwork } from '../io/model.js';
import { printable } from '../io/printable.js';
import { specInputSize, type Network } from '../nets/network.js';
import { Tensor } from '../tensor/tensor.js';
import { classify } from './classify.js';

/** Pixels of one 28×28 MNIST image, and the classes, as MNIST's files have them. */
const DIGIT_INPUTS = 28 * 28;
const DIGIT_CLASSES = 10;

/**
 * The network in a model file's bytes, refused with one line naming `source` unless it
 * maps 784 inputs to 10 classes: a valid file of another shape would otherwise fail later
 * with a shape error that names no file.
 */
export function decodeMnistClassifier(bytes: Uint8Array, source: string, dtype?: DType): LoadedNetwork {
  const loaded = decodeNetwork(bytes, source, dtype);
  const inputs = specInputSize(loaded.spec);
  if (inputs !== DIGIT_INPUTS || loaded.spec.outputSize !== DIGIT_CLASSES) {
    throw new Error(`${printable(source, 1000)}: the network maps ${inputs} inputs to ${loaded.spec.outputSize} classes; MNIST digits need ${DIGIT_INPUTS} to ${DIGIT_CLASSES}`);
  }
  return loaded;
}

export interface DigitGuess {
  /** The predicted digit: the first highest score. */
  label: number;
  /** The ten class probabilities. */
  probabilities: number[];
}

/** One digit's 784 inputs (toMnistInput's) classified as `nabla predict` classifies an image. */
export function classifyDigit(network: Network, input: ArrayLike<number>): DigitGuess {
  if (input.length !== DIGIT_INPUTS) throw new RangeError(`classifyDigit: expected ${DIGIT_INPUTS} inputs, got ${input.length}`);
  const x = Tensor.empty([1, DIGIT_INPUTS], network.spec().dtype);
  x.data.set(input);
  const { labels, probabilities } = classify(network, x);
  const p = Array.from(probabilities);
  // Finite weights can still overflow to NaN scores; a "0 (p=NaN)" is no answer.
  if (!p.every(Number.isFinite)) throw new Error('the model gives non-finite class probabilities for this digit (weights too large?)');
  return { label: labels[0]!, probabilities: p };
}
