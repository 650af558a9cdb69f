// The graph drawn as the book draws computational graphs (figures 5-3, 5-16, 5-17): functions
// as circles labelled ×, +, … in columns by generation, left to right; variables as the
// edges between them, each with its value above and, after backward, its gradient below.
// Self-contained SVG: no Graphviz, no scripts, no external fonts.
//
// Layout is a tidy tree from the output back: each function's inputs get horizontal lanes,
// one below the other (an input made by another function takes that function's lane), and
// the function sits between its first and last lane. A variable used more than once is
// drawn once, with a dot where it branches to its other uses.

import type { Function, Variable } from '../core.js';
import { esc } from '../../plot/svg.js';
import { functionSymbol, gradText, valueText, variableLabels, variableName, type RenderOptions } from './labels.js';
import { collectGraph, type Graph, type Use } from './walk.js';

export interface DrawOptions extends RenderOptions {
  title?: string;
}

const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
// Rough advance of one character at 13px; only used to size the picture.
const CHAR_WIDTH = 7.6;
const NAME_CHAR_WIDTH = 8.4; // at 14px, for function names in pills
const LANE = 68; // vertical distance between two lanes: a name and a value above, a gradient below
const RADIUS = 20;
const DIAGONAL = 36; // horizontal run of the last, slanted stretch of an edge into its function
const GRAD_COLOR = '#d62728';

interface Node { x: number; y: number; hw: number; hh: number; label: string }
interface Point { x: number; y: number }

export function drawGraph(y: Variable, options: DrawOptions = {}): string {
  const graph = collectGraph(y);
  const labels = variableLabels(graph);
  const showValues = options.values !== false;
  const grads = new Map(graph.variables.map((v) => [v, options.grads === false ? undefined : gradText(v)]));
  const anyGrad = [...grads.values()].some((g) => g !== undefined);

  const { fy, lane, primary, height: lanesHeight } = layout(graph);
  const symbols = new Map(graph.functions.map((f) => [f, functionSymbol(f)]));
  // A name longer than a symbol goes in a pill, in a smaller font than ×.
  const halfWidth = (f: Function): number => (symbols.get(f)!.length <= 3 ? RADIUS : (symbols.get(f)!.length * NAME_CHAR_WIDTH) / 2 + 12);
  const maxHw = Math.max(RADIUS, ...graph.functions.map(halfWidth));
  const isLeaf = (v: Variable): boolean => v.creator === null;
  const aboveName = (v: Variable): string | undefined => (!isLeaf(v) && v !== y ? variableName(v) : undefined);
  const texts = graph.variables.flatMap((v) => [showValues ? valueText(v) : '', grads.get(v) ?? '', aboveName(v) ?? '']);
  const segment = Math.max(70, Math.max(...texts.map((t) => t.length)) * CHAR_WIDTH + 16);
  const column = 2 * maxHw + segment + DIAGONAL;

  const firstLeafLevel = (v: Variable): number => Math.min(...(graph.uses.get(v) ?? []).map((u) => graph.level.get(u.f)!));
  const leftNames = graph.variables.filter((v) => isLeaf(v) && firstLeafLevel(v) === 0 && variableName(v) !== undefined);
  const left = 16 + Math.max(0, ...leftNames.map((v) => labels.get(v)!.length * CHAR_WIDTH + 8));
  const top = (options.title ? 44 : 12) + 36;
  const columnX = (level: number): number => left + segment + DIAGONAL + maxHw + level * column;
  const nodes = new Map<Function, Node>(graph.functions.map((f) => [f, { x: columnX(graph.level.get(f)!), y: top + fy.get(f)!, hw: halfWidth(f), hh: halfWidth(f) === RADIUS ? RADIUS : 18, label: symbols.get(f)! }]));

  const out: string[] = [];
  const edges: string[] = [];
  const texts2: string[] = [];
  const text = (x: number, yy: number, s: string, cls: string, anchor = 'middle'): void => {
    texts2.push(`<text class="${cls}" x="${n1(x)}" y="${n1(yy)}" text-anchor="${anchor}">${esc(s)}</text>`);
  };
  let right = left + segment;

  for (const v of graph.variables) {
    const laneY = top + lane.get(v)!;
    const creator = v.creator !== null ? nodes.get(v.creator) : undefined;
    const uses = graph.uses.get(v) ?? [];
    // The labelled stretch: from the creator (or, for a leaf, from its name) to where it turns.
    let start: Point;
    let end: Point;
    if (creator !== undefined) {
      start = { x: creator.x + creator.hw, y: laneY };
      end = { x: creator.x + maxHw + segment, y: laneY };
    } else {
      const x0 = uses.length > 0 ? columnX(firstLeafLevel(v)) - maxHw - DIAGONAL - segment : left;
      start = { x: x0, y: laneY };
      end = { x: x0 + segment, y: laneY };
      const name = variableName(v);
      // A lone variable is the output too: its name goes at the arrow's end only.
      if (name !== undefined && v !== y) text(x0 - 6, laneY + 4.5, name, 'name', 'end');
    }
    const isOutput = v === y;
    edges.push(`<path class="edge" d="M${n1(start.x)} ${n1(start.y)}H${n1(end.x)}"${isOutput ? ' marker-end="url(#ag-arrow)"' : ''}/>`);
    if (isOutput) {
      text(end.x + 8, laneY + 4.5, labels.get(v)!, 'name', 'start');
      right = Math.max(right, end.x + 12 + labels.get(v)!.length * CHAR_WIDTH);
    }
    const mid = (start.x + end.x) / 2;
    if (showValues) text(mid, laneY - 7, valueText(v), 'value');
    const above = aboveName(v);
    if (above !== undefined) text(mid, laneY - (showValues ? 24 : 7), above, 'inner-name');
    const grad = grads.get(v);
    if (grad !== undefined) text(mid, laneY + 18, grad, 'grad');
    right = Math.max(right, end.x);

    if (uses.length > 1) texts2.push(`<circle class="branch" cx="${n1(end.x)}" cy="${n1(end.y)}" r="3"/>`);
    for (const use of uses) {
      const node = nodes.get(use.f)!;
      const main = sameUse(primary.get(v), use);
      // The primary use runs on along the lane and turns into its function; the others go straight there.
      const turn = main ? { x: node.x - maxHw - DIAGONAL, y: laneY } : end;
      const tip = border(node, turn);
      const d = `M${n1(end.x)} ${n1(end.y)}${turn.x > end.x ? `H${n1(turn.x)}` : ''}L${n1(tip.x)} ${n1(tip.y)}`;
      edges.push(`<path class="edge" d="${d}" marker-end="url(#ag-arrow)"/>`);
    }
  }

  const shapes: string[] = [];
  for (const node of nodes.values()) {
    if (node.hw === RADIUS) shapes.push(`<circle class="function" cx="${n1(node.x)}" cy="${n1(node.y)}" r="${RADIUS}"/>`);
    else shapes.push(`<rect class="function" x="${n1(node.x - node.hw)}" y="${n1(node.y - node.hh)}" width="${n1(2 * node.hw)}" height="${n1(2 * node.hh)}" rx="${node.hh}"/>`);
    const long = node.hw !== RADIUS;
    shapes.push(`<text class="${long ? 'function-name' : 'symbol'}" x="${n1(node.x)}" y="${n1(node.y + (long ? 5 : 6))}" text-anchor="middle">${esc(node.label)}</text>`);
    right = Math.max(right, node.x + node.hw);
  }

  const legendY = top + lanesHeight + 52;
  const yName = labels.get(y)!;
  const tensors = graph.variables.some((v) => v.size !== 1);
  const legend = anyGrad
    ? `above each edge: its value${tensors ? ' (a tensor: its shape)' : ''}; below, in red: the gradient ∂${yName}/∂(that variable), by backward${tensors ? ' (a tensor: its norm ‖g‖)' : ''}`
    : showValues ? `above each edge: its value${tensors ? ' (a tensor: its shape)' : ''}` : '';
  // The legend (12px) and the title (15px bold) are wider per character than the 13px labels.
  const width = Math.ceil(Math.max(right + 24, 32 + legend.length * 6.6, 32 + (options.title?.length ?? 0) * 9));
  const height = Math.ceil(legendY + (legend ? 24 : 0));
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${esc(options.title ?? `computational graph of ${yName}`)}</title>`,
    `<style>text{font-family:${FONT_STACK};fill:#222;font-size:13px}.grad{fill:${GRAD_COLOR}}.inner-name{fill:#777;font-size:11px;font-style:italic}` +
      `.name{font-weight:600}.symbol{font-size:18px}.function-name{font-size:14px}.title{font-size:15px;font-weight:600}.legend{fill:#555;font-size:12px}` +
      `.edge{stroke:#333;stroke-width:1.4;fill:none}.function{fill:#fff;stroke:#333;stroke-width:1.6}.branch{fill:#333}</style>`,
    '<defs><marker id="ag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 1L10 5L0 9z" fill="#333"/></marker></defs>',
    '<rect width="100%" height="100%" fill="#fff"/>',
  );
  if (options.title) out.push(`<text class="title" x="16" y="28">${esc(options.title)}</text>`);
  out.push(...edges, ...shapes, ...texts2);
  if (legend) out.push(`<text class="legend" x="16" y="${n1(legendY)}">${esc(legend)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

interface Layout {
  /** Each function's y, from the top of the first lane. */
  fy: Map<Function, number>;
  /** Each variable's lane. */
  lane: Map<Variable, number>;
  /** The use a variable's lane runs on to (the others branch off). */
  primary: Map<Variable, Use>;
  height: number;
}

/** The tidy tree, with an explicit stack so that a deep graph cannot overflow the call stack. */
function layout(graph: Graph): Layout {
  const fy = new Map<Function, number>();
  const lane = new Map<Variable, number>();
  const primary = new Map<Variable, Use>();
  const started = new Set<Function>();
  let cursor = 0;
  const y = graph.output;
  if (y.creator === null) {
    lane.set(y, 0);
    return { fy, lane, primary, height: LANE / 2 };
  }
  const frames: Array<{ f: Function; next: number; lanes: number[] }> = [{ f: y.creator, next: 0, lanes: [] }];
  started.add(y.creator);
  while (frames.length > 0) {
    const top = frames[frames.length - 1]!;
    if (top.next < top.f.inputs.length) {
      const index = top.next++;
      const x = top.f.inputs[index]!;
      if (lane.has(x) || (x.creator !== null && started.has(x.creator))) continue; // drawn already: a branch
      primary.set(x, { f: top.f, index });
      if (x.creator === null) {
        lane.set(x, cursor);
        top.lanes.push(cursor);
        cursor += LANE;
      } else {
        started.add(x.creator);
        frames.push({ f: x.creator, next: 0, lanes: [] });
      }
      continue;
    }
    frames.pop();
    let at: number;
    if (top.lanes.length > 0) at = (top.lanes[0]! + top.lanes[top.lanes.length - 1]!) / 2;
    else { at = cursor; cursor += LANE; }
    fy.set(top.f, at);
    if (top.f.output !== null) lane.set(top.f.output, at);
    frames[frames.length - 1]?.lanes.push(at);
  }
  // A leaf's primary use is its leftmost one, where its stub is drawn.
  for (const [v, uses] of graph.uses) {
    if (v.creator !== null) continue;
    let best = uses[0]!;
    for (const u of uses) if (graph.level.get(u.f)! < graph.level.get(best.f)!) best = u;
    primary.set(v, best);
  }
  return { fy, lane, primary, height: Math.max(0, cursor - LANE) };
}

function sameUse(a: Use | undefined, b: Use): boolean {
  return a !== undefined && a.f === b.f && a.index === b.index;
}

/** Where the line from `from` to the node's centre crosses its outline (an ellipse, near enough for a pill). */
function border(node: Node, from: Point): Point {
  const dx = from.x - node.x;
  const dy = from.y - node.y;
  const t = 1 / Math.sqrt((dx / node.hw) ** 2 + (dy / node.hh) ** 2);
  return { x: node.x + dx * t, y: node.y + dy * t };
}

function n1(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}
