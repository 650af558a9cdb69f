import type { FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { readsBytes, specInputSize, type Network } from '../nets/network.js';
import { ByteImages } from '../tensor/byte_images.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export interface Classification {
  /** Predicted class per row: the first highest score, as TwoLayerNet.accuracy counts it. */
  labels: Int32Array;
  /** Softmax of the scores, rows × classes, row-major, in the network's dtype. */
  probabilities: FloatArray;
  classes: number;
}

/** Rows per forward pass unless the network says otherwise: bounds the activations' memory. */
const BLOCK = 10000;

/**
 * Predicted labels and class probabilities for every row of x ([rows, inputSize]). Images
 * kept as bytes are read block by block: by the network itself when it reads bytes, else
 * converted into one reused float block, so no float copy of the whole set is ever made.
 */
export function classify(network: Network, x: Tensor | ByteImages): Classification {
  const spec = network.spec();
  const { outputSize: classes, dtype } = spec;
  const rank = x.shape.length;
  if (rank !== 2 && rank !== 4) throw new RangeError(`classify: input must be [rows, ${specInputSize(spec)}], got ${formatShape(x.shape)}`);
  const rows = x.shape[0]!;
  const block = Math.max(1, Math.min(rows, network.evalBatchSize ?? BLOCK));
  const labels = new Int32Array(rows);
  const probabilities = dtype === 'float32' ? new Float32Array(rows * classes) : new Float64Array(rows * classes);
  const backend = getBackend();
  const predictBlock = blockPredictor(network, x, block);
  for (let start = 0; start < rows; start += block) {
    const end = Math.min(rows, start + block);
    const n = end - start;
    // predict's result is a buffer the network reuses, so it is read before the next block.
    const scores = predictBlock(start, end);
    // Argmax on the scores, not the probabilities: softmax can round two close scores to
    // the same probability, and then the label would differ from network.accuracy's.
    backend.argmaxRows(n, classes, scores.data, labels.subarray(start, end));
    backend.softmaxRows(n, classes, scores.data, probabilities.subarray(start * classes, end * classes));
  }
  return { labels, probabilities, classes };
}

/** The network's scores for rows start..end of x, as a reused buffer. */
function blockPredictor(network: Network, x: Tensor | ByteImages, block: number): (start: number, end: number) => Tensor {
  if (x instanceof Tensor) return (start, end) => network.predict(x.slice(start, end), false);
  if (readsBytes(network)) return (start, end) => network.predict(x.slice(start, end), false);
  // Backend storage, so the kernels read it without copying.
  const floats = Tensor.empty([block, ...x.shape.slice(1)], x.dtype, 'backend');
  return (start, end) => network.predict(x.toFloats(start, end, floats), false);
}
