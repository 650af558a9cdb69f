// Adam's update (Backend.adamUpdate): the plain loop every backend must match bit for bit.

import type { FloatArray } from '../backend.js';

/**
 * Refuses an n that is not a count or arrays shorter than n: wasm reads and writes memory
 * unchecked, and a short typed array would silently read NaN here.
 */
export function checkAdamArgs(n: number, param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray): void {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 31) throw new RangeError(`adamUpdate: n must be an integer in 0..2³¹ − 1, got ${n}`);
  for (const [name, array] of [['param', param], ['grad', grad], ['m', m], ['v', v]] as const) {
    if (array.length < n) throw new RangeError(`adamUpdate: ${name} has ${array.length} elements, needs ${n}`);
  }
}

// Each store rounds to the array's type and the next line reads the rounded value back:
// that is the contract (backend.ts), not an accident of style.
export function adamReference(
  n: number, lrT: number, rest1: number, rest2: number, eps: number,
  param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray,
): void {
  checkAdamArgs(n, param, grad, m, v);
  for (let i = 0; i < n; i++) {
    const gi = grad[i]!;
    m[i] = m[i]! + rest1 * (gi - m[i]!);
    v[i] = v[i]! + rest2 * (gi * gi - v[i]!);
    param[i] = param[i]! - (lrT * m[i]!) / (Math.sqrt(v[i]!) + eps);
  }
}
