import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface GradientDifference {
  /** Mean |backprop − numerical| over the parameter's entries (the book's figure). */
  mean: number;
  max: number;
}

/** Compares two sets of gradients, parameter by parameter, in the first set's key order. */
export function compareGradients(backprop: Record<string, Tensor>, numerical: Record<string, Tensor>): Record<string, GradientDifference> {
  const result: Record<string, GradientDifference> = {};
  for (const key of Object.keys(backprop)) {
    const a = backprop[key]!;
    const b = numerical[key];
    if (!b) throw new Error(`gradientCheck: no numerical gradient for parameter ${key}`);
    if (a.size !== b.size) throw new RangeError(`gradientCheck: ${key} has shape ${formatShape(a.shape)} in backprop but ${formatShape(b.shape)} numerically`);
    let total = 0;
    let max = 0;
    for (let i = 0; i < a.size; i++) {
      const d = Math.abs(a.data[i]! - b.data[i]!);
      total += d;
      if (d > max || Number.isNaN(d)) max = d;
    }
    result[key] = { mean: a.size === 0 ? 0 : total / a.size, max };
  }
  return result;
}

/** Anything that can compute its gradient both ways, such as TwoLayerNet. */
export interface GradientCheckable<X, T, O> {
  gradient(x: X, t: T): Record<string, Tensor>;
  numericalGradient(x: X, t: T, options?: O): Record<string, Tensor>;
}

/** The seed's gradient_check: backprop against central differences, per parameter. */
export function gradientCheck<X, T, O>(net: GradientCheckable<X, T, O>, x: X, t: T, options?: O): Record<string, GradientDifference> {
  const numerical = net.numericalGradient(x, t, options);
  const backprop = net.gradient(x, t);
  return compareGradients(backprop, numerical);
}
