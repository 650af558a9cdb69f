// The graph behind a Variable, found by following creators back from it (no registry):
// what every drawing of it needs, in one order that all three formats share.

import type { Function, Variable } from '../core.js';

export interface Use {
  f: Function;
  /** Which input of f. */
  index: number;
}

export interface Graph {
  output: Variable;
  /** Topological, grouped by level: a function comes after every function it takes from. */
  functions: Function[];
  /** Inputs in the order the functions first take them, each function's output after its inputs. */
  variables: Variable[];
  /** 0 for a function of leaves only, else one more than the deepest function it takes from. */
  level: Map<Function, number>;
  /** Where each variable is taken as an input. */
  uses: Map<Variable, Use[]>;
}

/** The functions and variables y was computed from. Iterative, so deep graphs cannot overflow the stack. */
export function collectGraph(y: Variable): Graph {
  const postOrder: Function[] = [];
  const seen = new Set<Function>();
  // Depth-first from y, inputs in order, so ties between levels keep the order they were written in.
  const stack: Array<{ f: Function; next: number }> = [];
  const visit = (f: Function | null): void => {
    if (f === null || seen.has(f)) return;
    seen.add(f);
    stack.push({ f, next: 0 });
  };
  visit(y.creator);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.f.inputs.length) visit(top.f.inputs[top.next++]!.creator);
    else postOrder.push(stack.pop()!.f);
  }
  const level = new Map<Function, number>();
  for (const f of postOrder) {
    let l = 0;
    for (const x of f.inputs) if (x.creator !== null && level.has(x.creator)) l = Math.max(l, level.get(x.creator)! + 1);
    level.set(f, l);
  }
  const functions = postOrder.map((f, i) => ({ f, i })).sort((a, b) => level.get(a.f)! - level.get(b.f)! || a.i - b.i).map(({ f }) => f);

  const variables: Variable[] = [];
  const listed = new Set<Variable>();
  const list = (v: Variable): void => {
    if (!listed.has(v)) { listed.add(v); variables.push(v); }
  };
  const uses = new Map<Variable, Use[]>();
  for (const f of functions) {
    f.inputs.forEach((x, index) => {
      list(x);
      const u = uses.get(x) ?? [];
      u.push({ f, index });
      uses.set(x, u);
    });
    if (f.output !== null) list(f.output);
  }
  list(y);
  return { output: y, functions, variables, level, uses };
}
