import { getBackend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkParamsAndGrads, checkState, loadScalars, requirePositive, requireRate, Slots, type Optimizer, type OptimizerState } from './optimizer.js';

/**
 * The book's Adam, with the bias correction folded into the step size:
 * lr_t = lr·√(1 − beta2^iter) / (1 − beta1^iter);
 * m ← m + (1 − beta1)(g − m); v ← v + (1 − beta2)(g² − v); W ← W − lr_t·m / (√v + 1e-7).
 */
/** The book's guard against dividing by √v = 0. */
const ADAM_EPS = 1e-7;

export class Adam implements Optimizer {
  readonly name = 'adam';
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  /** Updates taken so far; the bias correction depends on it, so it is saved. */
  iter = 0;
  private readonly slots = new Slots('Adam', ['m', 'v']);

  constructor(lr = 0.001, beta1 = 0.9, beta2 = 0.999) {
    this.lr = requirePositive('Adam', 'lr', lr);
    this.beta1 = requireRate('Adam', 'beta1', beta1);
    this.beta2 = requireRate('Adam', 'beta2', beta2);
  }

  get options(): Readonly<Record<string, number>> {
    return { lr: this.lr, beta1: this.beta1, beta2: this.beta2 };
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const keys = checkParamsAndGrads('Adam', params, grads);
    this.slots.prepare(params, keys);
    this.iter += 1;
    const { beta1, beta2 } = this;
    const lrT = (this.lr * Math.sqrt(1.0 - beta2 ** this.iter)) / (1.0 - beta1 ** this.iter);
    const rest1 = 1 - beta1;
    const rest2 = 1 - beta2;
    const backend = getBackend();
    for (const key of keys) {
      const p = params[key]!.data;
      backend.adamUpdate(p.length, lrT, rest1, rest2, ADAM_EPS, p, grads[key]!.data, this.slots.get('m', key).data, this.slots.get('v', key).data);
    }
  }

  state(): OptimizerState {
    return { scalars: { iter: this.iter }, tensors: this.slots.save() };
  }

  loadState(state: OptimizerState): void {
    checkState('Adam', state);
    const scalars = loadScalars('Adam', state.scalars, ['iter'], (_, v) => Number.isInteger(v) && v >= 0);
    this.slots.load(state.tensors);
    this.iter = scalars.iter!;
  }
}
