import { getBackend } from '../backend/index.js';
import type { DType, FloatArray } from '../backend/backend.js';
import { checkDType } from '../util/options.js';
import { Random } from './random.js';
import { checkShape, formatShape, sizeOf, stridesOf, type Shape } from './shape.js';

export type NestedArray = number | NestedArray[];

/**
 * Where a tensor's values live.
 * - 'heap' (the default): an ordinary typed array. The garbage collector sees its size and
 *   frees it promptly, even inside a long synchronous loop, so user code never has to
 *   dispose of anything.
 * - 'backend': storage from the active backend (`Backend.alloc`), which its kernels read
 *   and write without copying: for what lives long and is used every step, such as
 *   parameters, their gradients, datasets and layers' reused buffers. The wasm backend
 *   takes it back only after the tensor is collected and the event loop has turned, and
 *   hands out heap storage instead once its budget for such storage is spent.
 * Both work with every op and kernel; a kernel copies heap values in and out as needed.
 */
export type Placement = 'heap' | 'backend';

function allocate(dtype: DType, length: number, placement: Placement): FloatArray {
  if (placement === 'backend') return getBackend().alloc(dtype, length);
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * An n-dimensional array of float64 (default) or float32 values, row-major over one flat
 * typed array. Tensors are plain data: operations live in ops.ts and run on the active
 * backend, which also provides the storage.
 */
export class Tensor {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  /**
   * The array that was allocated, which `data` may be a view of. Holding it keeps a
   * backend from reclaiming its storage while any view of it is alive.
   */
  readonly storage: FloatArray;

  constructor(data: FloatArray, shape: Shape, storage: FloatArray = data) {
    checkShape(shape, 'Tensor');
    if (sizeOf(shape) !== data.length) {
      throw new RangeError(`Tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} values, got ${data.length}`);
    }
    this.data = data;
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
  }

  get dtype(): DType {
    return this.data instanceof Float32Array ? 'float32' : 'float64';
  }
  get size(): number {
    return this.data.length;
  }
  get rank(): number {
    return this.shape.length;
  }

  /** Zero-filled, like zeros(); the name says the values are about to be overwritten. */
  static empty(shape: Shape, dtype: DType = 'float64', placement: Placement = 'heap'): Tensor {
    checkShape(shape, 'Tensor.empty');
    checkDType('Tensor', dtype); // every factory comes here; a backend would quietly give float64
    return new Tensor(allocate(dtype, sizeOf(shape), placement), shape);
  }

  static zeros(shape: Shape, dtype: DType = 'float64', placement: Placement = 'heap'): Tensor {
    return Tensor.empty(shape, dtype, placement); // every allocation is zero-filled
  }

  static full(shape: Shape, value: number, dtype: DType = 'float64', placement: Placement = 'heap'): Tensor {
    const t = Tensor.empty(shape, dtype, placement);
    t.data.fill(value);
    return t;
  }

  /** Standard-normal values from a seeded generator (np.random.randn with a seed). */
  static randn(shape: Shape, rng: Random | number = new Random(), dtype: DType = 'float64', placement: Placement = 'heap'): Tensor {
    const random = typeof rng === 'number' ? new Random(rng) : rng;
    const t = Tensor.empty(shape, dtype, placement);
    for (let i = 0; i < t.size; i++) t.data[i] = random.normal();
    return t;
  }

  /** From a number or nested arrays, e.g. Tensor.from([[1, 2], [3, 4]]). Ragged input is rejected. */
  static from(values: NestedArray | ArrayLike<number>, dtype: DType = 'float64'): Tensor {
    if (ArrayBuffer.isView(values)) values = Array.from(values as ArrayLike<number>);
    const shape: number[] = [];
    let probe: unknown = values;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe[0];
    }
    const t = Tensor.empty(shape, dtype);
    let index = 0;
    const visit = (value: unknown, depth: number, path: string): void => {
      if (depth === shape.length) {
        if (typeof value !== 'number') throw new TypeError(`Tensor.from: expected a number at ${path || 'top level'}, got ${describe(value)}`);
        t.data[index++] = value;
        return;
      }
      if (!Array.isArray(value) || value.length !== shape[depth]) {
        throw new RangeError(`Tensor.from: ragged nested array at ${path || 'top level'} (expected ${shape[depth]} entries, got ${Array.isArray(value) ? value.length : describe(value)})`);
      }
      value.forEach((v, i) => visit(v, depth + 1, `${path}[${i}]`));
    };
    visit(values, 0, '');
    return t;
  }

  /** Same data, another shape (no copy). One dimension may be -1. */
  reshape(...dims: number[] | [readonly number[]]): Tensor {
    const shape = (Array.isArray(dims[0]) ? dims[0] : dims) as number[];
    const known = shape.filter((d) => d !== -1);
    const inferred = shape.length - known.length;
    if (inferred > 1) throw new RangeError(`reshape: at most one -1 is allowed, got ${formatShape(shape)}`);
    const knownSize = sizeOf(known);
    const resolved = shape.map((d) => (d === -1 ? (knownSize === 0 ? 0 : this.size / knownSize) : d));
    if (sizeOf(resolved) !== this.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RangeError(`reshape: cannot reshape ${formatShape(this.shape)} (${this.size} values) into ${formatShape(shape)}`);
    }
    return new Tensor(this.data, resolved, this.storage);
  }

  /** A copy with its own storage, optionally in another dtype or placement. */
  clone(dtype: DType = this.dtype, placement: Placement = 'heap'): Tensor {
    const t = Tensor.empty(this.shape, dtype, placement);
    t.data.set(this.data);
    return t;
  }

  astype(dtype: DType): Tensor {
    return dtype === this.dtype ? this : this.clone(dtype);
  }

  get(...index: number[]): number {
    return this.data[this.offsetOf(index, 'get')]!;
  }

  set(value: number, ...index: number[]): void {
    this.data[this.offsetOf(index, 'set')] = value;
  }

  /** Row `i` of the first axis, sharing storage. */
  row(i: number): Tensor {
    if (this.rank === 0 || !Number.isInteger(i) || i < 0 || i >= this.shape[0]!) {
      throw new RangeError(`row: index ${i} is out of range for shape ${formatShape(this.shape)}`);
    }
    const inner = this.shape.slice(1);
    const n = sizeOf(inner);
    return new Tensor(this.data.subarray(i * n, (i + 1) * n), inner, this.storage);
  }

  /** Rows [start, end) of the first axis, sharing storage. */
  slice(start: number, end: number = this.shape[0] ?? 0): Tensor {
    const rows = this.shape[0] ?? 0;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > rows || start > end) {
      throw new RangeError(`slice: [${start}, ${end}) is out of range for shape ${formatShape(this.shape)}`);
    }
    const n = sizeOf(this.shape.slice(1));
    return new Tensor(this.data.subarray(start * n, end * n), [end - start, ...this.shape.slice(1)], this.storage);
  }

  toArray(): NestedArray {
    if (this.rank === 0) return this.data[0]!;
    const build = (depth: number, offset: number, strides: number[]): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[depth]!; i++) {
        const at = offset + i * strides[depth]!;
        out.push(depth === this.rank - 1 ? this.data[at]! : build(depth + 1, at, strides));
      }
      return out;
    };
    return build(0, 0, stridesOf(this.shape));
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} values, not 1`);
    return this.data[0]!;
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}) ${JSON.stringify(this.toArray())}`;
  }

  private offsetOf(index: number[], where: string): number {
    if (index.length !== this.rank) throw new RangeError(`${where}: expected ${this.rank} indices for shape ${formatShape(this.shape)}, got ${index.length}`);
    let offset = 0;
    for (let d = 0; d < this.rank; d++) {
      const i = index[d]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[d]!) throw new RangeError(`${where}: index ${formatShape(index)} is out of range for shape ${formatShape(this.shape)}`);
      offset = offset * this.shape[d]! + i;
    }
    return offset;
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? `an array of ${value.length}` : typeof value;
}
