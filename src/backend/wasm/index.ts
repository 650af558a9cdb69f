import type { Backend } from '../backend.js';

export interface WasmBackendOptions {
  /** Worker threads for large kernels, main thread included; default: available cores. */
  threads?: number;
}

// Placeholder until the WebAssembly backend lands: selection falls back to reference.
export function createWasmBackend(_options: WasmBackendOptions): Backend {
  throw new Error('the WebAssembly backend is not built yet');
}
