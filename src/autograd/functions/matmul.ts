import { matmul as matmulTensors } from '../../tensor/ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { outputTensor } from './arena.js';
import { Function, type Variable, type VariableLike } from '../core.js';

export interface MatMulOptions {
  /** Use aᵀ instead of a, never materialised (the backend's GEMM reads it transposed). */
  transA?: boolean;
  /** Use bᵀ instead of b. */
  transB?: boolean;
}

/**
 * y = op(a)·op(b) for 2-d a and b, op = transpose when asked. The gradients are matrix
 * products again, ∂op(a) = gy·op(b)ᵀ and ∂op(b) = op(a)ᵀ·gy, so backward only flips the
 * flags of new MatMuls: no transpose is ever copied, and with createGraph the gradients
 * can be differentiated again.
 */
export class MatMul extends Function {
  readonly name = 'MatMul';
  readonly transA: boolean;
  readonly transB: boolean;

  constructor(options: MatMulOptions = {}) {
    super();
    this.transA = options.transA ?? false;
    this.transB = options.transB ?? false;
  }

  forward(a: Tensor, b: Tensor): Tensor {
    const { transA, transB } = this;
    if (a.rank !== 2 || b.rank !== 2) return matmulTensors(a, b); // which refuses them, naming the shapes
    const out = outputTensor([a.shape[transA ? 1 : 0]!, b.shape[transB ? 0 : 1]!], a.dtype);
    return matmulTensors(a, b, { transA, transB, out });
  }

  backward(gy: Variable): Variable[] {
    const [a, b] = this.inputs as [Variable, Variable];
    const { transA, transB } = this;
    // gA: gy·op(b)ᵀ, transposed back when a was used transposed (then (gy·op(b)ᵀ)ᵀ = op(b)·gyᵀ).
    const ga = transA ? matmul(b, gy, { transA: transB, transB: true }) : matmul(gy, b, { transB: !transB });
    // gB: op(a)ᵀ·gy, likewise (then gyᵀ·op(a)).
    const gb = transB ? matmul(gy, a, { transA: true, transB: transA }) : matmul(a, gy, { transA: !transA });
    return [ga, gb];
  }
}

export function matmul(a: VariableLike, b: VariableLike, options: MatMulOptions = {}): Variable {
  return new MatMul(options).call(a, b);
}
