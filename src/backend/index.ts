import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';
import { checkOptions, describeValue } from '../util/options.js';
import { createWasmBackend, maxThreads, maxThreadsReason, type WasmBackendOptions } from './wasm/index.js';

export type { Backend, DType, FloatArray } from './backend.js';
export { referenceBackend } from './reference/index.js';

export type BackendName = 'reference' | 'wasm';
export const BACKEND_NAMES: readonly BackendName[] = ['reference', 'wasm'];

let active: Backend | undefined;
let fallbackReported = false;

/** Builds a backend by name. 'wasm' throws when WebAssembly SIMD is unavailable. */
export function createBackend(name: BackendName, options: WasmBackendOptions = {}): Backend {
  checkBackendName('createBackend', name);
  checkOptions('createBackend', options, ['threads']);
  if (name !== 'wasm' && options.threads !== undefined) throw new RangeError(`createBackend: threads apply to the wasm backend only, not to '${name}'`);
  return name === 'wasm' ? createWasmBackend(options) : referenceBackend;
}

/**
 * Makes `backend` the one every tensor op and layer uses from now on. Tensors made
 * earlier keep working: every backend accepts any Float64Array/Float32Array.
 */
export function setBackend(backend: Backend | BackendName, options: WasmBackendOptions = {}): Backend {
  if (typeof backend === 'string') checkBackendName('setBackend', backend);
  else if (backend === null || typeof backend !== 'object' || typeof backend.alloc !== 'function' || typeof backend.gemm !== 'function') {
    throw new TypeError(`setBackend: expected a backend name (${BACKEND_NAMES.join(', ')}) or a Backend object, got ${describeValue(backend)}`);
  }
  active = typeof backend === 'string' ? createBackend(backend, options) : backend;
  return active;
}

/**
 * The active backend. The first call picks $NABLA_BACKEND if set, else the fast one,
 * falling back to the reference backend (and saying so once) where it cannot run.
 */
export function getBackend(): Backend {
  if (active) return active;
  const requested = globalThis.process?.env?.NABLA_BACKEND;
  if (requested !== undefined && requested !== '') {
    if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
      throw new Error(`NABLA_BACKEND must be one of ${BACKEND_NAMES.join(', ')}, got '${requested}'`);
    }
    active = createBackend(requested as BackendName);
    return active;
  }
  const threads = globalThis.process?.env?.NABLA_THREADS;
  if (threads !== undefined && threads !== '' && !/^[1-9]\d*$/.test(threads)) {
    // A typo must not silently cost the fast backend: only a missing feature falls back.
    throw new Error(`NABLA_THREADS must be a positive integer, got '${threads}'`);
  }
  if (threads !== undefined && threads !== '' && Number(threads) > maxThreads()) {
    throw new Error(`NABLA_THREADS must be at most ${maxThreads()} (${maxThreadsReason()}), got '${threads}'`);
  }
  try {
    active = createWasmBackend({});
  } catch (error) {
    if (!fallbackReported) {
      fallbackReported = true;
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`nabla: using the reference backend (${reason})`);
    }
    active = referenceBackend;
  }
  return active;
}

/** A name that is not a backend's must not silently give another backend. */
function checkBackendName(where: string, name: unknown): asserts name is BackendName {
  if (!(BACKEND_NAMES as readonly unknown[]).includes(name)) {
    throw new RangeError(`${where}: unknown backend ${describeValue(name)} (valid: ${BACKEND_NAMES.join(', ')})`);
  }
}
