import { getBackend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward, requireSameShape } from './check.js';
import type { Layer } from './layer.js';

/** y = 1 / (1 + exp(−x)); ∂y/∂x = y(1 − y), so only y is kept. */
export class Sigmoid implements Layer {
  readonly name = 'Sigmoid';
  private out: Tensor | null = null;
  private readonly outBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  /** trainFlg is accepted for the Layer contract and ignored: the same in training and test. */
  forward(x: Tensor, _trainFlg?: boolean): Tensor {
    const out = this.outBuffer.get(x.shape, x.dtype);
    getBackend().sigmoidForward(x.size, x.data, out.data);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = requireForward(this.name, this.out);
    requireSameShape(this.name, 'dout', dout, out, 'the forward output');
    const dx = this.dxBuffer.get(dout.shape, dout.dtype);
    getBackend().sigmoidBackward(dout.size, dout.data, out.data, dx.data);
    return dx;
  }
}
