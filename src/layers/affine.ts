import { getBackend } from '../backend/index.js';
import { ByteImages } from '../tensor/byte_images.js';
import { formatShape } from '../tensor/shape.js';
import { SparseRows } from '../tensor/sparse_images.js';
import { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward } from './check.js';
import type { Layer } from './layer.js';
import type { Param } from './param.js';

/**
 * out = x·W + b over a batch; x of any rank is read as [batch, features]. x may also be
 * images kept as bytes (ByteImages), or rows of images kept as their nonzero pixels
 * (SparseRows): a network's first layer then reads the pixels themselves, skipping the zero
 * ones, and no float copy of the batch is ever made.
 */
export class Affine implements Layer {
  readonly name = 'Affine';
  readonly W: Tensor; // [in, out]
  readonly b: Tensor; // [out]
  readonly dW: Tensor; // [in, out]
  readonly db: Tensor; // [out]
  private x: Tensor | ByteImages | SparseRows | null = null; // [batch, in], the flattened input, kept for dW
  private inputShape: readonly number[] = [];
  private readonly outBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  constructor(W: Tensor, b: Tensor) {
    if (W.rank !== 2) throw new RangeError(`Affine: W must be 2-d [in, out], got ${formatShape(W.shape)}`);
    if (b.rank !== 1 || b.shape[0] !== W.shape[1]) throw new RangeError(`Affine: b has shape ${formatShape(b.shape)} but W ${formatShape(W.shape)} needs b of shape [${W.shape[1]}]`);
    if (W.dtype !== b.dtype) throw new TypeError(`Affine: W is ${W.dtype} but b is ${b.dtype}`);
    this.W = W;
    this.b = b;
    // Written by a kernel every step and read by the optimizer: the backend's own storage.
    this.dW = Tensor.zeros(W.shape, W.dtype, 'backend');
    this.db = Tensor.zeros(b.shape, b.dtype, 'backend');
  }

  /** trainFlg is accepted for the Layer contract: an Affine layer is the same in training and test. */
  forward(x: Tensor | ByteImages | SparseRows, _trainFlg?: boolean): Tensor {
    if (x instanceof ByteImages || x instanceof SparseRows) return this.forwardBytes(x);
    const [inputs, outputs] = this.W.shape as [number, number];
    const batch = x.rank === 0 ? 0 : x.shape[0]!;
    if (x.rank === 0 || batch * inputs !== x.size) {
      throw new RangeError(`Affine: input ${formatShape(x.shape)} does not match W ${formatShape(this.W.shape)} (expected [batch, ${inputs}] or [batch, ...] with ${inputs} values per row)`);
    }
    if (x.dtype !== this.W.dtype) throw new TypeError(`Affine: input is ${x.dtype} but W is ${this.W.dtype}`);
    this.inputShape = x.shape;
    this.x = x.rank === 2 ? x : x.reshape(batch, inputs);
    const out = this.outBuffer.get([batch, outputs], x.dtype);
    const backend = getBackend();
    backend.gemm(false, false, batch, outputs, inputs, this.x.data, 0, inputs, this.W.data, 0, outputs, 0, out.data, 0, outputs);
    backend.addRowVector(batch, outputs, out.data, this.b.data, out.data);
    return out;
  }

  private forwardBytes(x: ByteImages | SparseRows): Tensor {
    const [inputs, outputs] = this.W.shape as [number, number];
    if (x.rowSize !== inputs) {
      throw new RangeError(`Affine: input ${formatShape(x.shape)} does not match W ${formatShape(this.W.shape)} (expected [batch, ${inputs}] or [batch, ...] with ${inputs} values per row)`);
    }
    if (x.dtype !== this.W.dtype) throw new TypeError(`Affine: input is ${x.dtype} but W is ${this.W.dtype}`);
    this.inputShape = x.shape;
    this.x = x;
    const batch = x.shape[0]!;
    const out = this.outBuffer.get([batch, outputs], x.dtype);
    const backend = getBackend();
    if (x instanceof SparseRows) {
      const { offsets, columns, values } = x.images;
      backend.gemmSparseBytes(false, batch, outputs, inputs, x.rows, offsets, columns, values, x.scale, this.W.data, 0, outputs, 0, out.data, 0, outputs);
    } else {
      backend.gemmBytes(false, batch, outputs, inputs, x.bytes, 0, inputs, x.scale, this.W.data, 0, outputs, 0, out.data, 0, outputs);
    }
    backend.addRowVector(batch, outputs, out.data, this.b.data, out.data);
    return out;
  }

  backward(dout: Tensor): Tensor {
    this.backwardParams(dout);
    const [inputs, outputs] = this.W.shape as [number, number];
    const batch = dout.shape[0]!;
    // dx = dout·Wᵀ [batch, in], handed back in the input's own shape
    const dx = this.dxBuffer.get(this.inputShape, dout.dtype);
    getBackend().gemm(false, true, batch, inputs, outputs, dout.data, 0, outputs, this.W.data, 0, outputs, 0, dx.data, 0, inputs);
    return dx;
  }

  /**
   * dW and db only. The first layer of a network has nothing below it to pass ∂L/∂x to,
   * so skipping dx there saves a whole matrix product per step.
   */
  backwardParams(dout: Tensor): void {
    const x = requireForward(this.name, this.x);
    const [inputs, outputs] = this.W.shape as [number, number];
    const batch = x.shape[0]!;
    if (dout.rank !== 2 || dout.shape[0] !== batch || dout.shape[1] !== outputs) {
      throw new RangeError(`Affine: dout has shape ${formatShape(dout.shape)} but the forward output has shape [${batch}, ${outputs}]`);
    }
    if (dout.dtype !== this.W.dtype) throw new TypeError(`Affine: dout is ${dout.dtype} but W is ${this.W.dtype}`);
    const backend = getBackend();
    // dW = xᵀ·dout [in, out]; db = Σ_batch dout [out]
    if (x instanceof ByteImages) {
      backend.gemmBytes(true, inputs, outputs, batch, x.bytes, 0, inputs, x.scale, dout.data, 0, outputs, 0, this.dW.data, 0, outputs);
    } else if (x instanceof SparseRows) {
      const { offsets, columns, values } = x.images;
      backend.gemmSparseBytes(true, inputs, outputs, batch, x.rows, offsets, columns, values, x.scale, dout.data, 0, outputs, 0, this.dW.data, 0, outputs);
    } else {
      backend.gemm(true, false, inputs, outputs, batch, x.data, 0, inputs, dout.data, 0, outputs, 0, this.dW.data, 0, outputs);
    }
    backend.sumRows(batch, outputs, dout.data, this.db.data);
  }

  params(): readonly Param[] {
    return [
      { name: 'W', value: this.W, grad: this.dW },
      { name: 'b', value: this.b, grad: this.db },
    ];
  }
}
