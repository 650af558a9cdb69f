// The Train page's Worker: it loads the WebAssembly kernels (threaded when the page is
// cross-origin isolated: a Worker may block in Atomics.wait, so the pool works here),
// fetches MNIST once and trains, so that the page never waits on a training step.

import { backendReport, initWasm, type BackendReport } from '../../src/index.js';
import { MnistCache } from './train/data.js';
import type { FromWorker, ToWorker } from './train/protocol.js';
import { oneLine, TrainingSession } from './train/session.js';

interface WorkerScope {
  location: { href: string };
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

// The data/ folder sits next to the pages, and this script is built next to them.
const data = new MnistCache(scope.location.href, (loaded, total) => post({ type: 'data', loaded, total }));
const session = new TrainingSession(post, data);

const ready = (async (): Promise<void> => {
  let report: BackendReport;
  try {
    report = await initWasm();
  } catch (error) {
    // initWasm falls back to the reference backend by itself; this is for the unforeseen.
    report = { ...backendReport(), reason: oneLine(error) };
  }
  post({ type: 'backend', report });
})();

// Messages are handled one after another, in the order they came.
let queue: Promise<void> = ready;
scope.onmessage = (event) => {
  queue = queue.then(() => session.handle(event.data)).catch((error: unknown) => post({ type: 'error', during: 'training', message: oneLine(error) }));
};
