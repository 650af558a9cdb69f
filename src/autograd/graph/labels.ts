// How variables and functions are written in every rendering: names as the user gave
// them (made printable), numbers as JavaScript prints them, shapes for tensors.

import type { Function, Variable } from '../core.js';
import { printable } from '../../io/printable.js';
import { formatShape } from '../../tensor/shape.js';
import type { Graph } from './walk.js';

/** What to show besides the graph's shape; both on by default (a gradient only where there is one). */
export interface RenderOptions {
  values?: boolean;
  grads?: boolean;
}

/** Longest name shown; a longer one ends in an ellipsis. */
const NAME_LIMIT = 24;

/** The user's name of v, printable and bounded, or undefined. */
export function variableName(v: Variable): string | undefined {
  if (v.name === undefined || v.name === '') return undefined;
  const shown = printable(v.name, NAME_LIMIT);
  return shown.length > NAME_LIMIT ? `${shown.slice(0, NAME_LIMIT - 1)}…` : shown;
}

/** A scalar's number, or a tensor's shape. */
export function valueText(v: Variable): string {
  return v.size === 1 ? String(v.data.data[0]) : formatShape(v.shape);
}

/** The gradient: its number for a scalar, its norm for a tensor; undefined before backward. */
export function gradText(v: Variable): string | undefined {
  const g = v.grad;
  if (g === null) return undefined;
  if (g.size === 1) return String(g.data.data[0]);
  let sum = 0;
  for (const x of g.data.data) sum += x * x;
  return `‖g‖ ${Number(Math.sqrt(sum).toPrecision(4))}`;
}

/**
 * A short label for every variable of the graph: its name; for an unnamed constant (a leaf
 * number such as the 2 of 2*x) its value; else t1, t2, … in graph order, skipping names
 * the user already took.
 */
export function variableLabels(graph: Graph): Map<Variable, string> {
  const taken = new Set(graph.variables.map(variableName).filter((n): n is string => n !== undefined));
  const labels = new Map<Variable, string>();
  let next = 1;
  for (const v of graph.variables) {
    const name = variableName(v);
    if (name !== undefined) labels.set(v, name);
    else if (v.creator === null && v.size === 1) labels.set(v, valueText(v));
    else {
      while (taken.has(`t${next}`)) next++;
      labels.set(v, `t${next++}`);
    }
  }
  return labels;
}

const SYMBOLS: Record<string, string> = { Add: '+', Sub: '−', Mul: '×', Div: '÷', Neg: '−' };
/** Functions the book and the expression language write in lower case. */
const LOWER = new Set(['Exp', 'Log', 'Sin', 'Cos', 'Tanh']);

/** The book's symbol for an arithmetic function (×, +, −, ÷, **c), else the function's name. */
export function functionSymbol(f: Function): string {
  const c = (f as Function & { c?: unknown }).c;
  if (f.name === 'Pow' && typeof c === 'number') return `**${c}`;
  if (LOWER.has(f.name)) return f.name.toLowerCase();
  return SYMBOLS[f.name] ?? printable(f.name, NAME_LIMIT);
}

/** Whether functionSymbol writes f between its operands (a + b) rather than as a call (exp(a)). */
export function isInfix(f: Function): boolean {
  return f.name in SYMBOLS && f.name !== 'Neg' && f.inputs.length === 2;
}
