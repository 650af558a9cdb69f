// The one instance of the kernels per process (or page): compiled module, memory, the main
// thread's instance and the allocator. Every wasm backend object shares it, so storage
// from one is native to all of them.

import type { DType, FloatArray } from '../backend.js';
import { Allocator, type Block } from './allocator.js';
import { kernelsFor, type ModuleExports, type TypedKernels } from './exports.js';
import { registeredWasmHost } from './host.js';

const INITIAL_PAGES = 256; // 16 MiB; ≥ the module's declared minimum (32)
const MAXIMUM_PAGES = 65536; // 4 GiB; must equal the module's declared maximum
/**
 * Plain (unshared) memory is made at its full size and never grown: growing it would detach
 * every typed array made over it, and tensors hold such arrays. Past it, alloc hands out
 * heap arrays. 256 MiB is reserved address space; pages cost memory only once written.
 */
export const SINGLE_PAGES = 4096;
/**
 * Tracked storage (alloc) is given back only after its array is collected and the event
 * loop turns, which a synchronous loop that keeps making networks or datasets never lets
 * happen. Past this many live bytes, alloc hands out ordinary heap arrays instead: slower
 * (kernels copy them in and out) but reclaimed by the garbage collector alone, so memory
 * stays bounded. A quarter of the address space: room for float64 MNIST (440 MB) twice, with
 * kernels' scratch copies always fitting beside it.
 */
export const TRACKED_BUDGET_BYTES = 1024 ** 3;

export interface Runtime {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared, so that worker threads can run kernels over it. */
  readonly shared: boolean;
  readonly f64: TypedKernels;
  readonly f32: TypedKernels;
  readonly allocator: Allocator;
  readonly scratchBytes: number;
  /** Position of the first of n int32s at address `values` outside 0..limit − 1, or −1. */
  firstOutside(n: number, values: number, limit: number): number;
  /** Zero bytes in a rows×cols block (row stride ld), or a partial count: ≥ target exactly when the block has ≥ target. */
  countZeroBytes(rows: number, cols: number, a: number, ld: number, target: number): number;
  /** Int32 offsets of a rows×cols block's nonzero bytes at src (assembly/sparse_csr.ts); returns their total. */
  nonzeroOffsets(rows: number, cols: number, src: number, offsets: number): number;
  /** The CSR's columns and values from those offsets; returns the first row they do not fit exactly, or −1. */
  compressBytes(rows: number, cols: number, src: number, offsets: number, columns: number, values: number): number;
  /** Whether `array` is a view of this memory, i.e. its byteOffset is its wasm address. */
  owns(array: ArrayBufferView): boolean;
  /**
   * Zero-filled storage: tracked wasm memory, reclaimed by free() or once unreachable, or
   * a heap array when the tracked budget is spent or memory is full.
   */
  alloc(dtype: DType, length: number): FloatArray;
  /** Bytes of tracked storage handed out and not yet reclaimed. */
  trackedBytes(): number;
  /** Past this many tracked bytes, alloc hands out heap arrays (default TRACKED_BUDGET_BYTES; tests lower it). */
  setTrackedBudget(bytes: number): void;
  free(array: FloatArray): void;
  /** Untracked storage for the caller to release. */
  allocateBlock(bytes: number): Block;
  releaseBlock(block: Block): void;
  /** The current memory as bytes; refetch after anything that may allocate. */
  buffer(): ArrayBufferLike;
}

let runtime: Runtime | undefined;

/** The runtime, made on first use from the kernels the platform can read synchronously (Node). */
export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const host = registeredWasmHost();
  if (!host?.readKernels) {
    throw new Error("the WebAssembly kernels are not loaded here yet: await initWasm() first (Node: import 'nabla', which loads them)");
  }
  const shared = host.sharedMemory();
  const bytes = host.readKernels(shared ? 'shared' : 'single');
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (error) {
    throw new Error(`WebAssembly SIMD or threads are unavailable here (${error instanceof Error ? error.message : String(error)})`);
  }
  runtime = createRuntime(module, shared);
  return runtime;
}

/** The runtime if one was made. */
export function currentRuntime(): Runtime | undefined {
  return runtime;
}

/** Makes the runtime from kernels compiled elsewhere (initWasm, asynchronously); the first one stays. */
export function installRuntime(module: WebAssembly.Module, shared: boolean): Runtime {
  runtime ??= createRuntime(module, shared);
  return runtime;
}

function createRuntime(module: WebAssembly.Module, shared: boolean): Runtime {
  if (shared && typeof SharedArrayBuffer === 'undefined') {
    throw new Error('SharedArrayBuffer is unavailable, so the wasm kernels cannot share memory');
  }
  const pages = shared ? MAXIMUM_PAGES : SINGLE_PAGES;
  const memory = shared
    ? new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: SINGLE_PAGES, maximum: SINGLE_PAGES });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as ModuleExports;
  const allocator = new Allocator(memory, exports.heapBase(), pages);

  // Every buffer object this memory has shown us. memory.grow makes a new one, and arrays
  // made earlier keep the old one, so "is this ours" asks about all of them.
  const ownBuffers = new WeakSet<ArrayBufferLike>();
  const buffer = (): ArrayBufferLike => {
    const current = memory.buffer;
    ownBuffers.add(current);
    return current;
  };
  buffer();

  const blocks = new WeakMap<FloatArray, Block>();
  let tracked = 0;
  let budget = TRACKED_BUDGET_BYTES;
  const release = (block: Block): void => {
    tracked -= block.bytes;
    allocator.release(block);
  };
  const reclaim = new FinalizationRegistry<Block>(release);

  return {
    module,
    memory,
    shared,
    f64: kernelsFor(instance.exports, 'f64'),
    f32: kernelsFor(instance.exports, 'f32'),
    allocator,
    scratchBytes: exports.gemmScratchBytes(),
    firstOutside: (n, values, limit) => exports.firstOutside(n, values, limit),
    countZeroBytes: (rows, cols, a, ld, target) => exports.countZeroBytes(rows, cols, a, ld, target),
    nonzeroOffsets: (rows, cols, src, offsets) => exports.nonzeroOffsets(rows, cols, src, offsets) >>> 0,
    compressBytes: (rows, cols, src, offsets, columns, values) => exports.compressBytes(rows, cols, src, offsets, columns, values),
    owns: (array) => ownBuffers.has(array.buffer),
    alloc(dtype, length) {
      if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc: bad length ${length}`);
      const f32 = dtype === 'float32';
      const bytes = length * (f32 ? 4 : 8);
      const heap = (): FloatArray => (f32 ? new Float32Array(length) : new Float64Array(length));
      if (tracked + bytes > budget) return heap();
      let block: Block;
      try {
        block = allocator.allocate(bytes);
      } catch (error) {
        if (error instanceof RangeError) return heap(); // wasm memory is full; the heap may not be
        throw error;
      }
      tracked += block.bytes;
      const array: FloatArray = f32 ? new Float32Array(buffer(), block.ptr, length) : new Float64Array(buffer(), block.ptr, length);
      array.fill(0); // a reused block holds old values
      blocks.set(array, block);
      reclaim.register(array, block, array);
      return array;
    },
    free(array) {
      const block = blocks.get(array);
      if (!block) return; // not from alloc, or freed already
      blocks.delete(array);
      reclaim.unregister(array);
      release(block);
    },
    trackedBytes: () => tracked,
    setTrackedBudget: (bytes) => {
      budget = bytes;
    },
    allocateBlock: (bytes) => allocator.allocate(bytes),
    releaseBlock: (block) => allocator.release(block),
    buffer,
  };
}
