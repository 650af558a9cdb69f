import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';
import { envVar } from '../util/env.js';
import { checkOptions, describeValue } from '../util/options.js';
import { createWasmBackend, maxThreads, maxThreadsReason, wasmHost, type WasmBackendOptions } from './wasm/index.js';
import { currentRuntime } from './wasm/runtime.js';

export type { Backend, DType, FloatArray } from './backend.js';
export { referenceBackend } from './reference/index.js';

export type BackendName = 'reference' | 'wasm';
export const BACKEND_NAMES: readonly BackendName[] = ['reference', 'wasm'];

let active: Backend | undefined;
let fallbackReported = false;
/** Why the active backend is the reference one when the fast one was wanted. */
let fallbackReason: string | undefined;

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
  fallbackReason = undefined;
  return active;
}

/** The reference backend stands in where the wasm one cannot run; `reason` says why (initWasm). */
export function useReferenceBackend(reason: string): Backend {
  active = referenceBackend;
  fallbackReason = reason;
  return active;
}

/**
 * The active backend. The first call picks $NABLA_BACKEND if set, else the fast one,
 * falling back to the reference backend (and saying so once) where it cannot run.
 */
export function getBackend(): Backend {
  if (active) return active;
  const requested = envVar('NABLA_BACKEND');
  if (requested !== undefined && requested !== '') {
    if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
      throw new Error(`NABLA_BACKEND must be one of ${BACKEND_NAMES.join(', ')}, got '${requested}'`);
    }
    active = createBackend(requested as BackendName);
    return active;
  }
  const threads = envVar('NABLA_THREADS');
  if (threads !== undefined && threads !== '' && !/^[1-9]\d*$/.test(threads)) {
    // A typo must not silently cost the fast backend: only a missing feature falls back.
    throw new Error(`NABLA_THREADS must be a positive integer, got '${threads}'`);
  }
  if (threads !== undefined && threads !== '' && Number(threads) > maxThreads()) {
    throw new Error(`NABLA_THREADS must be at most ${maxThreads()} (${maxThreadsReason()}), got '${threads}'`);
  }
  if (!currentRuntime() && !wasmHost().readKernels) {
    // The web: kernels are compiled asynchronously, by initWasm(); until then, quietly the reference.
    fallbackReason = 'the WebAssembly kernels are not loaded: await initWasm() to use them';
    active = referenceBackend;
    return active;
  }
  try {
    active = createWasmBackend({});
  } catch (error) {
    if (!fallbackReported) {
      fallbackReported = true;
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`nabla: using the reference backend (${reason})`);
    }
    fallbackReason = error instanceof Error ? error.message : String(error);
    active = referenceBackend;
  }
  return active;
}

export interface BackendReport {
  /** The active backend: 'wasm', 'reference', or a custom backend's name. */
  name: string;
  /** Threads its large kernels run on, main included. */
  threads: number;
  /** 'node' or 'web': where the wasm kernels run (or would). */
  platform: string;
  /** Whether memory is shared with worker threads (a browser page: when cross-origin isolated). */
  sharedMemory: boolean;
  /** Why it is the reference backend, when the wasm one was wanted and could not run. */
  reason?: string;
}

/** What getBackend() gives now, and why: for a page's footer or a log line. */
export function backendReport(): BackendReport {
  const backend = getBackend();
  const host = wasmHost();
  const runtime = currentRuntime();
  const report: BackendReport = {
    name: backend.name,
    threads: (backend as { threads?: number }).threads ?? 1,
    platform: host.name,
    sharedMemory: runtime ? runtime.shared : host.sharedMemory(),
  };
  if (backend === referenceBackend && fallbackReason !== undefined) report.reason = fallbackReason;
  return report;
}

/** A name that is not a backend's must not silently give another backend. */
function checkBackendName(where: string, name: unknown): asserts name is BackendName {
  if (!(BACKEND_NAMES as readonly unknown[]).includes(name)) {
    throw new RangeError(`${where}: unknown backend ${describeValue(name)} (valid: ${BACKEND_NAMES.join(', ')})`);
  }
}
