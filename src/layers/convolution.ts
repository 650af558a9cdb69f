import type { ConvGeometry } from '../backend/backend.js';
import { convGeometry } from '../backend/conv_geometry.js';
import { getBackend } from '../backend/index.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward } from './check.js';
import type { Layer } from './layer.js';
import type { Param } from './param.js';

export interface ConvolutionOptions {
  stride?: number;
  pad?: number;
}

/**
 * The book's Convolution: im2col turns every window of x into a row, so the convolution is
 * one matrix product with the filters, col·Wᵀ + b, and its backward is the Affine layer's
 * (dW = doutᵀ·col, dcol = dout·W) followed by col2im.
 */
export class Convolution implements Layer {
  readonly name = 'Convolution';
  readonly W: Tensor; // [FN, C, FH, FW]
  readonly b: Tensor; // [FN]
  readonly dW: Tensor; // [FN, C, FH, FW]
  readonly db: Tensor; // [FN]
  readonly stride: number;
  readonly pad: number;
  private g: ConvGeometry | null = null; // the last forward's sweep
  private col: Tensor | null = null; // [N·OH·OW, C·FH·FW], the windows of x, kept for dW
  private readonly colBuffer = new Workspace();
  // [N·OH·OW, FN]: the product before it is turned to NCHW in forward, dout turned back in backward
  private readonly rowsBuffer = new Workspace();
  private readonly outBuffer = new Workspace(); // [N, FN, OH, OW]
  private readonly dxBuffer = new Workspace(); // [N, C, H, W]

  constructor(W: Tensor, b: Tensor, options: ConvolutionOptions = {}) {
    if (W.rank !== 4) throw new RangeError(`Convolution: W must be 4-d [FN, C, FH, FW], got ${formatShape(W.shape)}`);
    if (b.rank !== 1 || b.shape[0] !== W.shape[0]) throw new RangeError(`Convolution: b has shape ${formatShape(b.shape)} but W ${formatShape(W.shape)} needs b of shape [${W.shape[0]}]`);
    if (W.dtype !== b.dtype) throw new TypeError(`Convolution: W is ${W.dtype} but b is ${b.dtype}`);
    const { stride = 1, pad = 0 } = options;
    if (!Number.isSafeInteger(stride) || stride < 1) throw new RangeError(`Convolution: stride must be an integer ≥ 1, got ${stride}`);
    if (!Number.isSafeInteger(pad) || pad < 0) throw new RangeError(`Convolution: pad must be an integer ≥ 0, got ${pad}`);
    this.W = W;
    this.b = b;
    this.stride = stride;
    this.pad = pad;
    this.dW = Tensor.zeros(W.shape, W.dtype, 'backend');
    this.db = Tensor.zeros(b.shape, b.dtype, 'backend');
  }

  /** trainFlg is accepted for the Layer contract: a convolution is the same in training and test. */
  forward(x: Tensor, _trainFlg?: boolean): Tensor {
    const [fn, c, fh, fw] = this.W.shape as [number, number, number, number];
    if (x.rank !== 4 || x.shape[1] !== c) {
      throw new RangeError(`Convolution: input ${formatShape(x.shape)} does not match W ${formatShape(this.W.shape)} (expected [batch, ${c}, height, width])`);
    }
    if (x.dtype !== this.W.dtype) throw new TypeError(`Convolution: input is ${x.dtype} but W is ${this.W.dtype}`);
    const [n, , h, w] = x.shape as [number, number, number, number];
    const g = convGeometry(this.name, { n, c, h, w, fh, fw, stride: this.stride, pad: this.pad });
    const positions = g.oh * g.ow;
    const k = c * fh * fw;
    const backend = getBackend();
    const col = this.colBuffer.get([n * positions, k], x.dtype);
    backend.im2col(g, x.data, col.data);
    const rows = this.rowsBuffer.get([n * positions, fn], x.dtype);
    // rows = col·Wᵀ + b, W read as [FN, C·FH·FW]
    backend.gemm(false, true, n * positions, fn, k, col.data, 0, k, this.W.data, 0, k, 0, rows.data, 0, fn);
    backend.addRowVector(n * positions, fn, rows.data, this.b.data, rows.data);
    const out = this.outBuffer.get([n, fn, g.oh, g.ow], x.dtype);
    backend.transposeBatch(n, positions, fn, rows.data, out.data);
    this.g = g;
    this.col = col;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const g = requireForward(this.name, this.g);
    const col = this.backwardParams(dout);
    const [fn, c, fh, fw] = this.W.shape as [number, number, number, number];
    const rowCount = g.n * g.oh * g.ow;
    const k = c * fh * fw;
    const rows = this.rowsBuffer.get([rowCount, fn], dout.dtype); // dout as [N·OH·OW, FN], from backwardParams
    const backend = getBackend();
    // dcol = rows·W [N·OH·OW, C·FH·FW], written over col, which nothing needs after dW: a
    // second backward without a new forward is refused rather than fed the wrong windows.
    backend.gemm(false, false, rowCount, k, fn, rows.data, 0, fn, this.W.data, 0, k, 0, col.data, 0, k);
    const dx = this.dxBuffer.get([g.n, g.c, g.h, g.w], dout.dtype);
    backend.col2im(g, col.data, dx.data);
    return dx;
  }

  /**
   * dW and db only. The first layer of a network has nothing below it to pass ∂L/∂x to and
   * stops here, skipping a product and a col2im. Returns the col buffer, which backward
   * then reuses for dcol; after this call the forward's windows count as spent.
   */
  backwardParams(dout: Tensor): Tensor {
    const g = requireForward(this.name, this.g);
    const col = requireForward(this.name, this.col);
    const [fn, c, fh, fw] = this.W.shape as [number, number, number, number];
    if (dout.rank !== 4 || dout.shape[0] !== g.n || dout.shape[1] !== fn || dout.shape[2] !== g.oh || dout.shape[3] !== g.ow) {
      throw new RangeError(`Convolution: dout has shape ${formatShape(dout.shape)} but the forward output has shape [${g.n}, ${fn}, ${g.oh}, ${g.ow}]`);
    }
    if (dout.dtype !== this.W.dtype) throw new TypeError(`Convolution: dout is ${dout.dtype} but W is ${this.W.dtype}`);
    const positions = g.oh * g.ow;
    const rowCount = g.n * positions;
    const k = c * fh * fw;
    const backend = getBackend();
    const rows = this.rowsBuffer.get([rowCount, fn], dout.dtype);
    backend.transposeBatch(g.n, fn, positions, dout.data, rows.data);
    backend.sumRows(rowCount, fn, rows.data, this.db.data);
    // dW = rowsᵀ·col [FN, C·FH·FW]
    backend.gemm(true, false, fn, k, rowCount, rows.data, 0, fn, col.data, 0, k, 0, this.dW.data, 0, k);
    this.col = null;
    return col;
  }

  params(): readonly Param[] {
    return [
      { name: 'W', value: this.W, grad: this.dW },
      { name: 'b', value: this.b, grad: this.db },
    ];
  }
}
