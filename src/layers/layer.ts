import type { Tensor } from '../tensor/tensor.js';
import type { Param } from './param.js';

/**
 * A node of the computational graph: forward computes the output and keeps only what
 * backward needs; backward takes ∂L/∂out and returns ∂L/∂in. Backward never modifies
 * its argument. The tensor a layer returns is its own buffer, overwritten by its next
 * call: clone() it to keep it.
 *
 * `trainFlg` is the book's train_flg: Dropout drops and BatchNormalization uses the
 * batch's statistics only in training; every other layer ignores it. A layer with
 * learnable tensors lists them in params() under the book's names (W/dW, b/db,
 * gamma/dgamma, beta/dbeta); tensors saved with a model but not learned (BatchNorm's
 * running statistics) are its buffers(); state that an exact resume must restore
 * (Dropout's generator) comes from state() and goes back with loadState().
 */
export interface Layer {
  readonly name: string;
  forward(x: Tensor, trainFlg?: boolean): Tensor;
  backward(dout: Tensor): Tensor;
  params?(): readonly Param[];
  buffers?(): Record<string, Tensor>;
  state?(): unknown;
  loadState?(state: never): void;
}
