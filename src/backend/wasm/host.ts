// What the WebAssembly backend needs from the platform it runs on, as one contract: Node
// (src/platform/node/wasm_host.ts, registered by the Node entry) and the web (web_host.ts:
// browsers, Web Workers, Deno) each provide one. The backend itself imports neither.

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  scratch: number;
  /** How long the worker watches for a next job before it sleeps (0: sleep at once). */
  spinMs: number;
}

/** The two builds of the kernels: over shared memory (threads), and over plain memory. */
export type KernelVariant = 'shared' | 'single';

export interface WasmHost {
  /** 'node' or 'web', for reports. */
  readonly name: string;
  /**
   * The compiled kernels' bytes, read synchronously, so that the first getBackend() can
   * make the wasm backend at once (Node reads its file). Absent where bytes must be
   * fetched or compiled asynchronously: there, initWasm() makes the backend.
   */
  readKernels?(variant: KernelVariant): Uint8Array<ArrayBuffer>;
  /** Whether memory can be shared with worker threads here (a browser page: only when cross-origin isolated). */
  sharedMemory(): boolean;
  /** Threads a backend gets when none are asked for (NABLA_THREADS in Node, else the cores). */
  defaultThreads(): number;
  /** Cores this process may use at once. */
  cores(): number;
  /** Whether this thread may sleep in Atomics.wait (Node, a Web Worker: yes; a page's main thread: no). */
  canBlock(): boolean;
  /** Starts a worker thread that runs the pool's jobs (protocol.ts) over init.memory. */
  spawnWorker(init: WorkerInit): void;
}

let host: WasmHost | undefined;

/** Called once by a platform entry (the Node entry), before any backend is made. */
export function setWasmHost(next: WasmHost): void {
  host = next;
}

/** The registered host, if a platform entry registered one. */
export function registeredWasmHost(): WasmHost | undefined {
  return host;
}

/**
 * How the worker threads started so far fared. A worker that fails leaves its share of
 * each job to the other threads (tasks are claimed, not assigned), so results stay right.
 */
export const workerThreads = { started: 0, ready: 0, failed: 0 };

let workerFailureReported = false;

/** One line on stderr, once per process: the pool keeps working, but slower than asked. */
export function reportWorkerFailure(what: string, error: unknown): void {
  if (workerFailureReported) return;
  workerFailureReported = true;
  const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 300);
  console.warn(`nabla: a wasm worker thread ${what} (${message}); its share of the work runs on the other threads`);
}
