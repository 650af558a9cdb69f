import { mul, sumTo } from '../tensor/ops.js';
import type { Tensor } from '../tensor/tensor.js';
import { requireForward } from './check.js';

/** A number, or a tensor: the seed's graph nodes work on both. */
export type Value = number | Tensor;

/** out = x · y. Local gradients: ∂out/∂x = y, ∂out/∂y = x, so both inputs are kept. */
export class MulLayer<T extends Value = number> {
  private x: T | null = null;
  private y: T | null = null;

  forward(x: T, y: T): T {
    this.x = x;
    this.y = y;
    return multiply(x, y) as T;
  }

  backward(dout: T): [T, T] {
    const x = requireForward('MulLayer', this.x);
    const y = requireForward('MulLayer', this.y);
    return [reduceTo(multiply(dout, y), x) as T, reduceTo(multiply(dout, x), y) as T];
  }
}

function multiply(a: Value, b: Value): Value {
  return typeof a === 'number' && typeof b === 'number' ? a * b : mul(a, b);
}

/** A gradient has its input's shape: undo any broadcasting that forward did. */
export function reduceTo(gradient: Value, input: Value): Value {
  if (typeof input === 'number') return typeof gradient === 'number' ? gradient : sumTo(gradient, []).item();
  return typeof gradient === 'number' ? gradient : sumTo(gradient, input.shape);
}
