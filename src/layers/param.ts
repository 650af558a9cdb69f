import type { Tensor } from '../tensor/tensor.js';

/**
 * One learnable tensor of a layer and the gradient that its backward writes, under the
 * book's names: W/dW, b/db, gamma/dgamma, beta/dbeta. `grad` is the layer's own buffer,
 * overwritten by each backward; `value` is updated in place by an optimizer.
 */
export interface Param {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
}
