import type { DType } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { checkShape, formatShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { checkDType } from '../util/options.js';

/**
 * A dataset of images kept as their bytes (0..255), read as floats of `dtype` scaled by
 * `scale` only where they are used: by a first Affine layer's products themselves
 * (gemmBytes, on a batch copied as bytes by gatherInto), or converted, a mini-batch per step
 * (gather) or a block per evaluation (toFloats). MNIST's 70000 images are 55 MB this way instead of 440 MB of
 * float64, and a float copy never has to be made, filled or paged in. Every value is
 * `byte * scale` rounded once to dtype, exactly what a float copy would hold, so training
 * on it gives the same bits.
 */
export class ByteImages {
  /** [rows, ...one item's shape], as the float tensor would be. */
  readonly shape: readonly number[];
  /** Values per row. */
  readonly rowSize: number;

  /**
   * What keeps `bytes` alive: the array allocBytes returned. A subarray of it does not, so a
   * slice carries the original along, as a Tensor's view carries its storage.
   */
  private readonly storage: Uint8Array;

  constructor(readonly bytes: Uint8Array, shape: readonly number[], readonly scale: number, readonly dtype: DType, storage: Uint8Array = bytes) {
    checkShape(shape, 'ByteImages');
    checkDType('ByteImages', dtype);
    if (shape.length < 2) throw new RangeError(`ByteImages: shape ${formatShape(shape)} needs a row dimension and at least one more`);
    if (!(bytes instanceof Uint8Array)) throw new TypeError('ByteImages: bytes must be a Uint8Array');
    if (sizeOf(shape) !== bytes.length) throw new RangeError(`ByteImages: shape ${formatShape(shape)} needs ${sizeOf(shape)} bytes, got ${bytes.length}`);
    if (!Number.isFinite(scale)) throw new RangeError(`ByteImages: scale must be a finite number, got ${scale}`);
    this.shape = Object.freeze([...shape]);
    this.rowSize = sizeOf(shape.slice(1));
    this.storage = storage;
  }

  get rows(): number {
    return this.shape[0]!;
  }

  /** Rows start..end as a view of the same bytes. */
  slice(start: number, end: number = this.rows): ByteImages {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows || start > end) {
      throw new RangeError(`ByteImages.slice: ${start}..${end} is outside 0..${this.rows}`);
    }
    return new ByteImages(this.bytes.subarray(start * this.rowSize, end * this.rowSize), [end - start, ...this.shape.slice(1)], this.scale, this.dtype, this.storage);
  }

  /** out = rows `indices` as floats; out: [indices.length, ...item] of this dtype. */
  gather(indices: Int32Array, out: Tensor): void {
    if (out.dtype !== this.dtype || out.size !== indices.length * this.rowSize) {
      throw new RangeError(`ByteImages.gather: out is ${formatShape(out.shape)} ${out.dtype}, expected ${indices.length} rows of ${this.rowSize} ${this.dtype}`);
    }
    getBackend().gatherBytes(indices, this.rowSize, this.bytes, this.scale, out.data);
  }

  /**
   * out = rows `indices` as they are, bytes copied (a mini-batch for a network that reads
   * bytes); out: indices.length rows of this item shape, scale and dtype.
   */
  gatherInto(indices: Int32Array, out: ByteImages): void {
    const size = this.rowSize;
    if (out.rows !== indices.length || out.rowSize !== size || out.scale !== this.scale || out.dtype !== this.dtype) {
      throw new RangeError(`ByteImages.gatherInto: out is ${formatShape(out.shape)} ${out.dtype} ×${out.scale}, expected ${indices.length} rows of ${size} ${this.dtype} ×${this.scale}`);
    }
    const rows = this.rows;
    for (let i = 0; i < indices.length; i++) {
      const row = indices[i]!;
      if (!(row >= 0 && row < rows)) throw new RangeError(`ByteImages.gatherInto: index ${row} outside 0..${rows - 1}`);
    }
    const src = this.bytes, dst = out.bytes;
    if (src.buffer === dst.buffer) {
      // Both in one memory (the backend's): copyWithin moves each row without the view
      // that subarray would allocate, 100 of them per training step.
      const memory = new Uint8Array(src.buffer);
      for (let i = 0; i < indices.length; i++) {
        const from = src.byteOffset + indices[i]! * size;
        memory.copyWithin(dst.byteOffset + i * size, from, from + size);
      }
      return;
    }
    for (let i = 0; i < indices.length; i++) dst.set(src.subarray(indices[i]! * size, (indices[i]! + 1) * size), i * size);
  }

  /**
   * Reads one byte of every 64 of rows `indices` (indices already drawn, in range), so that
   * their cache lines are on their way before the rows are needed: a training set's rows
   * are scattered over far more memory than the caches hold. Returns what it read, summed,
   * so the reads cannot be dropped.
   */
  touchRows(indices: Int32Array): number {
    const bytes = this.bytes, size = this.rowSize;
    let sum = 0;
    for (let i = 0; i < indices.length; i++) {
      const start = indices[i]! * size;
      for (let o = 0; o < size; o += 64) sum += bytes[start + o]!;
      sum += bytes[start + size - 1]!;
    }
    return sum;
  }

  /**
   * Rows start..end as floats: in the first rows of `into` (a [≥ end − start, ...item]
   * tensor of this dtype, reused block after block) when given, else a new tensor.
   */
  toFloats(start = 0, end = this.rows, into?: Tensor): Tensor {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows || start > end) {
      throw new RangeError(`ByteImages.toFloats: ${start}..${end} is outside 0..${this.rows}`);
    }
    const n = end - start;
    const shape = [n, ...this.shape.slice(1)];
    let out: Tensor;
    if (into) {
      if (into.dtype !== this.dtype || into.rank < 1 || into.shape[0]! < n || into.size / into.shape[0]! !== this.rowSize) {
        throw new RangeError(`ByteImages.toFloats: into is ${formatShape(into.shape)} ${into.dtype}, too small for ${formatShape(shape)} ${this.dtype}`);
      }
      out = into.slice(0, n).reshape(shape);
    } else {
      out = Tensor.empty(shape, this.dtype);
    }
    getBackend().bytesToFloats(n * this.rowSize, this.bytes, start * this.rowSize, this.scale, out.data);
    return out;
  }
}
