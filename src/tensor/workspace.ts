import type { DType, FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * An output buffer that a layer reuses from call to call, so that training allocates
 * no tensor storage per iteration. It grows to the largest shape asked for and hands
 * out views of it; a view stays valid until the next `get`. The storage is the backend's
 * own, so kernels write into it without a copy; the old block is given back on growth.
 */
export class Workspace {
  private storage: FloatArray | null = null;
  private view: Tensor | null = null;

  get(shape: Shape, dtype: DType): Tensor {
    const size = sizeOf(shape);
    const view = this.view;
    if (view && view.dtype === dtype && view.shape.length === shape.length && view.shape.every((d, i) => d === shape[i])) return view;
    if (!this.storage || this.storage.length < size || !(dtype === 'float32' ? this.storage instanceof Float32Array : this.storage instanceof Float64Array)) {
      if (this.storage) getBackend().free(this.storage);
      this.storage = getBackend().alloc(dtype, size);
    }
    this.view = new Tensor(this.storage.subarray(0, size), shape, this.storage);
    return this.view;
  }
}
