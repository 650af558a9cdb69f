import { asVariable, type Variable, type VariableLike } from '../core.js';
import { normalizeAxes } from './axes.js';
import { div } from './div.js';
import { sum } from './sum.js';

/** The mean over `axis` (one axis, a list, or every axis when absent): a Sum then a Div. */
export function mean(x: VariableLike, axis?: number | readonly number[], keepdims = false): Variable {
  const v = asVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'mean');
  const count = axes.reduce((n, a) => n * v.shape[a]!, 1);
  return div(sum(v, axes, keepdims), count);
}
