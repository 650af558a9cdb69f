import { map } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';

/** y = xᶜ for a constant c; ∂y/∂x = c·xᶜ⁻¹. */
export class Pow extends Function {
  readonly name = 'Pow';
  constructor(readonly c: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return map(x, (v) => v ** this.c);
  }
  backward(gy: Variable): Variable[] {
    const x = this.inputs[0]!;
    return [mul(mul(gy, this.c), pow(x, this.c - 1))];
  }
}

export function pow(x: VariableLike, c: number): Variable {
  if (typeof c !== 'number' || !Number.isFinite(c)) throw new TypeError(`pow: the exponent must be a finite number, got ${String(c)}`);
  return new Pow(c).call(x);
}
