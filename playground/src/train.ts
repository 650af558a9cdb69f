// The Train page: a form for the network and the optimizer, a Worker that trains, live
// plots, and the weights saved to or loaded from a .safetensors file.

import { describeNetwork } from '../../src/nets/network_spec.js';
import { describeBackend } from './lib/footer.js';
import { accuracySvg, lossSvg } from './train/charts.js';
import { EVAL_IMAGES, MAX_MODEL_BYTES, MODEL_CHANNEL, type EvalPoint, type FromWorker, type ToWorker } from './train/protocol.js';
import { checkSettings, defaultLearningRate, defaultOptimizer, networkSpec, type PageNet, type SettingsText, type TrainSettings } from './train/settings.js';

type State = 'idle' | 'starting' | 'running' | 'paused' | 'finishing' | 'done' | 'failed' | 'loaded';

const FIELDS = ['net', 'optimizer', 'learningRate', 'batchSize', 'dtype', 'iterations', 'seed'] as const satisfies readonly (keyof TrainSettings)[];
/** Charts are drawn again at most this often while training. */
const REDRAW_MS = 250;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`train.html has no #${id}`);
  return found as T;
}

const form = element<HTMLFormElement>('settings');
const fields = element<HTMLFieldSetElement>('settings-fields');
const inputs = Object.fromEntries(FIELDS.map((name) => [name, element<HTMLInputElement | HTMLSelectElement>(name)])) as Record<(typeof FIELDS)[number], HTMLInputElement | HTMLSelectElement>;
const startButton = element<HTMLButtonElement>('start');
const pauseButton = element<HTMLButtonElement>('pause');
const resetButton = element<HTMLButtonElement>('reset');
const saveButton = element<HTMLButtonElement>('save');
const loadInput = element<HTMLInputElement>('load');
const settingsError = element('settings-error');
const statusLine = element('status');
const modelStatus = element('model-status');
const modelError = element('model-error');
const progress = element<HTMLProgressElement>('progress');
const lossChart = element('loss-chart');
const accuracyChart = element('accuracy-chart');
const stats = {
  iteration: element('stat-iteration'), speed: element('stat-speed'), loss: element('stat-loss'),
  train: element('stat-train'), test: element('stat-test'), final: element('stat-final'),
};

let state: State = 'idle';
let hasNetwork = false;
let totalIterations = 0;
let losses: number[] = [];
let evals: EvalPoint[] = [];
let redrawTimer: ReturnType<typeof setTimeout> | undefined;
let lastDrawn = 0;

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
send({ type: 'init', ...threadsAsked() });
worker.addEventListener('error', (event) => {
  event.preventDefault();
  fail(`The training Worker stopped: ${event.message || 'it could not be started'}. Reload the page to try again.`);
  element('backend').textContent = 'unavailable (the training Worker did not start)';
});
worker.addEventListener('messageerror', () => fail('A message from the training Worker could not be read. Reload the page to try again.'));

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
      totalIterations = message.totalIterations;
      losses.push(...message.losses);
      evals.push(...message.evals);
      showProgress(message.iteration, message.iterationsPerSecond);
      return;
    case 'paused':
      setState('paused');
      send({ type: 'save', purpose: 'share' });
      say(`Paused at iteration ${stats.iteration.dataset.value ?? 0}.`);
      return;
    case 'resumed':
      setState('running');
      say('Training again.');
      return;
    case 'finishing':
      setState('finishing');
      say('All iterations done; scoring the network on all the test images…');
      return;
    case 'done':
      drawCharts();
      setState('done');
      send({ type: 'save', purpose: 'share' });
      stats.final.textContent = message.testAcc.toFixed(4);
      stats.final.dataset.value = String(message.testAcc);
      if (message.seconds > 0) {
        const perSecond = totalIterations / message.seconds;
        stats.speed.textContent = perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
        stats.speed.dataset.value = String(perSecond);
      }
      say(`Done: ${totalIterations} iterations in ${message.seconds.toFixed(2)} s of training (${stats.speed.textContent} per second). Test accuracy ${message.testAcc.toFixed(4)} on all ${message.testImages} test images.`);
      return;
    case 'reset':
      clearRun();
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
      clearRun();
      hasNetwork = true;
      setState('loaded');
      send({ type: 'save', purpose: 'share' });
      modelError.textContent = '';
      modelStatus.textContent = `Loaded ${message.name}: ${message.description}. Test accuracy ${message.testAcc.toFixed(4)} on all ${message.testImages} test images.`;
      modelStatus.dataset.testAcc = String(message.testAcc);
      stats.final.textContent = message.testAcc.toFixed(4);
      stats.final.dataset.value = String(message.testAcc);
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
        drawCharts();
        fail(`Training stopped: ${message.message}. Press Reset to start again.`);
        return;
      }
      // The data could not be fetched or the network not built: nothing is training.
      clearRun();
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
  fields.disabled = busy;
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
  statusLine.textContent = '';
  settingsError.textContent = text;
}

function clearRun(): void {
  losses = [];
  evals = [];
  totalIterations = 0;
  progress.value = 0;
  for (const dd of Object.values(stats)) {
    dd.textContent = '–';
    delete dd.dataset.value;
  }
  delete modelStatus.dataset.testAcc;
  drawCharts();
}

function showProgress(iteration: number, iterationsPerSecond: number): void {
  progress.max = Math.max(1, totalIterations);
  progress.value = iteration;
  stats.iteration.textContent = `${iteration} of ${totalIterations}`;
  stats.iteration.dataset.value = String(iteration);
  if (iterationsPerSecond > 0) {
    stats.speed.textContent = iterationsPerSecond >= 100 ? iterationsPerSecond.toFixed(0) : iterationsPerSecond.toFixed(1);
    stats.speed.dataset.value = String(iterationsPerSecond);
  }
  const recent = losses.slice(-50);
  if (recent.length > 0) stats.loss.textContent = (recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(4);
  const last = evals[evals.length - 1];
  if (last) {
    stats.train.textContent = last.trainAcc.toFixed(3);
    stats.test.textContent = last.testAcc.toFixed(3);
    stats.test.dataset.value = String(last.testAcc);
  }
  scheduleCharts();
}

function scheduleCharts(): void {
  if (redrawTimer !== undefined) return;
  const wait = Math.max(0, REDRAW_MS - (performance.now() - lastDrawn));
  redrawTimer = setTimeout(() => {
    redrawTimer = undefined;
    drawCharts();
  }, wait);
}

/** Drawn at the width they are shown at, so their text stays readable on a phone. */
function drawCharts(): void {
  lastDrawn = performance.now();
  const width = Math.max(260, Math.min(720, Math.floor(lossChart.clientWidth || 560)));
  const size = { width, height: width < 420 ? 260 : 320 };
  const total = totalIterations || Number(inputs.iterations.value) || 1;
  lossChart.innerHTML = lossSvg(losses, total, size);
  accuracyChart.innerHTML = accuracySvg(evals, total, size);
  const lastLoss = losses.length > 0 ? losses[losses.length - 1]!.toFixed(3) : 'none yet';
  const last = evals[evals.length - 1];
  lossChart.setAttribute('aria-label', `Training loss over ${losses.length} iterations; latest ${lastLoss}`);
  accuracyChart.setAttribute('aria-label', last
    ? `Accuracy after ${last.iteration} iterations: train ${last.trainAcc.toFixed(3)}, test ${last.testAcc.toFixed(3)} (first ${EVAL_IMAGES} images of each)`
    : 'Accuracy: no evaluation yet');
}

function settingsText(): SettingsText {
  return Object.fromEntries(FIELDS.map((name) => [name, inputs[name].value])) as SettingsText;
}

function describeChoice(): void {
  const net = inputs.net.value as PageNet;
  const dtype = inputs.dtype.value === 'float64' ? 'float64' : 'float32';
  try {
    element('net-description').textContent = `${describeNetwork(networkSpec({ net, dtype, seed: 42 }))}, in ${dtype}.`;
  } catch {
    element('net-description').textContent = '';
  }
}

// The optimizer and learning rate follow the network's and the optimizer's defaults until the user sets them.
const touched = new Set<string>();
inputs.optimizer.addEventListener('change', () => {
  touched.add('optimizer');
  if (!touched.has('learningRate')) inputs.learningRate.value = String(defaultLearningRate(inputs.optimizer.value as TrainSettings['optimizer']));
});
inputs.learningRate.addEventListener('input', () => touched.add('learningRate'));
inputs.net.addEventListener('change', () => {
  if (!touched.has('optimizer')) inputs.optimizer.value = defaultOptimizer(inputs.net.value as PageNet);
  if (!touched.has('learningRate')) inputs.learningRate.value = String(defaultLearningRate(inputs.optimizer.value as TrainSettings['optimizer']));
  describeChoice();
});
inputs.dtype.addEventListener('change', describeChoice);
for (const input of Object.values(inputs)) input.addEventListener('input', () => {
  input.removeAttribute('aria-invalid');
  settingsError.textContent = '';
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (startButton.disabled) return;
  const checked = checkSettings(settingsText());
  if (!checked.ok) {
    settingsError.textContent = checked.message;
    inputs[checked.field].setAttribute('aria-invalid', 'true');
    inputs[checked.field].focus();
    return;
  }
  settingsError.textContent = '';
  modelStatus.textContent = '';
  modelError.textContent = '';
  clearRun();
  totalIterations = checked.settings.iterations;
  drawCharts();
  setState('starting');
  say('Starting…');
  send({ type: 'start', settings: checked.settings });
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
  modelStatus.textContent = '';
  modelError.textContent = '';
  if (file.size > MAX_MODEL_BYTES) {
    modelError.textContent = `Could not load: ${file.name}: ${file.size} bytes is far larger than any model file (at most ${MAX_MODEL_BYTES / 1024 / 1024} MB)`;
    return;
  }
  modelStatus.textContent = `Reading ${file.name}…`;
  file.arrayBuffer().then((bytes) => {
    const dtype = inputs.dtype.value === 'float64' ? 'float64' : 'float32';
    send({ type: 'load', bytes, name: file.name, dtype }, [bytes]);
  }, (error: unknown) => {
    modelStatus.textContent = '';
    modelError.textContent = `Could not load: ${file.name} could not be read (${error instanceof Error ? error.message : String(error)})`;
  });
});

/** train.html?threads=N trains on N threads (1 to compare with one core); by default, on every core. */
function threadsAsked(): { threads?: number } {
  const text = new URLSearchParams(location.search).get('threads');
  if (text === null) return {};
  const threads = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (threads >= 1 && threads <= 256) return { threads };
  settingsError.textContent = `Ignoring ?threads=${text.slice(0, 20)}: it must be a whole number from 1 to 256.`;
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

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(drawCharts, 150);
});

describeChoice();
setState('idle');
drawCharts();
