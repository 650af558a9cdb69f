import { MAX_SPARSE_COLUMNS, type DType } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import type { ByteImages } from './byte_images.js';
import { formatShape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Most nonzero pixels, as a share of all, that a dataset may have to be compressed: each
 * nonzero costs 3 bytes kept against 1 for every pixel, and a product over a denser set is
 * faster dense (the wasm kernels skip zeros only from half of them zero in float64).
 */
export const MAX_SPARSE_DENSITY = 0.4;

/** Bytes past each array's end that a kernel may read ahead (one v128) without leaving its allocation. */
const READ_AHEAD = 16;

/**
 * A dataset of byte images kept as each row's nonzero pixels (CSR), compressed once from
 * ByteImages into the backend's storage: MNIST's 70000 images hold 10.5M nonzero pixels, 32
 * MB this way. A first Affine layer multiplies rows of it taken by index (take, range): a
 * mini-batch or a scoring block, neither copied nor scanned for zeros (gemmSparseBytes),
 * with exactly the bits the bytes themselves give. The pixels are read once, here: later
 * changes to the ByteImages are not seen.
 */
export class SparseImages {
  /** [rows, ...one item's shape], as the ByteImages' */
  readonly shape: readonly number[];
  /** Values per row. */
  readonly rowSize: number;
  readonly scale: number;
  readonly dtype: DType;
  /** [rows + 1]: row r's entries are offsets[r]..offsets[r + 1]. */
  readonly offsets: Int32Array;
  /** [nonzeros]: each entry's column, ascending within a row. */
  readonly columns: Uint16Array;
  /** [nonzeros]: each entry's byte (never 0). */
  readonly values: Uint8Array;
  /** allocBytes' own arrays, which keep the views above alive. */
  private readonly storage: readonly Uint8Array[];
  /** 0, 1, …, rows − 1, made on the first range() and shared by every block. */
  private everyRow: Int32Array | undefined;

  private constructor(images: ByteImages, offsets: Int32Array, columns: Uint16Array, values: Uint8Array, storage: readonly Uint8Array[]) {
    this.shape = images.shape;
    this.rowSize = images.rowSize;
    this.scale = images.scale;
    this.dtype = images.dtype;
    this.offsets = offsets;
    this.columns = columns;
    this.values = values;
    this.storage = storage;
  }

  /**
   * The images compressed, or undefined where compressing does not pay or cannot be done:
   * more than maxDensity of the pixels nonzero, rows wider than a Uint16 column index holds,
   * or more pixels than Int32 offsets count.
   */
  static compress(images: ByteImages, maxDensity = MAX_SPARSE_DENSITY): SparseImages | undefined {
    const rows = images.rows, cols = images.rowSize;
    if (cols > MAX_SPARSE_COLUMNS || rows * cols > 0x7fffffff) return undefined;
    const backend = getBackend();
    const offsetStore = backend.allocBytes(4 * (rows + 1));
    const offsets = new Int32Array(offsetStore.buffer, offsetStore.byteOffset, rows + 1);
    const nonzeros = backend.nonzeroOffsets(rows, cols, images.bytes, 0, offsets);
    if (nonzeros > maxDensity * rows * cols) return undefined;
    const columnStore = backend.allocBytes(2 * nonzeros + READ_AHEAD);
    const valueStore = backend.allocBytes(nonzeros + READ_AHEAD);
    const columns = new Uint16Array(columnStore.buffer, columnStore.byteOffset, nonzeros);
    const values = valueStore.subarray(0, nonzeros);
    backend.compressBytes(rows, cols, images.bytes, 0, offsets, columns, values);
    return new SparseImages(images, offsets, columns, values, [offsetStore, columnStore, valueStore]);
  }

  get rows(): number {
    return this.shape[0]!;
  }

  get nonzeros(): number {
    return this.values.length;
  }

  /** Bytes of backend storage the dataset holds (MNIST's 70000 images: 32 MB). */
  get storageBytes(): number {
    return this.storage.reduce((sum, array) => sum + array.length, 0);
  }

  /** The rows `rows`, in that order, as a batch that shares this storage (and that array). */
  take(rows: Int32Array): SparseRows {
    return new SparseRows(this, rows);
  }

  /** Rows start..end, in order. */
  range(start = 0, end = this.rows): SparseRows {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows || start > end) {
      throw new RangeError(`SparseImages.range: ${start}..${end} is outside 0..${this.rows}`);
    }
    this.everyRow ??= Int32Array.from({ length: this.rows }, (_, i) => i);
    return new SparseRows(this, this.everyRow.subarray(start, end));
  }
}

/**
 * Rows of SparseImages taken by index: what a network is fed in place of a float batch.
 * Row i is the dataset's row rows[i]; the indices are checked where the rows are read.
 */
export class SparseRows {
  constructor(readonly images: SparseImages, readonly rows: Int32Array) {}

  /** [rows.length, ...one item's shape] */
  get shape(): readonly number[] {
    return [this.rows.length, ...this.images.shape.slice(1)];
  }

  get rowSize(): number {
    return this.images.rowSize;
  }

  get dtype(): DType {
    return this.images.dtype;
  }

  get scale(): number {
    return this.images.scale;
  }

  /** Rows start..end of these, as a view of the same indices. */
  slice(start: number, end: number = this.rows.length): SparseRows {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.rows.length || start > end) {
      throw new RangeError(`SparseRows.slice: ${start}..${end} is outside 0..${this.rows.length}`);
    }
    return new SparseRows(this.images, this.rows.subarray(start, end));
  }

  /** The rows as floats (for a layer that reads floats): each value byte · scale, rounded to dtype. */
  toFloats(): Tensor {
    const { offsets, columns, values, rowSize, scale } = this.images;
    const out = Tensor.zeros(this.shape, this.dtype, 'backend');
    const stored = offsets.length - 1;
    for (let i = 0; i < this.rows.length; i++) {
      const r = this.rows[i]!;
      if (!(r >= 0 && r < stored)) throw new RangeError(`SparseRows.toFloats: row ${r} outside 0..${stored - 1} (rows ${formatShape(this.shape)})`);
      for (let e = offsets[r]!; e < offsets[r + 1]!; e++) out.data[i * rowSize + columns[e]!] = values[e]! * scale;
    }
    return out;
  }
}
