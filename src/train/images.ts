import { ByteImages } from '../data/byte_images.js';
import type { Labels } from '../layers/softmax_with_loss.js';
import type { TrainableNetwork } from '../nets/network.js';
import { Tensor } from '../tensor/tensor.js';

/** A training or test set as the trainer reads it: float rows, or bytes converted as they are used. */
export type TrainImages = Tensor | ByteImages;

/** Rows per block when a network names none: TwoLayerNet's and Sequential's own (EVAL_BLOCK). */
const DEFAULT_BLOCK = 10000;

/**
 * Scores byte datasets block by block through one reused float block, so a whole float
 * copy is never made. Each block is the network's own scoring block (evalBatchSize), so
 * the network sees exactly the blocks it would cut from a float copy: the same results.
 */
export class BlockScorer {
  private block: Tensor | undefined;

  /** The network's accuracy on x (all of its rows) against t. */
  accuracy(network: TrainableNetwork, x: TrainImages, t: Labels): number {
    if (!(x instanceof ByteImages)) return network.accuracy(x, t);
    const rows = x.rows;
    if (rows === 0) return network.accuracy(x.toFloats(), t); // the network's own error
    const size = Math.min(rows, network.evalBatchSize ?? DEFAULT_BLOCK);
    if (!this.block || this.block.dtype !== x.dtype || this.block.shape[0]! < size || this.block.size / this.block.shape[0]! !== x.rowSize) {
      // Backend storage, so the kernels read it without copying; made once per run.
      this.block = Tensor.empty([size, ...x.shape.slice(1)], x.dtype, 'backend');
    }
    let correct = 0;
    for (let start = 0; start < rows; start += size) {
      const end = Math.min(rows, start + size);
      const targets = t instanceof Tensor ? t.slice(start, end) : t.subarray(start, end);
      // accuracy() is correct / n, and n < 2^53: rounding it back recovers the count exactly.
      correct += Math.round(network.accuracy(x.toFloats(start, end, this.block), targets) * (end - start));
    }
    return correct / rows;
  }
}

export function rowCount(x: TrainImages): number {
  return x.shape[0]!;
}
