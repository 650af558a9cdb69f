import { getBackend } from '../backend/index.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward, requireSameShape } from './check.js';
import type { Layer } from './layer.js';
import type { Param } from './param.js';

/**
 * y = softmax over the last axis, for users who want probabilities on their own; training
 * uses SoftmaxWithLoss, whose fused gradient is cheaper. With ∂y_j/∂x_k = y_j(δ_jk − y_k),
 * the backward pass is the Jacobian–vector product dx = y · (dout − Σ_j dout_j · y_j) per row,
 * so only y is kept.
 */
export class Softmax implements Layer {
  readonly name = 'Softmax';
  private out: Tensor | null = null;
  private readonly outBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  forward(x: Tensor, _trainFlg = true): Tensor {
    if (x.rank === 0 || x.size === 0) throw new RangeError(`Softmax: input must have at least one axis and one value, got ${formatShape(x.shape)}`);
    const cols = x.shape[x.rank - 1]!;
    const out = this.outBuffer.get(x.shape, x.dtype);
    getBackend().softmaxRows(x.size / cols, cols, x.data, out.data);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = requireForward(this.name, this.out);
    requireSameShape(this.name, 'dout', dout, out, 'the forward output');
    const cols = out.shape[out.rank - 1]!;
    const rows = out.size / cols;
    const dx = this.dxBuffer.get(dout.shape, dout.dtype);
    const d = dout.data;
    const y = out.data;
    const g = dx.data;
    for (let r = 0; r < rows; r++) {
      const start = r * cols;
      let dot = 0;
      for (let j = start; j < start + cols; j++) dot += d[j]! * y[j]!;
      for (let j = start; j < start + cols; j++) g[j] = y[j]! * (d[j]! - dot);
    }
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }
}
