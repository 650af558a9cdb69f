import type { Tensor } from '../tensor/tensor.js';
import { checkParamsAndGrads, checkState, loadScalars, requirePositive, requireRate, Slots, type Optimizer, type OptimizerState } from './optimizer.js';

/** The book's RMSprop: h ← decayRate·h + (1 − decayRate)·g²; W ← W − lr·g / (√h + 1e-7). */
export class RMSprop implements Optimizer {
  readonly name = 'rmsprop';
  readonly lr: number;
  readonly decayRate: number;
  private readonly slots = new Slots('RMSprop', ['h']);

  constructor(lr = 0.01, decayRate = 0.99) {
    this.lr = requirePositive('RMSprop', 'lr', lr);
    this.decayRate = requireRate('RMSprop', 'decayRate', decayRate);
  }

  get options(): Readonly<Record<string, number>> {
    return { lr: this.lr, decayRate: this.decayRate };
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const keys = checkParamsAndGrads('RMSprop', params, grads);
    this.slots.prepare(params, keys);
    const { lr, decayRate } = this;
    const rest = 1 - decayRate;
    for (const key of keys) {
      const p = params[key]!.data;
      const g = grads[key]!.data;
      const h = this.slots.get('h', key).data;
      for (let i = 0; i < p.length; i++) {
        h[i] = h[i]! * decayRate + rest * g[i]! * g[i]!;
        p[i] = p[i]! - (lr * g[i]!) / (Math.sqrt(h[i]!) + 1e-7);
      }
    }
  }

  state(): OptimizerState {
    return { scalars: {}, tensors: this.slots.save() };
  }

  loadState(state: OptimizerState): void {
    checkState('RMSprop', state);
    loadScalars('RMSprop', state.scalars, [], () => true);
    this.slots.load(state.tensors);
  }
}
