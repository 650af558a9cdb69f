import assert from 'node:assert/strict';
import { usingConfig, type Variable } from '../../src/autograd/core.js';
import { sin } from '../../src/autograd/functions/sin.js';
import { gradientCheckAutograd } from '../../src/autograd/gradient_check.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers.js';

export const TOLERANCE = 1e-7;

/** Every input's backward gradient within 1e-7 (max abs) of central differences, in float64. */
export function assertGradients(what: string, f: (...xs: Variable[]) => Variable, inputs: Tensor[]): void {
  gradientCheckAutograd(f, inputs).forEach((r, i) => {
    assert.ok(r.maxAbsDiff < TOLERANCE, `${what}: input ${i} max abs diff ${r.maxAbsDiff}`);
  });
}

/**
 * ∂(Σ f)/∂xs[which] as a function of the inputs, its backward recorded (createGraph), so
 * that checking its gradient checks that f's backward is itself differentiable.
 */
export function gradientOf(f: (...xs: Variable[]) => Variable, which = 0): (...xs: Variable[]) => Variable {
  return (...xs) =>
    usingConfig(true, () => {
      for (const x of xs) x.cleargrad();
      f(...xs).backward({ createGraph: true });
      const g = xs[which]!.grad!;
      for (const x of xs) x.cleargrad();
      return g;
    });
}

/**
 * assertGradients on f, and on its gradient with respect to each input (second order).
 * For a linear f (add, sum, getItem, …, `linear`) that gradient is a constant, which
 * would leave the backward of f's backward untried: then sin∘f's gradient is checked
 * too, as through sin the gy that f's backward gets depends on the inputs.
 */
export function assertGradients2(what: string, f: (...xs: Variable[]) => Variable, inputs: Tensor[], linear = false): void {
  assertGradients(what, f, inputs);
  const sinF = (...xs: Variable[]): Variable => sin(f(...xs));
  inputs.forEach((_, i) => {
    assertGradients(`${what}, gradient ${i}`, gradientOf(f, i), inputs);
    if (linear) assertGradients(`sin of ${what}, gradient ${i}`, gradientOf(sinF, i), inputs);
  });
}

/** A random shape of rank 0 to 3, dimensions 1 to 4. */
export function randomShape(rng: Random): number[] {
  return Array.from({ length: rng.int(4) }, () => 1 + rng.int(4));
}

/** Two shapes that broadcast together: b drops some leading axes and sets others to 1. */
export function broadcastPair(rng: Random): [number[], number[]] {
  const a = Array.from({ length: 1 + rng.int(3) }, () => 2 + rng.int(3));
  const b = a.slice(rng.int(a.length + 1)).map((d) => (rng.int(2) === 0 ? 1 : d));
  return rng.int(2) === 0 ? [a, b] : [b, a];
}

/** Uniform values in [lo, hi), never exactly zero when the range holds zero. */
export function uniformTensor(shape: number[], rng: Random, lo: number, hi: number): Tensor {
  if (lo === -1 && hi === 1) return randomTensor(shape, rng);
  const t = Tensor.empty(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = lo + (hi - lo) * rng.uniform();
  return t;
}

export { randomTensor };
