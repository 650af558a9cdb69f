// Higher derivatives by backprop through backprop (DeZero steps 33–36): each derivative is
// a Variable with a graph of its own, differentiated again for the next. Two things make a
// naive answer misleading, and both are caught here: the graph can triple with each order
// (the quotient rule), and its terms can grow far beyond the answer and cancel in rounding.

import type { Function, Variable } from '../core.js';
import { collectGraph } from './walk.js';

/** A derivative's graph too large to differentiate again in reasonable time. */
export class DerivativeGraphTooLarge extends Error {
  constructor(readonly order: number, readonly functions: number) {
    super(`derivative ${order} already has a graph of ${functions} functions, too many to differentiate again`);
    this.name = 'DerivativeGraphTooLarge';
  }
}

/**
 * Most functions a derivative's graph may have to be differentiated again: each order can
 * triple the graph (the quotient rule), and backward through 20000 functions takes a fifth of a second.
 */
export const MAX_DERIVATIVE_GRAPH = 20_000;

export interface Derivative {
  value: number;
  /** A bound on the rounding error, where it is not small beside the value. */
  doubtful?: number;
}

/**
 * The value of z, doubted where rounding may have eaten it. Backprop's higher derivatives
 * are sums of many terms (the 10th of 1/(x+1) at 1 adds terms near 2^1000 that cancel down to
 * 1771.875, and float64 keeps 16 digits of each), so the first-order bound on the rounding
 * error is carried through the graph, function by function; a function it cannot bound
 * (one not of the expression language) leaves the value unjudged.
 */
export function judged(z: Variable): Derivative {
  const value = z.data.data[0]!;
  const error = new Map<Variable, number>();
  const eps = Number.EPSILON / 2;
  for (const f of collectGraph(z).functions) {
    const [a, b] = f.inputs.map((x) => ({ v: Math.abs(x.data.data[0]!), e: error.get(x) ?? 0 }));
    const r = Math.abs(f.output!.data.data[0]!);
    let e: number;
    switch (f.name) {
      case 'Add': case 'Sub': e = a!.e + b!.e; break;
      case 'Mul': e = a!.v * b!.e + b!.v * a!.e + a!.e * b!.e; break;
      case 'Div': e = (a!.e + r * b!.e) / Math.max(b!.v - b!.e, 0); break;
      case 'Neg': e = a!.e; break;
      case 'Pow': { const c = (f as Function & { c: number }).c; e = Math.abs(c) * Math.max(a!.v + a!.e, 0) ** Math.max(c - 1, 0) * a!.e / Math.max(a!.v - a!.e, 0) ** Math.max(1 - c, 0); break; }
      case 'Exp': e = r * Math.expm1(a!.e); break;
      case 'Log': e = -Math.log1p(-Math.min(a!.e / a!.v, 1)); break;
      case 'Sin': case 'Cos': case 'Tanh': e = a!.e; break;
      default: return { value };
    }
    error.set(f.output!, e + r * eps);
  }
  const bound = error.get(z) ?? 0;
  const doubtful = !Number.isFinite(value) || !(bound <= Math.abs(value) * 1e-6 || bound <= 1e-9);
  return doubtful ? { value, doubtful: bound } : { value };
}

/** ∂ᵏy/∂vᵏ for k = 1…order, each by backward through the graph of the one before (createGraph). */
export function higherDerivatives(y: Variable, v: Variable, order: number, maxGraph = MAX_DERIVATIVE_GRAPH): Derivative[] {
  const found: Derivative[] = [];
  let z: Variable | null = y;
  for (let k = 1; k <= order; k++) {
    if (z === null) { found.push({ value: 0 }); continue; } // the previous derivative did not depend on v
    const graph = collectGraph(z);
    if (graph.functions.length > maxGraph) throw new DerivativeGraphTooLarge(k - 1, graph.functions.length);
    for (const u of graph.variables) u.cleargrad();
    v.cleargrad();
    z.backward({ createGraph: true });
    z = v.grad;
    found.push(z === null ? { value: 0 } : judged(z));
  }
  return found;
}

