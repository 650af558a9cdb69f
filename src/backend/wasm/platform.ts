// Everything Node-specific the WebAssembly backend needs, in one place, so that a browser
// build can swap this file out (synchronous file reads, worker_threads, core count).

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WASM_CANDIDATES = [
  new URL('./nabla.wasm', import.meta.url), // copied next to the compiled loader by build-wasm
  new URL('../../../../build/nabla.wasm', import.meta.url), // dist/src/backend/wasm → build/
];

/** The compiled kernels, read synchronously so that backend creation stays synchronous. */
export function readWasmBytes(): Uint8Array<ArrayBuffer> {
  for (const url of WASM_CANDIDATES) {
    if (existsSync(url)) return new Uint8Array(readFileSync(url));
  }
  const tried = WASM_CANDIDATES.map((url) => fileURLToPath(url)).join(', ');
  throw new Error(`the compiled kernels are missing (run npm run build:wasm; looked in ${tried})`);
}

export function defaultThreads(): number {
  const fromEnv = process.env['NABLA_THREADS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const count = Number(fromEnv);
    if (!Number.isInteger(count) || count < 1) throw new Error(`NABLA_THREADS must be a positive integer, got '${fromEnv}'`);
    return count;
  }
  return availableParallelism();
}

/** Cores this process may use at once. */
export function cores(): number {
  return availableParallelism();
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
export const canBlock = true;

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  scratch: number;
  /** How long the worker watches for a next job before it sleeps (0: sleep at once). */
  spinMs: number;
}

/** Starts a worker running worker.js; unref'd so an idle pool never keeps the process alive. */
export function spawnWorker(init: WorkerInit): void {
  // Workers inherit the process's Node options, but refuse --input-type (only for -e or
  // stdin), which would leave a `node --input-type=module -e …` process without workers.
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, execArgv });
  worker.on('error', (error) => {
    process.emitWarning(`nabla: a wasm worker thread failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  worker.unref();
}
