// Where the functions' outputs live. By default every output is a fresh heap tensor, as in
// DeZero. Inside withArena(arena, fn), outputs come from the arena instead: backend
// storage that the next withArena run on the same arena hands out again, slot by slot.
// A training step builds the same graph every time, so from the second step on it
// allocates nothing, and the backend's kernels run on their own memory without copying
// heap arrays in and out (as the layers' Workspaces do). The price is the layers' too:
// what one step computed is overwritten by the next step on that arena.

import type { DType, FloatArray } from '../../backend/backend.js';
import { getBackend } from '../../backend/index.js';
import { sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

export class Arena {
  private readonly slots: FloatArray[] = [];
  private next = 0;

  /** Storage for the next output of this run, reused from the same slot of the last run when it fits. */
  take(shape: readonly number[], dtype: DType): Tensor {
    const size = sizeOf(shape);
    const i = this.next++;
    let storage = this.slots[i];
    if (!storage || storage.length < size || (dtype === 'float32') !== (storage instanceof Float32Array)) {
      if (storage) getBackend().free(storage);
      storage = getBackend().alloc(dtype, size);
      this.slots[i] = storage;
    }
    return new Tensor(storage.length === size ? storage : storage.subarray(0, size), shape, storage);
  }

  /** Starts a new run: the slots are handed out again from the first. */
  reset(): void {
    this.next = 0;
  }
}

let current: Arena | null = null;

/** Runs fn with the functions' outputs taken from arena (from its first slot on). */
export function withArena<T>(arena: Arena, fn: () => T): T {
  const saved = current;
  current = arena;
  arena.reset();
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** An output tensor whose every element the caller will write: from the current arena, or a new heap tensor. */
export function outputTensor(shape: readonly number[], dtype: DType): Tensor {
  return current ? current.take(shape, dtype) : Tensor.empty(shape, dtype);
}
