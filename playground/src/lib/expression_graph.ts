// A free-form expression's autograd graph, as `nabla graph --expr` computes it: the value,
// the gradient of every variable on the drawing (backward), and the first `order`
// derivatives by each variable (backprop through backprop). Every mistake comes back as
// one line of text; nothing here throws.

import { autograd } from '../../../src/index.js';

type Variable = InstanceType<typeof autograd.Variable>;
type Expression = ReturnType<typeof autograd.parseExpression>;

export interface Derivative {
  variable: string;
  order: number;
  value: number;
  /** Set where float64 rounding in the derivative's graph may have lost it. */
  doubtful?: number;
}

export type ExpressionResult =
  | { ok: true; name: string; value: number; derivatives: Derivative[]; svg: string }
  | { ok: false; error: string };

/** The variables of an expression, or its parse error. */
export function expressionNames(source: string): { names: string[] } | { error: string } {
  try {
    return { names: autograd.expressionVariables(autograd.parseExpression(source)) };
  } catch (e) {
    return { error: describe(e) };
  }
}

export function evaluateExpression(source: string, values: ReadonlyMap<string, number>, order: number): ExpressionResult {
  try {
    const expression: Expression = autograd.parseExpression(source);
    const names = autograd.expressionVariables(expression);
    const variables = new Map<string, Variable>();
    for (const name of names) {
      const value = values.get(name);
      if (value === undefined || !Number.isFinite(value)) return { ok: false, error: `give ${name} a number` };
      variables.set(name, new autograd.Variable(value, name));
    }
    const built = autograd.buildExpression(expression, variables);
    const taken = new Set(names);
    const yName = ['y', 'f', 'z', 'out'].find((n) => !taken.has(n)) ?? 'result';
    // The expression `x` is x itself; naming it would rename x.
    const y = typeof built === 'number' ? new autograd.Variable(built, yName) : [...variables.values()].includes(built) ? built : Object.assign(built, { name: yName });
    if (variables.size > 0) y.backward({ retainGrad: true, createGraph: true });
    const svg = autograd.drawGraph(y, { title: `${y.name} = ${source.trim()}` });
    const derivatives: Derivative[] = [];
    for (const [name, v] of variables) {
      autograd.higherDerivatives(y, v, order).forEach((d, i) => derivatives.push({ variable: name, order: i + 1, ...d }));
    }
    return { ok: true, name: y.name ?? yName, value: y.data.data[0]!, derivatives, svg };
  } catch (e) {
    return { ok: false, error: describe(e) };
  }
}

function describe(e: unknown): string {
  if (e instanceof autograd.DerivativeGraphTooLarge) return `the derivative of order ${e.order + 1} has too large a graph (${e.functions} functions); ask for fewer derivatives`;
  if (e instanceof Error) return e.message;
  return String(e);
}
