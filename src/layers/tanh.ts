import type { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward, requireSameShape } from './check.js';
import type { Layer } from './layer.js';
import type { Param } from './param.js';

/** y = tanh(x); ∂y/∂x = 1 − y², so only y is kept. */
export class Tanh implements Layer {
  readonly name = 'Tanh';
  private out: Tensor | null = null;
  private readonly outBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  forward(x: Tensor, _trainFlg = true): Tensor {
    const out = this.outBuffer.get(x.shape, x.dtype);
    const xs = x.data;
    const ys = out.data;
    for (let i = 0; i < xs.length; i++) ys[i] = Math.tanh(xs[i]!);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = requireForward(this.name, this.out);
    requireSameShape(this.name, 'dout', dout, out, 'the forward output');
    const dx = this.dxBuffer.get(dout.shape, dout.dtype);
    const d = dout.data;
    const y = out.data;
    const g = dx.data;
    for (let i = 0; i < d.length; i++) g[i] = d[i]! * (1 - y[i]! * y[i]!);
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }
}
