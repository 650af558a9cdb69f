// The WebAssembly backend's host in Node: kernels read synchronously from the package (so
// the first getBackend() gives the fast backend at once), worker_threads, the core count.

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { reportWorkerFailure, workerThreads, type KernelVariant, type WasmHost, type WorkerInit } from '../../backend/wasm/host.js';

const FILE_NAMES: Record<KernelVariant, string> = { shared: 'nabla.wasm', single: 'nabla-single.wasm' };

function candidates(variant: KernelVariant): URL[] {
  return [
    new URL(`../../backend/wasm/${FILE_NAMES[variant]}`, import.meta.url), // copied beside the loader by build-wasm
    new URL(`../../../../build/${FILE_NAMES[variant]}`, import.meta.url), // dist/src/platform/node → build/
  ];
}

function readKernels(variant: KernelVariant): Uint8Array<ArrayBuffer> {
  const urls = candidates(variant);
  for (const url of urls) {
    if (existsSync(url)) return new Uint8Array(readFileSync(url));
  }
  const tried = urls.map((url) => fileURLToPath(url)).join(', ');
  throw new Error(`the compiled kernels are missing (run npm run build:wasm; looked in ${tried})`);
}

function defaultThreads(): number {
  const fromEnv = process.env['NABLA_THREADS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const count = Number(fromEnv);
    if (!Number.isInteger(count) || count < 1) throw new Error(`NABLA_THREADS must be a positive integer, got '${fromEnv}'`);
    return count;
  }
  return availableParallelism();
}

/** The worker's entry, loaded by a one-line program so the worker never parses its own flags. */
const WORKER_PROGRAM = `import(${JSON.stringify(new URL('./wasm_worker.js', import.meta.url).href)})`;

/** Starts a worker running wasm_worker.js; unref'd so an idle pool never keeps the process alive. */
function spawnWorker(init: WorkerInit): void {
  // No execArgv: a worker inherits the parent's options as already parsed, whereas an
  // explicit list is re-parsed and refused if it holds a V8 or process-wide flag
  // (--max-old-space-size, --expose-gc, --stack-size, --title). The entry is evaluated
  // code because an inherited --input-type (node --input-type=module -e …) is refused
  // for a file entry but applies to code, where import() works in either module type.
  const worker = new Worker(WORKER_PROGRAM, { eval: true, workerData: init });
  workerThreads.started++;
  let ready = false;
  worker.once('message', () => {
    ready = true;
    workerThreads.ready++;
  });
  worker.on('error', (error) => {
    workerThreads.failed++;
    reportWorkerFailure(ready ? 'stopped' : 'failed to start', error);
  });
  worker.unref();
}

export const nodeWasmHost: WasmHost = {
  name: 'node',
  readKernels,
  sharedMemory: () => typeof SharedArrayBuffer !== 'undefined',
  defaultThreads,
  cores: availableParallelism,
  canBlock: () => true, // Node's main thread may sleep in Atomics.wait
  spawnWorker,
};
