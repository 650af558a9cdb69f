// A worker thread of the wasm pool on the web (browsers, Deno): what the Node worker does
// (src/platform/node/wasm_worker.ts), started from a message instead of workerData. The
// build bundles this file into one self-contained script (generated/worker_source.ts), so
// the web host can start it from a Blob URL, whatever bundler the page was built with.

import { kernelsFor } from './exports.js';
import type { WorkerInit } from './host.js';
import { CONTROL_INTS, drain, spinWhileEqual, WAKE } from './protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerInit>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  scope.onmessage = null;
  const init = event.data;
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const f64 = kernelsFor(instance.exports, 'f64');
  const f32 = kernelsFor(instance.exports, 'f32');
  const ctl = new Int32Array(init.memory.buffer, init.control, CONTROL_INTS);
  scope.postMessage('ready');
  // A worker sleeps in Atomics.wait between jobs, so it never returns to its event loop.
  let seen = Atomics.load(ctl, WAKE);
  for (;;) {
    drain(ctl, f64, f32, init.scratch);
    if (!spinWhileEqual(ctl, WAKE, seen, init.spinMs)) Atomics.wait(ctl, WAKE, seen);
    seen = Atomics.load(ctl, WAKE);
  }
};
