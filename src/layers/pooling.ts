import type { ConvGeometry } from '../backend/backend.js';
import { convGeometry } from '../backend/conv_geometry.js';
import { getBackend } from '../backend/index.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward } from './check.js';
import type { Layer } from './layer.js';

export interface PoolingOptions {
  /** Step between windows; the book's default, 2, is also ours. */
  stride?: number;
  pad?: number;
}

/**
 * Max pooling over poolH×poolW windows of each channel. Forward keeps only the position
 * of each window's maximum, which is all backward needs to route the gradient there.
 * Padding never wins a window (PyTorch's rule; the book pads with zeros, the same after a
 * Relu), so pad may be at most half the window.
 */
export class Pooling implements Layer {
  readonly name = 'Pooling';
  readonly poolH: number;
  readonly poolW: number;
  readonly stride: number;
  readonly pad: number;
  private g: ConvGeometry | null = null;
  private argmax = new Int32Array(0); // [N, C, OH, OW]: index of the max in its image plane
  private readonly outBuffer = new Workspace(); // [N, C, OH, OW]
  private readonly dxBuffer = new Workspace(); // [N, C, H, W]

  constructor(poolH: number, poolW: number, options: PoolingOptions = {}) {
    const { stride = 2, pad = 0 } = options;
    for (const [name, value, min] of [['poolH', poolH, 1], ['poolW', poolW, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
      if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`Pooling: ${name} must be an integer ≥ ${min}, got ${value}`);
    }
    if (2 * pad > poolH || 2 * pad > poolW) throw new RangeError(`Pooling: pad ${pad} must be at most half the ${poolH}×${poolW} window`);
    this.poolH = poolH;
    this.poolW = poolW;
    this.stride = stride;
    this.pad = pad;
  }

  /** trainFlg is accepted for the Layer contract and ignored: pooling is the same in training and test. */
  forward(x: Tensor, _trainFlg?: boolean): Tensor {
    if (x.rank !== 4) throw new RangeError(`Pooling: input must be 4-d [batch, channels, height, width], got ${formatShape(x.shape)}`);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const g = convGeometry(this.name, { n, c, h, w, fh: this.poolH, fw: this.poolW, stride: this.stride, pad: this.pad });
    const out = this.outBuffer.get([n, c, g.oh, g.ow], x.dtype);
    if (this.argmax.length < out.size) this.argmax = new Int32Array(out.size);
    getBackend().maxPoolForward(g, x.data, out.data, this.argmax);
    this.g = g;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const g = requireForward(this.name, this.g);
    if (dout.rank !== 4 || dout.shape[0] !== g.n || dout.shape[1] !== g.c || dout.shape[2] !== g.oh || dout.shape[3] !== g.ow) {
      throw new RangeError(`Pooling: dout has shape ${formatShape(dout.shape)} but the forward output has shape [${g.n}, ${g.c}, ${g.oh}, ${g.ow}]`);
    }
    const dx = this.dxBuffer.get([g.n, g.c, g.h, g.w], dout.dtype);
    getBackend().maxPoolBackward(g, dout.data, this.argmax, dx.data);
    return dx;
  }
}
