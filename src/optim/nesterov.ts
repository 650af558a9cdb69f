import type { Tensor } from '../tensor/tensor.js';
import { checkParamsAndGrads, checkState, loadScalars, requirePositive, requireRate, Slots, type Optimizer, type OptimizerState } from './optimizer.js';

/**
 * Nesterov's accelerated gradient in the book's common/optimizer.py form, which takes the
 * look-ahead step without evaluating the gradient at a second point:
 * v ← momentum·v − lr·g; W ← W + momentum²·v − (1 + momentum)·lr·g.
 */
export class Nesterov implements Optimizer {
  readonly name = 'nesterov';
  readonly lr: number;
  readonly momentum: number;
  private readonly slots = new Slots('Nesterov', ['v']);

  constructor(lr = 0.01, momentum = 0.9) {
    this.lr = requirePositive('Nesterov', 'lr', lr);
    this.momentum = requireRate('Nesterov', 'momentum', momentum);
  }

  get options(): Readonly<Record<string, number>> {
    return { lr: this.lr, momentum: this.momentum };
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const keys = checkParamsAndGrads('Nesterov', params, grads);
    this.slots.prepare(params, keys);
    const { lr, momentum } = this;
    const momentum2 = momentum * momentum;
    const gradScale = (1 + momentum) * lr;
    for (const key of keys) {
      const p = params[key]!.data;
      const g = grads[key]!.data;
      const v = this.slots.get('v', key).data;
      for (let i = 0; i < p.length; i++) {
        v[i] = v[i]! * momentum - lr * g[i]!;
        p[i] = p[i]! + momentum2 * v[i]! - gradScale * g[i]!;
      }
    }
  }

  state(): OptimizerState {
    return { scalars: {}, tensors: this.slots.save() };
  }

  loadState(state: OptimizerState): void {
    checkState('Nesterov', state);
    loadScalars('Nesterov', state.scalars, [], () => true);
    this.slots.load(state.tensors);
  }
}
