// Backward checked against central differences, for any function of Variables: the
// autograd counterpart of checking a layer (test/layers/check_layer.ts does the same).

import { numericalGradient, NUMERICAL_H } from '../gradient/numerical_gradient.js';
import { sameShape } from '../tensor/ops.js';
import { Random } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad, Variable } from './core.js';

export interface AutogradCheckOptions {
  /** Central-difference step (default 1e-4, as numericalGradient's). */
  h?: number;
  /** Seed of the random weights w in L = Σ f(...)·w (default 0). */
  seed?: number;
}

export interface InputGradientCheck {
  /** max |backward − numerical| over the input's entries. */
  maxAbsDiff: number;
  /** max |backward − numerical| / max(1, |numerical|). */
  maxRelDiff: number;
  /** ∂L/∂input from backward(). */
  backward: Tensor;
  /** ∂L/∂input by central differences. */
  numerical: Tensor;
}

/**
 * For each input, ∂L/∂input from backward() against central differences, where
 * L = Σ f(...inputs)·w for a fixed random w, so that every entry of the output counts
 * with its own weight. Everything runs in float64 on copies of the inputs: the caller's
 * tensors and variables (and their grads) are left as they were.
 */
export function gradientCheckAutograd(f: (...xs: Variable[]) => Variable, inputs: readonly (Tensor | Variable)[], options: AutogradCheckOptions = {}): InputGradientCheck[] {
  const { h = NUMERICAL_H, seed = 0 } = options;
  const xs = inputs.map((x, i) => {
    const data = x instanceof Variable ? x.data : x;
    if (!(data instanceof Tensor)) throw new TypeError(`gradientCheckAutograd: input ${i} must be a Tensor or a Variable`);
    return new Variable(data.clone('float64'));
  });
  const y = f(...xs);
  if (!(y instanceof Variable)) throw new TypeError('gradientCheckAutograd: f must return a Variable');
  const rng = new Random(seed);
  const w = Tensor.empty(y.shape, 'float64');
  for (let i = 0; i < w.size; i++) w.data[i] = rng.uniform() * 2 - 1;
  y.grad = new Variable(w);
  y.backward();
  const loss = (): number =>
    noGrad(() => {
      const out = f(...xs).data;
      let s = 0;
      for (let i = 0; i < out.size; i++) s += out.data[i]! * w.data[i]!;
      return s;
    });
  // Read before any numerical pass: f may reset the inputs' grads (a gradient of a gradient does).
  const grads = xs.map((x, i) => {
    const g = x.grad?.data ?? Tensor.zeros(x.shape, 'float64');
    if (!sameShape(g.shape, x.shape)) throw new RangeError(`gradientCheckAutograd: input ${i} has shape ${formatShape(x.shape)} but its gradient ${formatShape(g.shape)}`);
    return g;
  });
  return xs.map((x, i) => {
    const backward = grads[i]!;
    const numerical = numericalGradient(loss, x.data, h);
    let maxAbsDiff = 0;
    let maxRelDiff = 0;
    for (let k = 0; k < x.size; k++) {
      const d = Math.abs(backward.data[k]! - numerical.data[k]!);
      if (d > maxAbsDiff || Number.isNaN(d)) maxAbsDiff = d;
      const r = d / Math.max(1, Math.abs(numerical.data[k]!));
      if (r > maxRelDiff || Number.isNaN(r)) maxRelDiff = r;
    }
    return { maxAbsDiff, maxRelDiff, backward, numerical };
  });
}
