// Turns kernel arguments into wasm addresses. Arrays that live in the module's memory are
// passed by address, with no copy; any other typed array is copied into a scratch block
// (and, for outputs, copied back when the call ends).

import type { Block } from './allocator.js';
import type { Runtime } from './runtime.js';

type Numeric = Float64Array | Float32Array | Int32Array | Uint16Array | Uint8Array;

interface Staged {
  array: Numeric;
  offset: number;
  length: number;
  ptr: number;
  copyOut: boolean;
}

export class Marshal {
  private readonly staged: Staged[] = [];
  private readonly blocks: Block[] = [];

  constructor(private readonly rt: Runtime) {}

  /** Address of array[offset] for a kernel that reads array[offset, offset + length). */
  input(array: Numeric, offset = 0, length = array.length - offset): number {
    return this.stage(array, offset, length, false);
  }

  /** As input(), for an array the kernel writes; a foreign one is copied back by finish(). */
  output(array: Numeric, offset = 0, length = array.length - offset): number {
    return this.stage(array, offset, length, true);
  }

  /**
   * As output(), for an array the kernel writes every element of: a foreign one is only
   * copied back, not in (im2col's col, pooling's argmax: megabytes a training step would
   * otherwise copy twice).
   */
  overwrite(array: Numeric, offset = 0, length = array.length - offset): number {
    return this.stage(array, offset, length, true, false);
  }

  /** Copies outputs back to foreign arrays and gives the scratch blocks back. */
  finish(): void {
    try {
      if (this.staged.some((s) => s.copyOut)) {
        const buffer = this.rt.buffer();
        for (const s of this.staged) {
          if (!s.copyOut) continue;
          const Ctor = s.array.constructor as new (b: ArrayBufferLike, o: number, n: number) => Numeric;
          s.array.set(new Ctor(buffer, s.ptr, s.length) as never, s.offset);
        }
      }
    } finally {
      this.release();
    }
  }

  /** Gives the scratch blocks back without copying anything (after a failure). */
  release(): void {
    for (const block of this.blocks) this.rt.releaseBlock(block);
    this.blocks.length = 0;
    this.staged.length = 0;
  }

  private stage(array: Numeric, offset: number, length: number, write: boolean, copyIn = true): number {
    // Wasm does not bounds-check against the typed array: a short output would overwrite
    // whatever lies next to it in memory, so refuse instead.
    if (offset < 0 || offset + length > array.length) {
      throw new RangeError(`nabla wasm backend: an array of ${array.length} elements was given where ${offset + length} are needed`);
    }
    const size = array.BYTES_PER_ELEMENT;
    if (this.rt.owns(array)) return array.byteOffset + offset * size;
    // The same foreign array twice (out === x) shares one copy, so in-place semantics hold.
    const previous = this.staged.find((s) => s.array === array && s.offset === offset && s.length === length);
    if (previous) {
      previous.copyOut ||= write;
      return previous.ptr;
    }
    const block = this.rt.allocateBlock(Math.max(length * size, 16));
    this.blocks.push(block);
    const Ctor = array.constructor as new (b: ArrayBufferLike, o: number, n: number) => Numeric;
    // Outputs are copied in too: a strided C keeps the gaps between its rows on copy-back.
    if (copyIn) new Ctor(this.rt.buffer(), block.ptr, length).set(array.subarray(offset, offset + length) as never);
    this.staged.push({ array, offset, length, ptr: block.ptr, copyOut: write });
    return block.ptr;
  }
}
