// The WebAssembly backend's host on the web: browsers (a page or a Web Worker), Deno. No
// synchronous kernel bytes (initWasm() compiles them asynchronously), Web Workers over
// shared memory when the page is cross-origin isolated, one thread otherwise.

import { WORKER_SOURCE } from './generated/worker_source.js';
import { reportWorkerFailure, workerThreads, type WasmHost, type WorkerInit } from './host.js';

interface WebGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  WorkerGlobalScope?: unknown;
  Worker?: typeof Worker;
}

const web = globalThis as unknown as WebGlobals;

let workerUrl: string | undefined;

function spawnWorker(init: WorkerInit): void {
  workerThreads.started++;
  if (typeof web.Worker !== 'function') {
    workerThreads.failed++;
    reportWorkerFailure('failed to start', 'Web Workers are unavailable here');
    return;
  }
  // A Blob URL, not a file next to the bundle: bundlers differ in how they ship worker files.
  workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    // Module workers are refused by some browsers (Firefox before 114) and sandboxed frames.
    worker = new web.Worker(workerUrl, { type: 'module', name: 'nabla-wasm' });
  } catch (error) {
    workerThreads.failed++;
    reportWorkerFailure('failed to start', error);
    return;
  }
  let ready = false;
  worker.addEventListener('message', () => {
    ready = true;
    workerThreads.ready++;
  }, { once: true });
  worker.addEventListener('error', (event) => {
    workerThreads.failed++;
    reportWorkerFailure(ready ? 'stopped' : 'failed to start', event.message || 'error event');
  });
  worker.postMessage(init);
}

function cores(): number {
  const n = web.navigator?.hardwareConcurrency;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 1;
}

/** Shared memory needs SharedArrayBuffer, which a browser gives only a cross-origin isolated page. */
function sharedMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && web.crossOriginIsolated !== false;
}

export const webWasmHost: WasmHost = {
  name: 'web',
  sharedMemory,
  defaultThreads: () => (sharedMemory() && typeof web.Worker === 'function' ? cores() : 1),
  cores,
  // A page's main thread may not sleep in Atomics.wait; a worker may.
  canBlock: () => web.WorkerGlobalScope !== undefined && globalThis instanceof (web.WorkerGlobalScope as new () => object),
  spawnWorker,
};
