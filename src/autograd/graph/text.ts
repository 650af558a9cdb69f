// The graph as plain text for a terminal: one equation per function in generation order,
// then a table of every variable with its value and, after backward, its gradient.

import type { Function, Variable } from '../core.js';
import { functionSymbol, gradText, isInfix, valueText, variableLabels, type RenderOptions } from './labels.js';
import { collectGraph } from './walk.js';

/**
 *   apple_price = apple × apple_num
 *   price = apple_price × tax
 *
 *   variable     value               grad
 *   apple        100                 2.2
 *   …
 */
export function toText(y: Variable, options: RenderOptions = {}): string {
  const graph = collectGraph(y);
  const labels = variableLabels(graph);
  const label = (v: Variable): string => labels.get(v)!;
  const lines = graph.functions.map((f) => `  ${label(f.output!)} = ${expression(f, label)}`);
  if (lines.length > 0) lines.push('');

  const showValues = options.values !== false;
  const grads = options.grads === false ? [] : graph.variables.map(gradText);
  const showGrads = grads.some((g) => g !== undefined);
  const rows = graph.variables.map((v, i) => [
    label(v),
    ...(showValues ? [valueText(v)] : []),
    ...(showGrads ? [grads[i] ?? ''] : []),
  ]);
  const header = ['variable', ...(showValues ? ['value'] : []), ...(showGrads ? ['grad'] : [])];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  for (const row of [header, ...rows]) lines.push(`  ${row.map((cell, c) => (c < row.length - 1 ? cell.padEnd(widths[c]!) : cell)).join('  ')}`.trimEnd());
  return `${lines.join('\n')}\n`;
}

function expression(f: Function, label: (v: Variable) => string): string {
  const args = f.inputs.map(label);
  const symbol = functionSymbol(f);
  if (isInfix(f)) return `${args[0]} ${symbol} ${args[1]}`;
  if (f.name === 'Neg') return `−${args[0]}`;
  if (symbol.startsWith('**')) return `${args[0]}${symbol}`;
  return `${symbol}(${args.join(', ')})`;
}
