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

/**
 * How the worker threads started so far fared. A worker that fails leaves its share of
 * each job to the other threads (tasks are claimed, not assigned), so results stay right.
 */
export const workerThreads = { started: 0, ready: 0, failed: 0 };

/** The worker's entry, loaded by a one-line program so the worker never parses its own flags. */
const WORKER_PROGRAM = `import(${JSON.stringify(new URL('./worker.js', import.meta.url).href)})`;

/** Starts a worker running worker.js; unref'd so an idle pool never keeps the process alive. */
export function spawnWorker(init: WorkerInit): void {
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

let workerFailureReported = false;

/** One line on stderr, once per process: the pool keeps working, but slower than asked. */
function reportWorkerFailure(what: string, error: unknown): void {
  if (workerFailureReported) return;
  workerFailureReported = true;
  const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 300);
  console.warn(`nabla: a wasm worker thread ${what} (${message}); its share of the work runs on the other threads`);
}
