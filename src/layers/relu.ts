import { getBackend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward, requireSameShape } from './check.js';
import type { Layer } from './layer.js';

/** y = max(x, 0); ∂y/∂x = 1 where x > 0. */
export class Relu implements Layer {
  readonly name = 'Relu';
  private out: Tensor | null = null; // forward output; y > 0 is exactly the book's mask
  private readonly outBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  /** trainFlg is accepted for the Layer contract and ignored: the same in training and test. */
  forward(x: Tensor, _trainFlg?: boolean): Tensor {
    const out = this.outBuffer.get(x.shape, x.dtype);
    getBackend().reluForward(x.size, x.data, out.data);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = requireForward(this.name, this.out);
    requireSameShape(this.name, 'dout', dout, out, 'the forward output');
    const dx = this.dxBuffer.get(dout.shape, dout.dtype);
    getBackend().reluBackward(dout.size, dout.data, out.data, dx.data);
    return dx;
  }
}
