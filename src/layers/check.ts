import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export function requireSameShape(layer: string, what: string, actual: Tensor, expected: Tensor, expectedWhat: string): void {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new RangeError(`${layer}: ${what} has shape ${formatShape(actual.shape)} but ${expectedWhat} has shape ${formatShape(expected.shape)}`);
  }
  if (actual.dtype !== expected.dtype) {
    throw new TypeError(`${layer}: ${what} is ${actual.dtype} but ${expectedWhat} is ${expected.dtype}`);
  }
}

export function requireForward<T>(layer: string, cached: T | null): T {
  if (cached === null) throw new Error(`${layer}: backward() called before forward()`);
  return cached;
}
