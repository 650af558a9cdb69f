import type { Tensor } from '../tensor/tensor.js';
import { checkParamsAndGrads, checkState, loadScalars, requirePositive, requireRate, Slots, type Optimizer, type OptimizerState } from './optimizer.js';

/** The book's Momentum: v ← momentum·v − lr·∂L/∂W; W ← W + v. */
export class Momentum implements Optimizer {
  readonly name = 'momentum';
  readonly lr: number;
  readonly momentum: number;
  private readonly slots = new Slots('Momentum', ['v']);

  constructor(lr = 0.01, momentum = 0.9) {
    this.lr = requirePositive('Momentum', 'lr', lr);
    this.momentum = requireRate('Momentum', 'momentum', momentum);
  }

  get options(): Readonly<Record<string, number>> {
    return { lr: this.lr, momentum: this.momentum };
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const keys = checkParamsAndGrads('Momentum', params, grads);
    this.slots.prepare(params, keys);
    const { lr, momentum } = this;
    for (const key of keys) {
      const p = params[key]!.data;
      const g = grads[key]!.data;
      const v = this.slots.get('v', key).data;
      for (let i = 0; i < p.length; i++) {
        v[i] = momentum * v[i]! - lr * g[i]!;
        p[i] = p[i]! + v[i]!;
      }
    }
  }

  state(): OptimizerState {
    return { scalars: {}, tensors: this.slots.save() };
  }

  loadState(state: OptimizerState): void {
    checkState('Momentum', state);
    loadScalars('Momentum', state.scalars, [], () => true);
    this.slots.load(state.tensors);
  }
}
