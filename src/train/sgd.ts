import { getBackend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';

/** Stochastic gradient descent: W ← W − lr · ∂L/∂W, in place. */
export class SGD {
  constructor(readonly learningRate: number) {
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new RangeError(`SGD: learning rate must be a positive number, got ${learningRate}`);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const backend = getBackend();
    for (const key of Object.keys(params)) {
      const param = params[key]!;
      const grad = grads[key];
      if (!grad || grad.size !== param.size) throw new RangeError(`SGD: no gradient of matching size for parameter ${key}`);
      backend.axpy(param.size, -this.learningRate, grad.data, param.data);
    }
  }
}
