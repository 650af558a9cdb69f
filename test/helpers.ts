import assert from 'node:assert/strict';
import type { DType } from '../src/backend/backend.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

/** Uniform values in [-1, 1) that are never exactly zero, so a kernel that skips work shows. */
export function randomTensor(shape: number[], rng: Random, dtype: DType = 'float64'): Tensor {
  const t = Tensor.empty(shape, dtype);
  for (let i = 0; i < t.size; i++) {
    let v = 0;
    while (v === 0) v = rng.uniform() * 2 - 1;
    t.data[i] = v;
  }
  return t;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    assert.ok(err <= tolerance, `${what}[${i}]: ${a} vs ${e} (relative error ${err} > ${tolerance})`);
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
