// The WebAssembly backend's host in Node: kernels read synchronously from the package (so
// the first getBackend() gives the fast backend at once), worker_threads, the core count.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  // A split kernel waits for its slowest thread: a thread on a core that other work keeps
  // busy makes every split job wait, which measured 1.5× slower for the seed's run beside
  // stress-ng --cpu 1 than one thread alone. So the cores others use now are left to them.
  return Math.max(1, availableParallelism() - busyCores(runnableTasks));
}

/**
 * Runnable tasks now: the machine's (/proc/loadavg's fourth field: runnable / all tasks) and
 * this process's own (its threads in state R: V8 compiles and collects on helper threads
 * while a program starts). Undefined where it cannot tell (not Linux).
 */
function runnableTasks(): { all: number; own: number } | undefined {
  try {
    const all = Number(/^\S+ \S+ \S+ (\d+)\//.exec(readFileSync('/proc/loadavg', 'utf8'))?.[1]);
    let own = 0;
    for (const task of readdirSync('/proc/self/task')) {
      try {
        // The state follows the command name in parentheses, which may itself hold spaces.
        const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
        if (stat[stat.lastIndexOf(')') + 2] === 'R') own++;
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return Number.isInteger(all) ? { all, own: Math.max(own, 1) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Cores other work keeps busy right now: runnable tasks that are not this process's. The
 * fewest of a few looks, so that a task runnable for an instant does not cost a thread for
 * the whole run.
 */
export function busyCores(look: () => { all: number; own: number } | undefined, looks = 5): number {
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < looks; i++) {
    const seen = look();
    if (seen === undefined || !(seen.all >= 1)) return 0;
    fewest = Math.min(fewest, Math.max(0, seen.all - seen.own));
  }
  return fewest;
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
