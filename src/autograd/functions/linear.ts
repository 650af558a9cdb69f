import { getBackend } from '../../backend/index.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { matmul } from './matmul.js';
import { sumRows } from './sum_rows.js';
import { outputTensor } from './arena.js';

/**
 * DeZero's linear: y = x·W + b, b broadcast over the rows (b optional). The forward pass
 * is the Affine layer's: one GEMM and one row-vector add on the backend's kernels.
 *
 * An x given as a plain Tensor (a batch of data) is a constant, kept out of the graph's
 * inputs: nobody can ever read its gradient, so backward skips the gy·Wᵀ product for it,
 * as the layer network's first Affine skips its dx. Pass x as a Variable to get ∂L/∂x.
 */
export class Linear extends Function {
  readonly name = 'Linear';

  /** constantX: the input when it is data rather than a Variable; hasBias: whether b is an input. */
  constructor(readonly constantX: Tensor | null, readonly hasBias: boolean) {
    super();
  }

  forward(...xs: Tensor[]): Tensor {
    const [x, W, b] = (this.constantX ? [this.constantX, ...xs] : xs) as [Tensor, Tensor, Tensor | undefined];
    checkShapes(x, W, b);
    const [batch, inputs] = x.shape as [number, number];
    const outputs = W.shape[1]!;
    const out = outputTensor([batch, outputs], x.dtype);
    const backend = getBackend();
    backend.gemm(false, false, batch, outputs, inputs, x.data, 0, inputs, W.data, 0, outputs, 0, out.data, 0, outputs);
    if (b) backend.addRowVector(batch, outputs, out.data, b.data, out.data);
    return out;
  }

  backward(gy: Variable): Variable[] {
    const inputs = this.inputs;
    const x: Variable | Tensor = this.constantX ?? inputs[0]!;
    const W = inputs[this.constantX ? 0 : 1]!;
    const grads: Variable[] = [];
    if (!this.constantX) grads.push(matmul(gy, W, { transB: true }));
    grads.push(matmul(x, gy, { transA: true }));
    if (this.hasBias) grads.push(sumRows(gy)); // sumTo(gy, b.shape), on the kernel
    return grads;
  }
}

function checkShapes(x: Tensor, W: Tensor, b: Tensor | undefined): void {
  if (x.rank !== 2 || W.rank !== 2 || x.shape[1] !== W.shape[0]) {
    throw new RangeError(`linear: x ${formatShape(x.shape)} and W ${formatShape(W.shape)} do not make x·W (expected x [batch, in] and W [in, out])`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== W.shape[1])) {
    throw new RangeError(`linear: b has shape ${formatShape(b.shape)} but W ${formatShape(W.shape)} needs b of shape [${W.shape[1]}]`);
  }
  if (x.dtype !== W.dtype) throw new TypeError(`linear: x is ${x.dtype} but W is ${W.dtype}`);
}

/** y = x·W + b (b optional). An x given as a Tensor is a constant: see Linear. */
export function linear(x: VariableLike, W: VariableLike, b?: VariableLike | null): Variable {
  const hasBias = b !== undefined && b !== null;
  const rest = hasBias ? [W, b] : [W];
  if (x instanceof Tensor) return new Linear(x, hasBias).call(...rest);
  return new Linear(null, hasBias).call(x, ...rest);
}
