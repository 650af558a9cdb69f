// Gradient checks for autograd functions against float64 central differences
// (numericalGradient), first and second order, through a random weighting w of the
// output: L = Σ w ⊙ f(x), so that any output shape reduces to a scalar.

import assert from 'node:assert/strict';
import { noGrad, Variable } from '../../../src/autograd/core.js';
import { numericalGradient } from '../../../src/gradient/numerical_gradient.js';
import type { Random } from '../../../src/tensor/random.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { maxAbsDiff, randomTensor } from '../../helpers.js';

export type Fn = (...xs: Variable[]) => Variable;

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** ∂(Σ w ⊙ f)/∂x_i for every input by backprop, with createGraph as asked. */
function backprop(fn: Fn, xs: Variable[], w: Tensor, createGraph: boolean): Variable[] {
  for (const x of xs) x.cleargrad();
  const y = fn(...xs);
  y.grad = new Variable(w);
  y.backward({ createGraph });
  return xs.map((x, i) => {
    assert.ok(x.grad, `input ${i} got no gradient`);
    return x.grad;
  });
}

/** Backprop gradients equal central differences for every input, within tol (relative to the gradient's scale). */
export function checkGradient(fn: Fn, inputs: Tensor[], rng: Random, tol = 1e-7): void {
  const xs = inputs.map((t) => new Variable(t));
  const w = randomTensor([...noGrad(() => fn(...xs)).shape], rng);
  const grads = backprop(fn, xs, w, false);
  inputs.forEach((x, i) => {
    const numerical = numericalGradient(() => noGrad(() => dot(fn(...xs).data, w)), x);
    const scale = Math.max(1, ...Array.from(numerical.data, Math.abs));
    assert.deepEqual(grads[i]!.shape, x.shape);
    const diff = maxAbsDiff(grads[i]!.data.data, numerical.data);
    assert.ok(diff < tol * scale, `input ${i}: backprop and numerical gradients differ by ${diff}`);
  });
}

/**
 * Gradients of gradients: with createGraph, ∂(Σ v ⊙ ∂L/∂x_i)/∂x_j by backprop equals the
 * central differences of the first-order gradient, for every pair (i, j).
 */
export function checkSecondOrder(fn: Fn, inputs: Tensor[], rng: Random, tol = 1e-6): void {
  const xs = inputs.map((t) => new Variable(t));
  const w = randomTensor([...noGrad(() => fn(...xs)).shape], rng);
  inputs.forEach((xi, i) => {
    const v = randomTensor([...xi.shape], rng);
    const gx = backprop(fn, xs, w, true)[i]!;
    for (const x of xs) x.cleargrad();
    gx.grad = new Variable(v);
    gx.backward();
    const second = xs.map((x) => x.grad?.data ?? null);
    inputs.forEach((xj, j) => {
      const numerical = numericalGradient(() => dot(backprop(fn, xs, w, false)[i]!.data, v), xj);
      const scale = Math.max(1, ...Array.from(numerical.data, Math.abs));
      // An input that the first-order gradient does not depend on may get no gradient at all.
      const got = second[j] ?? null;
      const diff = got ? maxAbsDiff(got.data, numerical.data) : Math.max(...Array.from(numerical.data, Math.abs));
      assert.ok(diff < tol * scale, `∂²/∂x${i}∂x${j}: backprop and numerical differ by ${diff}`);
    });
  });
}
