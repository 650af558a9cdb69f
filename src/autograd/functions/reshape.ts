import { sameShape } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { asVariable, Function, type Variable, type VariableLike } from '../core.js';

/**
 * The same values in another shape. Like NumPy's, the result is a view sharing x's
 * storage; nothing in the graph writes into a tensor in place, so that is safe.
 */
export class Reshape extends Function {
  readonly name = 'Reshape';
  constructor(readonly shape: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.reshape([...this.shape]);
  }
  backward(gy: Variable): Variable[] {
    return [reshape(gy, this.inputs[0]!.shape)];
  }
}

/** x in `shape` (one dimension may be -1); x itself when the shape is already that. */
export function reshape(x: VariableLike, shape: readonly number[]): Variable {
  const v = asVariable(x);
  if (!Array.isArray(shape)) throw new TypeError(`reshape: shape must be a list of numbers, got ${typeof shape}`);
  const resolved = v.data.reshape([...shape]).shape; // throws for a shape that does not fit
  return sameShape(v.shape, resolved) ? v : new Reshape(resolved).call(v);
}
