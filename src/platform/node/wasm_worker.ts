// A GEMM worker thread: instantiates the kernels over the shared memory, then sleeps until
// the main thread publishes a job, claims tasks until none are left, watches for the next
// job for up to init.spinMs, and sleeps again. Training publishes a small job every few
// hundred microseconds, which the watching catches without a wake-up; an idle process
// sleeps after a few milliseconds, so it does not keep a core busy.
// It never returns to its event loop; the pool unref()s it, so process exit ends it.

import { parentPort, workerData } from 'node:worker_threads';
import { kernelsFor } from '../../backend/wasm/exports.js';
import type { WorkerInit } from '../../backend/wasm/host.js';
import { CONTROL_INTS, drain, spinWhileEqual, WAKE } from '../../backend/wasm/protocol.js';

const init = workerData as WorkerInit;
// Instantiation re-applies the module's data segments (constant math tables) with the very
// bytes already there, so it cannot disturb the main thread.
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
const f64 = kernelsFor(instance.exports, 'f64');
const f32 = kernelsFor(instance.exports, 'f32');
const ctl = new Int32Array(init.memory.buffer, init.control, CONTROL_INTS);
parentPort?.postMessage('ready'); // the pool's count of working threads (wasm_host.ts)

let seen = Atomics.load(ctl, WAKE);
for (;;) {
  drain(ctl, f64, f32, init.scratch);
  if (!spinWhileEqual(ctl, WAKE, seen, init.spinMs)) Atomics.wait(ctl, WAKE, seen);
  seen = Atomics.load(ctl, WAKE);
}
