// The graph in Graphviz's DOT language, as DeZero's get_dot_graph writes it: variables as
// orange ellipses, functions as blue boxes, edges in generation order left to right.

import type { Variable } from '../core.js';
import { functionSymbol, gradText, valueText, variableName, type RenderOptions } from './labels.js';
import { collectGraph } from './walk.js';

/** `dot -Tsvg` turns this into a picture. */
export function toDot(y: Variable, options: RenderOptions = {}): string {
  const graph = collectGraph(y);
  const ids = new Map<Variable, string>(graph.variables.map((v, i) => [v, `v${i}`]));
  const lines = ['digraph g {', 'rankdir=LR', 'node [fontname="Helvetica"]'];
  for (const v of graph.variables) {
    const parts = [variableName(v), options.values === false ? undefined : valueText(v)];
    const grad = options.grads === false ? undefined : gradText(v);
    if (grad !== undefined) parts.push(`grad ${grad}`);
    const text = parts.filter((p) => p !== undefined).join('\n');
    lines.push(`${ids.get(v)} [label=${quote(text)}, color=orange, style=filled]`);
  }
  graph.functions.forEach((f, i) => {
    lines.push(`f${i} [label=${quote(functionSymbol(f))}, color=lightblue, style=filled, shape=box]`);
    for (const x of f.inputs) lines.push(`${ids.get(x)} -> f${i}`);
    if (f.output !== null) lines.push(`f${i} -> ${ids.get(f.output)}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * A DOT string: quotes and backslashes escaped so a name cannot end the string or start
 * an escape such as \N, and & as &amp; because Graphviz reads entities (&amp;, &#65;) in
 * labels; our own line breaks become \n. Names reach here printable, so they hold no raw
 * line breaks of their own.
 */
export function quote(text: string): string {
  return `"${text.replace(/&/g, '&amp;').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
