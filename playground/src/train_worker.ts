// The Train page's Worker: it loads the WebAssembly kernels (threaded when the page is
// cross-origin isolated: a Worker may block in Atomics.wait, so the pool works here),
// fetches MNIST once and trains, so that the page never waits on a training step.

import { backendReport, initWasm, type BackendReport } from '../../src/index.js';
import { MnistCache } from './train/data.js';
import type { FromWorker, ToWorker } from './train/protocol.js';
import { oneLine } from './lib/one_line.js';
import { TrainingSession } from './train/session.js';

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

async function init(threads: number | undefined): Promise<void> {
  let report: BackendReport;
  try {
    try {
      report = await initWasm(threads === undefined ? {} : { threads });
    } catch (error) {
      if (threads === undefined) throw error;
      // A thread count this machine cannot take: say so, and train on the default.
      post({ type: 'error', during: 'init', message: `?threads=${threads}: ${oneLine(error)}` });
      report = await initWasm();
    }
  } catch (error) {
    // initWasm falls back to the reference backend by itself; this is for the unforeseen.
    report = { ...backendReport(), reason: oneLine(error) };
  }
  post({ type: 'backend', report });
}

// Messages are handled one after another, in the order they came; the page's first is 'init'.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const message = event.data;
  queue = queue
    .then(() => (message.type === 'init' ? init(message.threads) : session.handle(message)))
    .catch((error: unknown) => post({ type: 'error', during: 'training', message: oneLine(error) }));
};
