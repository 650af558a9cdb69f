import { getBackend } from '../backend/index.js';
import { ByteImages } from '../tensor/byte_images.js';
import { gatherRows } from '../tensor/ops.js';
import type { Random } from '../tensor/random.js';
import { sizeOf } from '../tensor/shape.js';
import type { SparseImages, SparseRows } from '../tensor/sparse_images.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Draws mini-batches with replacement, like np.random.choice(train_size, batch_size),
 * into buffers that are reused for every batch. From ByteImages, next() converts the
 * batch's rows to floats as it gathers them; nextBytes() copies them as bytes, for a
 * network that reads bytes, and nextSparse() copies nothing: it takes the drawn rows of the
 * images compressed. All three draw the same indices from the generator.
 */
export class BatchSampler {
  private readonly indices: Int32Array;
  private xBatch: Tensor | undefined;
  private byteBatch: ByteImages | undefined;
  private readonly tBatch: Int32Array;

  constructor(private readonly x: Tensor | ByteImages, private readonly labels: Int32Array, private readonly batchSize: number, private readonly rng: Random) {
    const rows = x.shape[0] ?? 0;
    if (labels.length !== rows) throw new RangeError(`BatchSampler: ${rows} inputs but ${labels.length} labels`);
    if (rows === 0) throw new RangeError('BatchSampler: the training set is empty');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`BatchSampler: batch size must be a positive integer, got ${batchSize}`);
    this.indices = new Int32Array(batchSize);
    this.tBatch = new Int32Array(batchSize);
  }

  /** The next batch as floats; both arrays are overwritten by the following call. */
  next(): [Tensor, Int32Array] {
    this.draw();
    this.xBatch ??= Tensor.empty([this.batchSize, ...this.x.shape.slice(1)], this.x.dtype, 'backend');
    if (this.x instanceof ByteImages) this.x.gather(this.indices, this.xBatch);
    else gatherRows(this.x, this.indices, this.xBatch);
    return [this.xBatch, this.tBatch];
  }

  /**
   * The next batch as bytes (images given as ByteImages only); overwritten by the following
   * call. It also reads ahead the rows the following call will draw (from a copy of the
   * generator's state, which it leaves as it was), so their cache misses overlap this
   * batch's step instead of stalling the next gather.
   */
  nextBytes(): [ByteImages, Int32Array] {
    const x = this.x;
    if (!(x instanceof ByteImages)) throw new TypeError('BatchSampler.nextBytes: the images are floats, not ByteImages');
    this.draw();
    this.byteBatch ??= new ByteImages(getBackend().allocBytes(this.batchSize * x.rowSize), [this.batchSize, ...x.shape.slice(1)], x.scale, x.dtype);
    x.gatherInto(this.indices, this.byteBatch);
    const state = this.rng.getState();
    this.ahead ??= new Int32Array(this.batchSize);
    this.rng.choice(x.rows, this.ahead);
    this.rng.setState(state);
    this.touched = x.touchRows(this.ahead);
    return [this.byteBatch, this.tBatch];
  }

  /**
   * The next batch as rows of `images`, these images compressed (SparseImages.compress): the
   * drawn indices themselves, nothing copied. Both are overwritten by the following call.
   */
  nextSparse(images: SparseImages): [SparseRows, Int32Array] {
    if (images.rows !== this.labels.length || images.rowSize !== sizeOf(this.x.shape.slice(1))) {
      throw new RangeError(`BatchSampler.nextSparse: the compressed images are [${images.shape.join(', ')}], the sampler's [${this.x.shape.join(', ')}]`);
    }
    this.draw();
    if (this.sparseBatch?.images !== images) this.sparseBatch = images.take(this.indices);
    return [this.sparseBatch, this.tBatch];
  }

  private sparseBatch: SparseRows | undefined;

  /** What the last read-ahead read (kept so the reads stay). */
  touched = 0;
  private ahead: Int32Array | undefined;

  private draw(): void {
    this.rng.choice(this.x.shape[0]!, this.indices);
    for (let i = 0; i < this.indices.length; i++) this.tBatch[i] = this.labels[this.indices[i]!]!;
  }
}
