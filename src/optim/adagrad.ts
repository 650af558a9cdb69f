import type { Tensor } from '../tensor/tensor.js';
import { checkParamsAndGrads, checkState, loadScalars, requirePositive, Slots, type Optimizer, type OptimizerState } from './optimizer.js';

/** The book's AdaGrad: h ← h + g²; W ← W − lr·g / (√h + 1e-7). */
export class AdaGrad implements Optimizer {
  readonly name = 'adagrad';
  readonly lr: number;
  private readonly slots = new Slots('AdaGrad', ['h']);

  constructor(lr = 0.01) {
    this.lr = requirePositive('AdaGrad', 'lr', lr);
  }

  get options(): Readonly<Record<string, number>> {
    return { lr: this.lr };
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const keys = checkParamsAndGrads('AdaGrad', params, grads);
    this.slots.prepare(params, keys);
    const lr = this.lr;
    for (const key of keys) {
      const p = params[key]!.data;
      const g = grads[key]!.data;
      const h = this.slots.get('h', key).data;
      for (let i = 0; i < p.length; i++) {
        h[i] = h[i]! + g[i]! * g[i]!;
        p[i] = p[i]! - (lr * g[i]!) / (Math.sqrt(h[i]!) + 1e-7);
      }
    }
  }

  state(): OptimizerState {
    return { scalars: {}, tensors: this.slots.save() };
  }

  loadState(state: OptimizerState): void {
    checkState('AdaGrad', state);
    loadScalars('AdaGrad', state.scalars, [], () => true);
    this.slots.load(state.tensors);
  }
}
