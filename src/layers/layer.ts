import type { Tensor } from '../tensor/tensor.js';

/**
 * A node of the computational graph: forward computes the output and keeps only what
 * backward needs; backward takes ∂L/∂out and returns ∂L/∂in. Backward never modifies
 * its argument. The tensor a layer returns is its own buffer, overwritten by its next
 * call: clone() it to keep it.
 */
export interface Layer {
  readonly name: string;
  forward(x: Tensor): Tensor;
  backward(dout: Tensor): Tensor;
}
