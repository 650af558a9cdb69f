// The WebAssembly SIMD backend: kernels compiled from AssemblyScript (./assembly), one
// memory per process (or page), shared with worker threads that split large kernels.

import { checkOptions } from '../../util/options.js';
import { registeredWasmHost, type WasmHost } from './host.js';
import { ThreadPool } from './pool.js';
import { getRuntime, type Runtime } from './runtime.js';
import { webWasmHost } from './web_host.js';
import { makeWasmBackend, type WasmBackend } from './wasm-backend.js';

export type { ConvPathCounts, GatherPathCounts, GemmPathCounts, WasmBackend } from './wasm-backend.js';
export { SPARSE_MIN_COLUMNS, SPARSE_SAMPLE_ROWS, SPARSE_ZERO_FRACTION, sparseSample } from './wasm-backend.js';
export { CONV_THRESHOLD_BYTES, GATHER_THRESHOLD_BYTES, THREADING_THRESHOLD, WORKER_SPIN_MS } from './pool.js';

export interface WasmBackendOptions {
  /** Worker threads for large kernels, main thread included; default: NABLA_THREADS, else available cores. */
  threads?: number;
}

// Pools are per thread count and live for the whole process: workers are costly to start,
// and an idle, unref'd worker costs nothing.
const pools = new Map<number, ThreadPool>();

/** The platform the kernels run on: the one an entry registered (Node), else the web's. */
export function wasmHost(): WasmHost {
  return registeredWasmHost() ?? webWasmHost;
}

/**
 * The most threads a backend may have: 4 per core, at most 256. More only wait for a
 * core, and each is a worker with its own heap (about 9 MB), so 1000 of them cost gigabytes.
 */
export function maxThreads(): number {
  return Math.min(256, 4 * wasmHost().cores());
}

/** Why maxThreads() is what it is, for error messages. */
export function maxThreadsReason(): string {
  return `4 × the ${wasmHost().cores()} cores here, at most 256: more threads only wait for a core, and each takes memory`;
}

/** Throws a clear Error when WebAssembly SIMD, threads or shared memory are unavailable. */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  return wasmBackendOver(getRuntime(), options);
}

/** A wasm backend over a runtime already made (initWasm makes it asynchronously). */
export function wasmBackendOver(rt: Runtime, options: WasmBackendOptions = {}): WasmBackend {
  checkOptions('createWasmBackend', options, ['threads']);
  const host = wasmHost();
  // Without shared memory (a page that is not cross-origin isolated) there is one thread.
  const threads = options.threads ?? (rt.shared ? host.defaultThreads() : 1);
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (threads > maxThreads()) {
    throw new RangeError(`${options.threads === undefined ? 'NABLA_THREADS' : 'threads'} must be at most ${maxThreads()} (${maxThreadsReason()}), got ${threads}`);
  }
  let pool = pools.get(threads);
  if (!pool) pools.set(threads, (pool = new ThreadPool(rt, threads, host)));
  return makeWasmBackend(rt, pool);
}
