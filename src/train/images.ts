import { ByteImages } from '../tensor/byte_images.js';
import { SparseImages } from '../tensor/sparse_images.js';
import type { Labels } from '../layers/softmax_with_loss.js';
import { readsBytes, type TrainableNetwork } from '../nets/network.js';
import { Tensor } from '../tensor/tensor.js';

/** A training or test set as the trainer reads it: float rows, or bytes converted as they are used. */
export type TrainImages = Tensor | ByteImages;

/** Rows per block when a network names none: TwoLayerNet's and Sequential's own (EVAL_BLOCK). */
const DEFAULT_BLOCK = 10000;
/**
 * Bytes of the float block that bytes are converted into: small enough to stay in the
 * last-level cache between its conversion and its product (MNIST: 2675 rows in float64,
 * 5350 in float32), so scoring reads 1 byte per pixel from memory instead of a float copy's
 * 4 or 8, and large enough that each block's split products repay their hand-offs (27
 * blocks per float64 evaluation of MNIST). Measured on 2 busy vCPUs: one thread scored
 * faster in 8 MiB blocks than in the network's own 10000 rows (float64 evaluations 2.98 s
 * against 3.80 s per run), two threads as fast in 16 MiB blocks as in 10000 rows and slower
 * in 8 MiB ones, which hand off twice as often.
 */
export const SCORE_BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * Scores byte datasets without a whole float copy: a network that reads bytes (readsBytes)
 * gets them as they are; any other, block by block through one reused float block. A block is the network's own scoring block (evalBatchSize) or, when
 * that would not fit SCORE_BLOCK_BYTES, fewer rows: a network scores each row on its own
 * (no layer mixes rows in test mode, and the products sum each row in the same order
 * however many rows they are given), so the count is the one it gives on the whole.
 */
export class BlockScorer {
  private block: Tensor | undefined;
  /** Each byte set compressed on first use (null: not worth it), for this scorer's life. */
  private readonly compressed = new WeakMap<ByteImages, SparseImages | null>();

  constructor(private readonly blockBytes = SCORE_BLOCK_BYTES) {}

  /** The network's accuracy on x (all of its rows) against t. */
  accuracy(network: TrainableNetwork, x: TrainImages, t: Labels): number {
    if (!(x instanceof ByteImages)) return network.accuracy(x, t);
    const rows = x.rows;
    if (rows === 0) return network.accuracy(x.toFloats(), t); // the network's own error
    // Blocks slice the labels too, so a count that does not match must be refused here.
    const labels = t instanceof Tensor ? t.shape[0]! : t.length;
    if (labels !== rows) throw new RangeError(`accuracy: ${labels} labels for ${rows} images`);
    // A network that reads bytes scores them as they are kept, in its own blocks.
    if (readsBytes(network)) return network.accuracy(this.compressedOf(x)?.range() ?? x, t);
    const rowBytes = x.rowSize * (x.dtype === 'float32' ? 4 : 8);
    const size = Math.min(rows, network.evalBatchSize ?? DEFAULT_BLOCK, Math.max(1, Math.floor(this.blockBytes / rowBytes)));
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

  /**
   * x compressed to its nonzero pixels the first time this scorer is asked (undefined where
   * that does not pay: SparseImages.compress). The pixels are read then: a set changed later
   * in this scorer's life is scored as it was.
   */
  compressedOf(x: ByteImages): SparseImages | undefined {
    let sparse = this.compressed.get(x);
    if (sparse === undefined) {
      sparse = SparseImages.compress(x) ?? null;
      this.compressed.set(x, sparse);
    }
    return sparse ?? undefined;
  }
}

export function rowCount(x: TrainImages): number {
  return x.shape[0]!;
}

/**
 * Rows start..end as floats: a view of a tensor, or the bytes converted into backend
 * storage (a subset trained on or a test set scored again and again), which the kernels
 * read without copying.
 */
export function floatRows(x: TrainImages, start = 0, end = rowCount(x)): Tensor {
  if (!(x instanceof ByteImages)) return x.slice(start, end);
  return x.toFloats(start, end, Tensor.empty([end - start, ...x.shape.slice(1)], x.dtype, 'backend'));
}
