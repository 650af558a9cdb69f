// Shared helpers for the backend tests: seeded data, storage of either kind, tolerances.

import assert from 'node:assert/strict';
import type { Backend, DType, FloatArray } from '../../src/backend/backend.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { Random } from '../../src/tensor/random.js';

/** Every backend the contract suite runs against. */
export const BACKENDS: readonly { label: string; make: () => Backend }[] = [
  { label: 'reference', make: () => referenceBackend },
  { label: 'wasm, 1 thread', make: () => createWasmBackend({ threads: 1 }) },
  { label: 'wasm, 2 threads', make: () => createWasmBackend({ threads: 2 }) },
];

/** Relative tolerance of a result against the reference, per element type. */
export const TOLERANCE: Record<DType, number> = { float64: 1e-12, float32: 1e-5 };

export const DTYPES: readonly DType[] = ['float64', 'float32'];

/** Uniform values in [0, 1) from the project's seeded generator. */
export function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform();
}

export type Storage = 'foreign' | 'alloc';
export const STORAGES: readonly Storage[] = ['foreign', 'alloc'];

/** An array of `length` elements, plain or from the backend. */
export function makeArray(backend: Backend, storage: Storage, dtype: DType, length: number): FloatArray {
  if (storage === 'alloc') return backend.alloc(dtype, length);
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Random values in ±[0.1, 1.1): never zero, both signs. */
export function fillRandom(array: FloatArray, random: () => number): FloatArray {
  for (let i = 0; i < array.length; i++) {
    const magnitude = 0.1 + random();
    array[i] = random() < 0.5 ? -magnitude : magnitude;
  }
  return array;
}

export function randomArray(backend: Backend, storage: Storage, dtype: DType, length: number, random: () => number): FloatArray {
  return fillRandom(makeArray(backend, storage, dtype, length), random);
}

export function copyOf(array: FloatArray): FloatArray {
  return array.slice();
}

/** Fails unless `after` holds exactly the values of `before` (inputs must stay untouched). */
export function assertUnchanged(before: FloatArray | Int32Array, after: FloatArray | Int32Array, what: string): void {
  assert.equal(after.length, before.length, `${what}: length changed`);
  for (let i = 0; i < before.length; i++) {
    if (!Object.is(before[i], after[i])) assert.fail(`${what}: input element ${i} changed from ${before[i]} to ${after[i]}`);
  }
}

/**
 * Fails unless |actual − expected| ≤ tol · scale for every element, where scale is the
 * element's own bound (e.g. Σ|a·b| for a dot product) or, by default, max(|expected|, 1).
 */
export function assertClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string,
  scale?: ArrayLike<number>,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const bound = tol * (scale ? scale[i]! : Math.max(Math.abs(e), 1));
    if (!(Math.abs(a - e) <= bound)) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e} (tolerance ${bound})`);
    }
  }
}
