import { ByteImages } from '../data/byte_images.js';
import { gatherRows } from '../tensor/ops.js';
import type { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Draws mini-batches with replacement, like np.random.choice(train_size, batch_size),
 * into buffers that are reused for every batch. From ByteImages, the batch's rows are
 * converted to floats as they are gathered.
 */
export class BatchSampler {
  private readonly indices: Int32Array;
  private readonly xBatch: Tensor;
  private readonly tBatch: Int32Array;

  constructor(private readonly x: Tensor | ByteImages, private readonly labels: Int32Array, batchSize: number, private readonly rng: Random) {
    const rows = x.shape[0] ?? 0;
    if (labels.length !== rows) throw new RangeError(`BatchSampler: ${rows} inputs but ${labels.length} labels`);
    if (rows === 0) throw new RangeError('BatchSampler: the training set is empty');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`BatchSampler: batch size must be a positive integer, got ${batchSize}`);
    this.indices = new Int32Array(batchSize);
    this.xBatch = Tensor.empty([batchSize, ...x.shape.slice(1)], x.dtype, 'backend');
    this.tBatch = new Int32Array(batchSize);
  }

  /** The next batch; both arrays are overwritten by the following call. */
  next(): [Tensor, Int32Array] {
    this.rng.choice(this.x.shape[0]!, this.indices);
    if (this.x instanceof ByteImages) this.x.gather(this.indices, this.xBatch);
    else gatherRows(this.x, this.indices, this.xBatch);
    for (let i = 0; i < this.indices.length; i++) this.tBatch[i] = this.labels[this.indices[i]!]!;
    return [this.xBatch, this.tBatch];
  }
}
