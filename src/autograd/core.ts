// The define-by-run engine of DeZero (Deep Learning from Scratch 3, steps 1–36): a
// Variable remembers the Function that made it, each Function its inputs, and backward()
// walks that graph from the output, latest generation first, so a variable used twice
// has both gradients summed before its own creator runs. Add, SumTo and BroadcastTo live
// here because the engine itself needs them (summing gradients, broadcasting's backward);
// every other function is a file of its own in functions/.

import type { DType } from '../backend/backend.js';
import { add as addTensors, broadcast, sameShape, sumTo as sumTensorTo } from '../tensor/ops.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Whether functions record the graph (DeZero's Config.enable_backprop). */
export const config = { enableBackprop: true };

/** Runs fn with the graph recording on or off, restoring the setting afterwards. */
export function usingConfig<T>(enableBackprop: boolean, fn: () => T): T {
  const saved = config.enableBackprop;
  config.enableBackprop = enableBackprop;
  try {
    return fn();
  } finally {
    config.enableBackprop = saved;
  }
}

/** Evaluation without a graph: nothing is kept for backward (DeZero's no_grad). */
export function noGrad<T>(fn: () => T): T {
  return usingConfig(false, fn);
}

export interface BackwardOptions {
  /** Keep every intermediate variable's gradient (by default only the leaves keep theirs). */
  retainGrad?: boolean;
  /** Record the backward pass as a graph too, so gradients can be differentiated again. */
  createGraph?: boolean;
}

export class Variable {
  data: Tensor;
  name: string | undefined;
  /** ∂output/∂this after backward(), itself a Variable so it can be differentiated again. */
  grad: Variable | null = null;
  creator: Function | null = null;
  /** One more than its creator's: backward runs later generations first. */
  generation = 0;

  constructor(data: Tensor | number, name?: string, dtype: DType = 'float64') {
    if (typeof data === 'number') data = Tensor.from(data, dtype);
    if (!(data instanceof Tensor)) throw new TypeError(`Variable: data must be a Tensor or a number, got ${typeof data}`);
    this.data = data;
    this.name = name;
  }

  get shape(): readonly number[] {
    return this.data.shape;
  }
  get ndim(): number {
    return this.data.rank;
  }
  get size(): number {
    return this.data.size;
  }
  get dtype(): DType {
    return this.data.dtype;
  }

  setCreator(f: Function): void {
    this.creator = f;
    this.generation = f.generation + 1;
  }

  cleargrad(): void {
    this.grad = null;
  }

  /** Gradients of this variable with respect to everything it was computed from. */
  backward(options: BackwardOptions = {}): void {
    const { retainGrad = false, createGraph = false } = options;
    if (this.grad === null) this.grad = new Variable(Tensor.full([...this.shape], 1, this.dtype));
    const pending: Function[] = [];
    const seen = new Set<Function>();
    const addFunction = (f: Function | null): void => {
      if (f === null || seen.has(f)) return;
      seen.add(f);
      // Kept sorted by generation (the next to run is last), inserted after its equals as a
      // stable sort would place it: re-sorting on every add made large graphs quadratic.
      let lo = 0;
      let hi = pending.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pending[mid]!.generation <= f.generation) lo = mid + 1;
        else hi = mid;
      }
      pending.splice(lo, 0, f);
    };
    addFunction(this.creator);
    while (pending.length > 0) {
      const f = pending.pop()!;
      const gy = f.output!.grad!;
      usingConfig(createGraph, () => {
        const gxs = f.backward(gy);
        f.inputs.forEach((x, i) => {
          const gx = gxs[i]!;
          // A backward that returns the wrong shape would otherwise surface far away, or never.
          if (!sameShape(gx.shape, x.shape)) throw new RangeError(`${f.name}.backward: the gradient of input ${i} has shape ${formatShape(gx.shape)}, but the input has shape ${formatShape(x.shape)}`);
          // A variable used twice gets the sum of both paths' gradients.
          x.grad = x.grad === null ? gx : add(x.grad, gx);
          addFunction(x.creator);
        });
      });
      if (!retainGrad) f.output!.grad = null;
    }
  }

  toString(): string {
    return `variable(${this.data.rank === 0 ? this.data.data[0] : formatShape(this.shape)}${this.name ? `, ${this.name}` : ''})`;
  }
}

/** What a Function accepts: a Variable, a Tensor or a plain number (as `mul(x, 2)`). */
export type VariableLike = Variable | Tensor | number;

/** x as a Variable; a number becomes a scalar of `dtype`. */
export function asVariable(x: VariableLike, dtype: DType = 'float64'): Variable {
  if (x instanceof Variable) return x;
  if (x instanceof Tensor) return new Variable(x);
  return new Variable(Tensor.from(x, dtype));
}

/** The dtype every input must share; numbers follow it. */
function commonDtype(inputs: readonly VariableLike[]): DType {
  const first = inputs.find((x): x is Variable | Tensor => typeof x !== 'number');
  return first?.dtype ?? 'float64';
}

/**
 * One node of the graph: forward on tensors, backward on Variables (so that, with
 * createGraph, the backward pass is itself a graph). Each call makes a new Function.
 */
export abstract class Function {
  abstract readonly name: string;
  inputs: Variable[] = [];
  output: Variable | null = null;
  generation = 0;

  /** Runs forward, and records this node unless in noGrad. */
  call(...raw: VariableLike[]): Variable {
    const dtype = commonDtype(raw);
    const inputs = raw.map((x) => asVariable(x, dtype));
    for (const x of inputs) {
      if (x.dtype !== dtype) throw new TypeError(`${this.name}: inputs mix ${dtype} and ${x.dtype}`);
    }
    const output = new Variable(this.forward(...inputs.map((x) => x.data)));
    if (config.enableBackprop) {
      this.generation = Math.max(...inputs.map((x) => x.generation));
      this.inputs = inputs;
      this.output = output;
      output.setCreator(this);
    }
    return output;
  }

  abstract forward(...xs: Tensor[]): Tensor;
  /** ∂L/∂input for each input, from ∂L/∂output. */
  abstract backward(gy: Variable): Variable[];
}

export class Add extends Function {
  readonly name = 'Add';
  forward(x0: Tensor, x1: Tensor): Tensor {
    return addTensors(x0, x1);
  }
  backward(gy: Variable): Variable[] {
    return [sumTo(gy, this.inputs[0]!.shape), sumTo(gy, this.inputs[1]!.shape)];
  }
}

export function add(x0: VariableLike, x1: VariableLike): Variable {
  return new Add().call(x0, x1);
}

/** Sums the broadcast axes away, back to `shape`: broadcasting's gradient. */
export class SumTo extends Function {
  readonly name = 'SumTo';
  constructor(readonly shape: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return sumTensorTo(x, this.shape);
  }
  backward(gy: Variable): Variable[] {
    return [broadcastTo(gy, this.inputs[0]!.shape)];
  }
}

export function sumTo(x: VariableLike, shape: readonly number[]): Variable {
  const v = asVariable(x);
  return sameShape(v.shape, shape) ? v : new SumTo(shape).call(v);
}

/** Repeats x along its size-1 (or missing leading) axes up to `shape`. */
export class BroadcastTo extends Function {
  readonly name = 'BroadcastTo';
  constructor(readonly shape: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    const target = broadcastShapes(x.shape, this.shape, 'broadcastTo');
    if (!sameShape(target, this.shape)) throw new RangeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(this.shape)}`);
    return broadcast(x, Tensor.zeros([...this.shape], x.dtype), (a) => a, 'broadcastTo');
  }
  backward(gy: Variable): Variable[] {
    return [sumTo(gy, this.inputs[0]!.shape)];
  }
}

export function broadcastTo(x: VariableLike, shape: readonly number[]): Variable {
  const v = asVariable(x);
  return sameShape(v.shape, shape) ? v : new BroadcastTo(shape).call(v);
}
