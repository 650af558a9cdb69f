// The Train page: a form for the network and the optimizer, a Worker that trains, live
// plots, and the weights saved to or loaded from a .safetensors file (and offered to the
// Draw page). The page only shows and asks; the Worker owns the data and the network.

import { printable } from '../../src/io/printable.js';
import { describeBackend } from './lib/footer.js';
import { element } from './train/dom.js';
import { SettingsForm } from './train/form.js';
import { MAX_MODEL_BYTES, MODEL_CHANNEL, type FromWorker, type ToWorker } from './train/protocol.js';
import { RunView } from './train/run_view.js';

type State = 'idle' | 'starting' | 'running' | 'paused' | 'finishing' | 'done' | 'failed' | 'loaded';

const startButton = element<HTMLButtonElement>('start');
const pauseButton = element<HTMLButtonElement>('pause');
const resetButton = element<HTMLButtonElement>('reset');
const saveButton = element<HTMLButtonElement>('save');
const loadInput = element<HTMLInputElement>('load');
const settingsError = element('settings-error');
const statusLine = element('status');
const modelStatus = element('model-status');
const modelError = element('model-error');
const form = new SettingsForm(settingsError);
const view = new RunView(() => form.iterations);

let state: State = 'idle';
/** Whether the Worker holds a network that Save weights can save. */
let hasNetwork = false;

/** The network last trained, paused or loaded here, for the Draw page (see MODEL_CHANNEL). */
let shared: { bytes: ArrayBuffer; name: string } | undefined;
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(MODEL_CHANNEL) : undefined;
channel?.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'request' && shared) channel.postMessage({ type: 'model', ...shared });
});

const worker = new Worker(new URL('./train_worker.js', import.meta.url), { type: 'module', name: 'nabla-train' });
const send = (message: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);
worker.addEventListener('message', (event: MessageEvent<FromWorker>) => receive(event.data));
worker.addEventListener('error', (event) => {
  event.preventDefault();
  fail(`The training Worker stopped: ${event.message || 'it could not be started'}. Reload the page to try again.`);
  element('backend').textContent = 'unavailable (the training Worker did not start)';
});
worker.addEventListener('messageerror', () => fail('A message from the training Worker could not be read. Reload the page to try again.'));
send({ type: 'init', ...threadsAsked() });

function receive(message: FromWorker): void {
  switch (message.type) {
    case 'backend': {
      const output = element('backend');
      output.textContent = describeBackend(message.report);
      output.dataset.backend = message.report.name;
      output.dataset.threads = String(message.report.threads);
      return;
    }
    case 'data':
      say(message.total > 0
        ? `Fetching MNIST from the server: ${megabytes(message.loaded)} of ${megabytes(message.total)}…`
        : `Fetching MNIST from the server: ${megabytes(message.loaded)}…`);
      return;
    case 'started':
      hasNetwork = true;
      setState('running');
      say(`Training ${message.description} on ${message.trainRows} images.`);
      return;
    case 'progress':
      view.add(message.iteration, message.totalIterations, message.losses, message.evals, message.iterationsPerSecond);
      return;
    case 'paused':
      setState('paused');
      send({ type: 'save', purpose: 'share' });
      say(`Paused at iteration ${view.iteration}.`);
      return;
    case 'resumed':
      setState('running');
      say('Training again.');
      return;
    case 'finishing':
      setState('finishing');
      say('All iterations done; scoring the network on all the test images…');
      return;
    case 'done': {
      view.draw();
      setState('done');
      send({ type: 'save', purpose: 'share' });
      view.showFinal(message.testAcc);
      const speed = view.finishedIn(message.seconds);
      say(`Done: ${view.totalIterations} iterations in ${message.seconds.toFixed(2)} s of training (${speed} per second). Test accuracy ${message.testAcc.toFixed(4)} on all ${message.testImages} test images.`);
      return;
    }
    case 'reset':
      view.clear();
      delete modelStatus.dataset.testAcc;
      hasNetwork = false;
      setState('idle');
      say('Reset. Change the settings and press Start.');
      return;
    case 'saved':
      if (message.purpose === 'share') {
        shared = { bytes: message.bytes, name: message.label };
        channel?.postMessage({ type: 'model', ...shared });
        element('share-status').textContent = `The Draw page can classify your digits with ${message.label}.`;
        return;
      }
      download(message.bytes, message.fileName);
      modelError.textContent = '';
      modelStatus.textContent = `Saved ${message.fileName} (${megabytes(message.bytes.byteLength)}). Check it with: npx nabla evaluate --model ${message.fileName}`;
      return;
    case 'loaded':
      view.clear();
      hasNetwork = true;
      setState('loaded');
      send({ type: 'save', purpose: 'share' });
      modelError.textContent = '';
      modelStatus.textContent = `Loaded ${message.name}: ${message.description}. Test accuracy ${message.testAcc.toFixed(4)} on all ${message.testImages} test images.`;
      modelStatus.dataset.testAcc = String(message.testAcc);
      view.showFinal(message.testAcc);
      say(`Loaded ${message.name}. Save weights saves it again; Start trains a new network.`);
      return;
    case 'error':
      if (message.during === 'load' || message.during === 'save') {
        modelStatus.textContent = '';
        modelError.textContent = message.during === 'load' ? `Could not load: ${message.message}` : `Could not save: ${message.message}`;
        return;
      }
      if (message.during === 'init') {
        settingsError.textContent = `Ignoring ${message.message}`;
        return;
      }
      if (message.during === 'training') {
        view.draw();
        fail(`Training stopped: ${message.message}. Press Reset to start again.`);
        return;
      }
      // The data could not be fetched or the network not built: nothing is training.
      view.clear();
      hasNetwork = 'holdsNetwork' in message ? message.holdsNetwork : hasNetwork;
      setState(hasNetwork ? 'loaded' : 'idle');
      say('');
      settingsError.textContent = message.during === 'data' ? `Could not load MNIST: ${message.message}` : `Could not start: ${message.message}`;
      return;
  }
}

function setState(next: State): void {
  state = next;
  const busy = next === 'starting' || next === 'running' || next === 'paused' || next === 'finishing';
  form.locked = busy;
  startButton.disabled = busy;
  pauseButton.disabled = next !== 'running' && next !== 'paused';
  pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
  resetButton.disabled = next === 'idle';
  saveButton.disabled = !hasNetwork || next === 'failed';
  document.body.dataset.state = next;
}

function say(text: string): void {
  statusLine.textContent = text;
}

function fail(text: string): void {
  setState('failed');
  say('');
  settingsError.textContent = text;
}

element<HTMLFormElement>('settings').addEventListener('submit', (event) => {
  event.preventDefault();
  if (startButton.disabled) return;
  const settings = form.read();
  if (settings === undefined) return;
  settingsError.textContent = '';
  modelStatus.textContent = '';
  modelError.textContent = '';
  delete modelStatus.dataset.testAcc;
  view.clear(settings.iterations);
  setState('starting');
  say('Starting…');
  send({ type: 'start', settings });
});

pauseButton.addEventListener('click', () => {
  if (state === 'running') send({ type: 'pause' });
  else if (state === 'paused') send({ type: 'resume' });
});

resetButton.addEventListener('click', () => send({ type: 'reset' }));

saveButton.addEventListener('click', () => {
  modelError.textContent = '';
  send({ type: 'save', purpose: 'download' });
});

loadInput.addEventListener('change', () => {
  const file = loadInput.files?.[0];
  loadInput.value = ''; // the same file picked again is a new load
  if (!file) return;
  const name = printable(file.name, 200);
  modelStatus.textContent = '';
  modelError.textContent = '';
  delete modelStatus.dataset.testAcc;
  if (file.size > MAX_MODEL_BYTES) {
    modelError.textContent = `Could not load: ${name}: ${file.size} bytes is far larger than any model file (at most ${MAX_MODEL_BYTES / 1024 / 1024} MB)`;
    return;
  }
  modelStatus.textContent = `Reading ${name}…`;
  file.arrayBuffer().then((bytes) => {
    send({ type: 'load', bytes, name: file.name, dtype: form.dtype }, [bytes]);
  }, (error: unknown) => {
    modelStatus.textContent = '';
    modelError.textContent = `Could not load: ${name} could not be read (${printable(error instanceof Error ? error.message : String(error), 200)})`;
  });
});

/** train.html?threads=N trains on N threads (1 to compare with one core); by default, on every core. */
function threadsAsked(): { threads?: number } {
  const text = new URLSearchParams(location.search).get('threads');
  if (text === null) return {};
  const threads = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (threads >= 1 && threads <= 256) return { threads };
  settingsError.textContent = `Ignoring ?threads=${printable(text, 20)}: it must be a whole number from 1 to 256.`;
  return {};
}

function download(bytes: ArrayBuffer, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

setState('idle');
