// Loads the WebAssembly kernels asynchronously, as the web requires (a page may not compile
// a large module synchronously, and nothing can be read from disk). In Node the Node entry
// has them loaded on first use already; initWasm() there only picks the thread count.

import { backendReport, setBackend, useReferenceBackend, type BackendReport } from './index.js';
import { checkOptions } from '../util/options.js';
import { wasmBackendOver, wasmHost } from './wasm/index.js';
import { currentRuntime, getRuntime, installRuntime, type Runtime } from './wasm/runtime.js';

export interface InitWasmOptions {
  /** Threads for large kernels, main included; default: the cores where memory can be shared, else 1. */
  threads?: number;
}

/**
 * Makes the WebAssembly backend the active one and says what it got: threaded on Web Workers
 * where memory can be shared (a cross-origin isolated page, Node, Deno), one thread where it
 * cannot, and the reference backend, with the reason, where WebAssembly SIMD is missing.
 */
export async function initWasm(options: InitWasmOptions = {}): Promise<BackendReport> {
  checkOptions('initWasm', options, ['threads']);
  let runtime: Runtime;
  try {
    runtime = currentRuntime() ?? (wasmHost().readKernels ? getRuntime() : await compileRuntime());
  } catch (error) {
    useReferenceBackend(error instanceof Error ? error.message : String(error));
    return backendReport();
  }
  setBackend(wasmBackendOver(runtime, options.threads === undefined ? {} : { threads: options.threads }));
  return backendReport();
}

async function compileRuntime(): Promise<Runtime> {
  // The kernels travel inside the bundle, so no bundler needs to be told about a .wasm file.
  const { SHARED_KERNELS_BASE64, SINGLE_KERNELS_BASE64 } = await import('./wasm/generated/kernels.js');
  if (wasmHost().sharedMemory()) {
    try {
      return installRuntime(await compile(SHARED_KERNELS_BASE64), true);
    } catch {
      // A shared memory reserves 4 GiB of address space, which a 32-bit or phone browser may
      // refuse: one thread on plain memory is still far faster than the reference backend.
    }
  }
  return installRuntime(await compile(SINGLE_KERNELS_BASE64), false);
}

async function compile(base64: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(fromBase64(base64));
  } catch (error) {
    throw new Error(`WebAssembly SIMD is unavailable here (${error instanceof Error ? error.message : String(error)})`);
  }
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
