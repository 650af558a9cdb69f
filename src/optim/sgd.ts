import { getBackend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkParamsAndGrads, checkState, loadScalars, requirePositive, Slots, type Optimizer, type OptimizerState } from './optimizer.js';

/** Stochastic gradient descent: W ← W − lr·∂L/∂W. It keeps no state. */
export class SGD implements Optimizer {
  readonly name = 'sgd';
  readonly lr: number;
  private readonly slots = new Slots('SGD', []);

  constructor(lr = 0.01) {
    this.lr = requirePositive('SGD', 'lr', lr);
  }

  get options(): Readonly<Record<string, number>> {
    return { lr: this.lr };
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const backend = getBackend();
    for (const key of checkParamsAndGrads('SGD', params, grads)) {
      // p + (−lr)·g rounds exactly as p − lr·g: negation is exact.
      backend.axpy(params[key]!.size, -this.lr, grads[key]!.data, params[key]!.data);
    }
  }

  state(): OptimizerState {
    return { scalars: {}, tensors: {} };
  }

  loadState(state: OptimizerState): void {
    checkState('SGD', state);
    loadScalars('SGD', state.scalars, [], () => true);
    this.slots.load(state.tensors);
  }
}
