import type { FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { specInputSize, type Network } from '../nets/network.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface Classification {
  /** Predicted class per row: the first highest score, as TwoLayerNet.accuracy counts it. */
  labels: Int32Array;
  /** Softmax of the scores, rows × classes, row-major, in the network's dtype. */
  probabilities: FloatArray;
  classes: number;
}

/** Rows per forward pass unless the network says otherwise: bounds the activations' memory. */
const BLOCK = 10000;

/** Predicted labels and class probabilities for every row of x ([rows, inputSize]). */
export function classify(network: Network, x: Tensor): Classification {
  const spec = network.spec();
  const { outputSize: classes, dtype } = spec;
  if (x.rank !== 2 && x.rank !== 4) throw new RangeError(`classify: input must be [rows, ${specInputSize(spec)}], got ${formatShape(x.shape)}`);
  const rows = x.shape[0]!;
  const block = network.evalBatchSize ?? BLOCK;
  const labels = new Int32Array(rows);
  const probabilities = dtype === 'float32' ? new Float32Array(rows * classes) : new Float64Array(rows * classes);
  const backend = getBackend();
  for (let start = 0; start < rows; start += block) {
    const end = Math.min(rows, start + block);
    const n = end - start;
    // predict's result is a buffer the network reuses, so it is read before the next block.
    const scores = network.predict(x.slice(start, end), false);
    // Argmax on the scores, not the probabilities: softmax can round two close scores to
    // the same probability, and then the label would differ from network.accuracy's.
    backend.argmaxRows(n, classes, scores.data, labels.subarray(start, end));
    backend.softmaxRows(n, classes, scores.data, probabilities.subarray(start * classes, end * classes));
  }
  return { labels, probabilities, classes };
}
